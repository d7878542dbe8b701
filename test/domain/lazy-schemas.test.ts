import { z } from 'zod';
import type * as Domain from '../../domain';
import { lazySchema, lazySchemaState } from '../../domain/lazy-schema';

/** Whether a value is a zod schema, read without building a lazy one. */
function isEagerSchema(value: unknown): boolean {
  return lazySchemaState(value) === undefined && value instanceof z.ZodType;
}

describe('domain schemas are built on first use', () => {
  // Every workflow run evaluates domain/ in its own module cache: a schema built at load is built
  // once per open run (about 1 MB a run before this), although a run parses only its own input.
  test('loading domain/ builds no schema: every schema it exports is lazy and still unbuilt', () => {
    let exports: Record<string, unknown> = {};
    jest.isolateModules(() => {
      exports = jest.requireActual<Record<string, unknown>>('../../domain');
    });
    const eager = Object.entries(exports)
      .filter(([, v]) => isEagerSchema(v))
      .map(([k]) => k);
    const built = Object.entries(exports)
      .filter(([, v]) => lazySchemaState(v) === 'built')
      .map(([k]) => k);
    // An eager one: wrap its definition, `export const X = lazySchema(() => z...)`.
    expect(eager).toEqual([]);
    // A built one: something at module load reads it (a `.shape`, a `.extend` outside a lazySchema).
    expect(built).toEqual([]);
    expect(Object.values(exports).filter((v) => lazySchemaState(v) === 'not built').length).toBeGreaterThan(50);
  });

  test('a connection request parse builds the schemas it uses, and only once', () => {
    jest.isolateModules(() => {
      const domain = jest.requireActual<typeof Domain>('../../domain');
      expect(lazySchemaState(domain.ConnectionRequest)).toBe('not built');
      expect(domain.ConnectionRequest.safeParse({}).success).toBe(false);
      expect(lazySchemaState(domain.ConnectionRequest)).toBe('built');
      expect(lazySchemaState(domain.DeploymentRef)).toBe('built');
      // Nothing a connection request holds: still unbuilt.
      expect(lazySchemaState(domain.EnvironmentsFile)).toBe('not built');
      expect(lazySchemaState(domain.ConnectionInventory)).toBe('not built');
    });
  });
});

describe('a lazy schema behaves as the schema it builds', () => {
  const Inner = lazySchema(() => z.object({ name: z.string().min(2, 'too short') }).strict());
  const Outer = lazySchema(() =>
    z.object({ inner: Inner, list: z.array(Inner).default([]), tag: z.enum(['a', 'b']).optional() }),
  );

  test('parses, refuses with the same issues, fills defaults', () => {
    expect(Outer.parse({ inner: { name: 'ok' } })).toEqual({ inner: { name: 'ok' }, list: [] });
    const refused = Outer.safeParse({ inner: { name: 'x', extra: 1 }, tag: 'c' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((i) => [i.path.join('.'), i.code])).toEqual([
      ['inner.name', 'too_small'],
      ['inner', 'unrecognized_keys'],
      ['tag', 'invalid_value'],
    ]);
  });

  test('is an instance of its class, exposes its shape and composes', () => {
    expect(Inner).toBeInstanceOf(z.ZodObject);
    expect(Object.keys(Inner.shape)).toEqual(['name']);
    const Extended = Inner.extend({ size: z.number() });
    expect(Extended.parse({ name: 'ok', size: 1 })).toEqual({ name: 'ok', size: 1 });
    expect(Inner.optional().parse(undefined)).toBeUndefined();
    const { parse } = Inner;
    expect(parse({ name: 'detached' })).toEqual({ name: 'detached' });
  });

  test('builds once, on first use', () => {
    let builds = 0;
    const Counted = lazySchema(() => {
      builds += 1;
      return z.string();
    });
    const Holder = lazySchema(() => z.object({ value: Counted }));
    expect(builds).toBe(0);
    expect(lazySchemaState(Counted)).toBe('not built');
    Holder.parse({ value: 'a' });
    Holder.parse({ value: 'b' });
    expect(Counted.parse('c')).toBe('c');
    expect(builds).toBe(1);
    expect(lazySchemaState(Counted)).toBe('built');
    expect(lazySchemaState(z.string())).toBeUndefined();
  });
});
