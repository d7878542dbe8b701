/**
 * Derives the ECE API facts the simulator is held to from the upstream Swagger 2.0 document: the
 * operations crosslink and the simulator use, with every definition they reach, keeping paths,
 * methods, parameters, field names, types, enums and nullability, and dropping the upstream prose
 * (descriptions, summaries, examples). Source and licence: specs/SOURCES.md.
 *
 *   npx tsx scripts/specs/derive-ece-spec.ts <apidocs.json> [out]   (default out: specs/ece/ece-api-v1.facts.json)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** The operations the project uses (simulator routes, activities/ece wrappers, conformance tests). */
export const USED_OPERATIONS = [
  'get-platform',
  'get-tls-certificate',
  'get-trust-relationships',
  'get-trust-relationship',
  'create-trust-relationship',
  'update-trust-relationship',
  'delete-trust-relationship',
  'list-deployments',
  'get-deployment',
  'get-deployment-es-resource-info',
  'update-deployment',
  'get-deployment-es-resource-keystore',
  'set-deployment-es-resource-keystore',
  'restart-deployment-es-resource',
  'cancel-deployment-resource-pending-plan',
] as const;

/** Keys that carry upstream prose rather than facts. */
const PROSE = new Set(['description', 'summary', 'title', 'example', 'examples', 'x-doc', 'externalDocs']);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function stripProse(node: Json, inPropertyMap = false): Json {
  if (Array.isArray(node)) return node.map((n) => stripProse(n));
  if (node === null || typeof node !== 'object') return node;
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(node)) {
    // Inside `properties` the keys are field names: a field may well be called "description".
    if (!inPropertyMap && PROSE.has(k)) continue;
    out[k] = inPropertyMap ? stripProse(v) : stripProse(v, k === 'properties');
  }
  return out;
}

function refsIn(node: Json, into: Set<string>): void {
  if (Array.isArray(node)) return node.forEach((n) => refsIn(n, into));
  if (node === null || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') into.add(v.replace('#/definitions/', ''));
    else refsIn(v, into);
  }
}

export function deriveEceFacts(upstream: { [k: string]: Json }): { [k: string]: Json } {
  const paths = upstream.paths as { [p: string]: { [m: string]: { [k: string]: Json } } };
  const definitions = upstream.definitions as { [d: string]: Json };
  const wanted = new Set<string>(USED_OPERATIONS);
  const keptPaths: { [p: string]: { [m: string]: Json } } = {};
  for (const [p, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!wanted.has(op.operationId as string)) continue;
      wanted.delete(op.operationId as string);
      const { tags: _tags, security: _security, ...facts } = op;
      (keptPaths[p] ??= {})[method] = stripProse(facts as Json);
    }
  }
  if (wanted.size > 0) throw new Error(`operations missing upstream: ${[...wanted].join(', ')}`);
  const reached = new Set<string>();
  const queue: string[] = [];
  refsIn(keptPaths as Json, new Set(queue));
  const first = new Set<string>();
  refsIn(keptPaths as Json, first);
  queue.push(...first);
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (reached.has(name)) continue;
    reached.add(name);
    const found = new Set<string>();
    refsIn(definitions[name] ?? null, found);
    queue.push(...[...found].filter((n) => !reached.has(n)));
  }
  const keptDefinitions: { [d: string]: Json } = {};
  for (const name of [...reached].sort()) {
    if (!(name in definitions)) throw new Error(`definition ${name} is referenced but missing upstream`);
    keptDefinitions[name] = stripProse(definitions[name]!);
  }
  return {
    swagger: upstream.swagger!,
    info: {
      title: (upstream.info as { title: string }).title,
      version: (upstream.info as { version: string }).version,
    },
    basePath: upstream.basePath!,
    paths: keptPaths,
    definitions: keptDefinitions,
  };
}

if (require.main === module) {
  const [input, out = path.resolve(__dirname, '../../specs/ece/ece-api-v1.facts.json')] = process.argv.slice(2);
  if (!input) {
    console.error('usage: tsx scripts/specs/derive-ece-spec.ts <apidocs.json> [out]');
    process.exit(2);
  }
  const facts = deriveEceFacts(JSON.parse(readFileSync(input, 'utf8')) as { [k: string]: Json });
  writeFileSync(out, JSON.stringify(facts, null, 1) + '\n');
  const p = facts.paths as object;
  console.log(`${out}: ${Object.keys(p).length} paths, ${Object.keys(facts.definitions as object).length} definitions`);
}
