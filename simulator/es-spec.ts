/**
 * The Elasticsearch facts per version line, derived from elastic/elasticsearch-specification into
 * specs/elasticsearch/<line>.json by scripts/specs/derive-es-spec.ts (specs/SOURCES.md).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface SpecMember {
  type: string;
  required: boolean;
  since?: string;
  /** The specification's since-version where the product's differs (scripts/specs PRODUCT_SINCE). */
  specSince?: string;
}
export type SpecMembers = Record<string, SpecMember>;
export interface SpecEndpoint {
  since?: string;
  routes: Array<{ path: string; methods: string[] }>;
  query: SpecMembers;
  body?: SpecMembers;
}
export interface EsLineFacts {
  line: string;
  source: { repository: string; ref: string; commit: string };
  commonQuery: string[];
  endpoints: Record<string, SpecEndpoint>;
  types: Record<string, SpecMembers>;
  enums: Record<string, Record<string, { since?: string; specSince?: string }>>;
}

const SPEC_DIR = path.join(__dirname, '..', 'specs', 'elasticsearch');

const lineKey = (line: string) => line.split('.').map(Number) as [number, number];

let cache: EsLineFacts[] | undefined;

/** Every derived version line, oldest first. */
export function esLines(): EsLineFacts[] {
  cache ??= fs
    .readdirSync(SPEC_DIR)
    .filter((f) => /^\d+\.\d+\.json$/.test(f))
    .map((f) => JSON.parse(fs.readFileSync(path.join(SPEC_DIR, f), 'utf8')) as EsLineFacts)
    .sort((a, b) => {
      const [x1, y1] = lineKey(a.line);
      const [x2, y2] = lineKey(b.line);
      return x1 - x2 || y1 - y2;
    });
  return cache;
}

/**
 * The facts of a deployment's version: its own line, else the newest line of its major below it
 * (a patch or minor newer than the derived specs), else the oldest line of its major (older than
 * 8.10, which the facts do not cover: docs/simulator.md).
 */
export function esFactsFor(version: string): EsLineFacts {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const sameMajor = esLines().filter((l) => lineKey(l.line)[0] === major);
  const atOrBelow = sameMajor.filter((l) => lineKey(l.line)[1] <= minor);
  const facts = atOrBelow[atOrBelow.length - 1] ?? sameMajor[0];
  if (!facts) throw new Error(`no Elasticsearch facts for version ${version} (specs/elasticsearch)`);
  return facts;
}

/** Whether the line knows this member of a request, body or type (present in its derived facts). */
export const hasMember = (members: SpecMembers | undefined, name: string): boolean =>
  members !== undefined && Object.prototype.hasOwnProperty.call(members, name);
