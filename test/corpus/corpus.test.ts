/**
 * Bad-input corpus: every file under test/corpus/<kind>/ is one malformed input and the error it
 * must get. A new case is one new file. (Events are covered by test/corpus/events.test.ts.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { ConnectionRequest, EnvironmentsFile, ValidationError, parseOrThrow } from '../../domain';

const CorpusCase = z.object({
  description: z.string().min(1),
  input: z.unknown(),
  expect: z.object({ field: z.string(), message: z.string() }),
});

function load(kind: string): Array<[string, z.infer<typeof CorpusCase>]> {
  const dir = path.join(__dirname, kind);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [`${kind}/${f}`, CorpusCase.parse(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')))]);
}

const schemas = {
  requests: [ConnectionRequest, 'connection request'],
  environments: [EnvironmentsFile, 'environments file'],
} as const;

describe.each(Object.keys(schemas) as Array<keyof typeof schemas>)('bad-input corpus: %s', (kind) => {
  const [schema, what] = schemas[kind];
  const cases = load(kind);

  it('has cases', () => expect(cases.length).toBeGreaterThan(10));

  it.each(cases)('%s is refused with an error naming the field', (_file, c) => {
    let error: unknown;
    try {
      parseOrThrow(schema, c.input, what);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const errors = (error as ValidationError).errors;
    const hit = errors.find((e) => e.field === c.expect.field);
    if (!hit) throw new Error(`${c.description}: no error for ${c.expect.field}; got ${JSON.stringify(errors)}`);
    expect(hit.message).toMatch(new RegExp(c.expect.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    expect((error as Error).message).toContain(c.expect.field);
  });
});
