/**
 * schemas/connections.schema.json, generated from the desired-state schema (domain/desired-state.ts)
 * with zod's own JSON Schema output, so editors complete and check connections.yaml
 * (`# yaml-language-server: $schema=...`) by the same definitions crosslink validates with.
 * `npm run docs:schema` writes it; test/domain/desired-state.test.ts fails when it differs.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { DesiredState } from '../../domain';

export const SCHEMA_FILE = resolve(__dirname, '../../schemas/connections.schema.json');

/**
 * The file's JSON Schema (what a caller writes: defaults optional). The rules that span fields (a
 * model's required access, an alias declared twice) are the schema's refinements, which JSON Schema
 * cannot say: crosslink checks them, with the line of each problem.
 */
export function desiredStateJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(DesiredState, { io: 'input', unrepresentable: 'any' });
  return {
    ...schema,
    title: 'crosslink desired state (connections.yaml)',
    description:
      'The connections that should exist, for crosslink plan / apply and the scheduled reconcile. Generated from domain/desired-state.ts (npm run docs:schema).',
  };
}

/** The file's text as the repository keeps it (formatted by prettier, as every tracked file). */
export async function schemaText(): Promise<string> {
  // Loaded here only: prettier cannot load inside jest, which checks the schema itself.
  const { format, resolveConfig } = await import('prettier');
  const options = (await resolveConfig(SCHEMA_FILE)) ?? {};
  return format(JSON.stringify(desiredStateJsonSchema()), { ...options, parser: 'json' });
}

if (require.main === module) {
  void schemaText().then((text) => {
    writeFileSync(SCHEMA_FILE, text);
    console.log(`wrote ${SCHEMA_FILE}`);
  });
}
