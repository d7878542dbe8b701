/**
 * Schemas built on first use. Every workflow run evaluates the domain modules in its own module
 * cache (the SDK isolates runs; zod itself is shared, workers/workflow-preload.ts), so a schema
 * built at module load is built once per open run: all of domain/'s ~1000 zod objects, about
 * 1 MB a run, although a run parses only its own input. Built lazily, a run builds only what it
 * parses (BENCHMARKS.md, "Where a worker's memory goes").
 *
 * `lazySchema(() => z.object(...))` is the schema itself to every caller (its type is the built
 * schema's): the first property read builds it, once, and every read after is forwarded to it.
 */

/** Reads a lazy schema's state without building it (test/domain/lazy-schemas.test.ts). */
const LAZY_STATE = Symbol.for('crosslink.lazySchema');

export type LazySchemaState = 'built' | 'not built';

/** What a lazy schema's proxy holds: how to build the schema, and the schema once built. */
interface LazyTarget {
  build: () => object;
  built?: object;
}

function built(target: LazyTarget): object {
  return (target.built ??= target.build());
}

/** A proxy may not report a property its target lacks as non-configurable. */
function configurable(descriptor: PropertyDescriptor | undefined): PropertyDescriptor | undefined {
  return descriptor && { ...descriptor, configurable: true };
}

/**
 * One handler for every lazy schema (a run evaluates each domain module, so per-schema closures
 * would be paid per run): each trap answers from the target's built schema.
 */
const LAZY_HANDLER: ProxyHandler<LazyTarget> = {
  get: (target, key) => (key === LAZY_STATE ? (target.built ? 'built' : 'not built') : Reflect.get(built(target), key)),
  has: (target, key) => Reflect.has(built(target), key),
  ownKeys: (target) => Reflect.ownKeys(built(target)),
  getOwnPropertyDescriptor: (target, key) => configurable(Reflect.getOwnPropertyDescriptor(built(target), key)),
  getPrototypeOf: (target) => Reflect.getPrototypeOf(built(target)),
  set: (target, key, value) => Reflect.set(built(target), key, value),
  defineProperty: (target, key, descriptor) => Reflect.defineProperty(built(target), key, descriptor),
  deleteProperty: (target, key) => Reflect.deleteProperty(built(target), key),
};

export function lazySchema<T extends object>(build: () => T): T {
  return new Proxy<LazyTarget>({ build }, LAZY_HANDLER) as unknown as T;
}

/** Whether `value` is a lazy schema and whether it has been built; undefined for anything else. */
export function lazySchemaState(value: unknown): LazySchemaState | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  return (value as Record<symbol, LazySchemaState | undefined>)[LAZY_STATE];
}
