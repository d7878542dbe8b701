/**
 * Derives the Elasticsearch facts the simulator uses from checkouts of elastic/elasticsearch-specification,
 * one per version line (branch), into specs/elasticsearch/<line>.json. Only facts, no upstream prose:
 * per endpoint the routes, query parameters, body field names and types, and since-versions.
 *
 *   tsx scripts/specs/derive-es-spec.ts <out-dir> <line>=<checkout-dir>@<commit> ...
 *
 * A checkout needs `specification/` (the `_json_spec/` REST specs where the branch has them, the
 * TypeScript request definitions, `security/_types/` and `_spec_utils/behaviors.ts`).
 *
 * Where a branch's definitions lag behind its own server (a field or enum member added later with an
 * `@availability stack since=X` marker in a newer branch), the newest branch's marker decides: a line
 * has every member whose since-version is at or below it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The REST APIs the simulator serves (crosslink's own calls and what a user's client may call). */
const ENDPOINTS = [
  'info',
  'security.create_cross_cluster_api_key',
  'security.update_cross_cluster_api_key',
  'security.get_api_key',
  'security.invalidate_api_key',
  'security.put_role',
  'security.get_role',
  'security.delete_role',
  'cluster.get_settings',
  'cluster.put_settings',
  'cluster.remote_info',
  'nodes.reload_secure_settings',
  'indices.resolve_cluster',
  'indices.close',
  'indices.open',
  'ccr.follow',
  'ccr.pause_follow',
  'ccr.resume_follow',
  'ccr.unfollow',
  'ccr.follow_info',
  'ccr.follow_stats',
  'ccr.stats',
  'ccr.put_auto_follow_pattern',
  'ccr.get_auto_follow_pattern',
  'ccr.delete_auto_follow_pattern',
  'ccr.pause_auto_follow_pattern',
  'ccr.resume_auto_follow_pattern',
  'transform.get_transform',
  'transform.get_transform_stats',
  'ml.get_datafeeds',
  'ml.get_datafeed_stats',
];

/** Named types whose fields the simulator checks inside request bodies. */
const TYPES = [
  'Access',
  'SearchAccess',
  'ReplicationAccess',
  'IndicesPrivileges',
  'RemoteIndicesPrivileges',
  'RemoteClusterPrivileges',
];
const ENUMS = ['RemoteClusterPrivilege'];

export interface Member {
  type: string;
  required: boolean;
  since?: string;
  /** Set where the product's since-version replaced the specification's (PRODUCT_SINCE). */
  specSince?: string;
}
type Members = Record<string, Member>;
interface Endpoint {
  since?: string;
  /** Set while deriving when the branch has the REST spec but not yet the TypeScript definition. */
  lagging?: boolean;
  routes: Array<{ path: string; methods: string[] }>;
  query: Members;
  body?: Members;
}
/**
 * Where Elasticsearch itself accepts a member from another version than the specification's
 * `since` marker says, the product decides (docs/sources.md §8A lists each with its source). The
 * specification added these markers after the fact and dated them from the GA release.
 */
export const PRODUCT_SINCE: ReadonlyArray<{
  /** `body` of an endpoint, or `enum` of a named enum. */
  in: { body: string } | { enum: string };
  member: string;
  since: string;
  source: string;
}> = [
  {
    in: { body: 'security.put_role' },
    member: 'remote_indices',
    since: '8.10.0',
    source:
      'elastic/elasticsearch PR #98307 (RCS 2.0 feature flag removed for the 8.10 beta); the 8.10 guide configures local roles with remote_indices',
  },
  {
    in: { enum: 'RemoteClusterPrivilege' },
    member: 'monitor_enrich',
    since: '8.15.0',
    source:
      'elastic/elasticsearch PR #107493 (remote_cluster, TransportVersion ROLE_REMOTE_CLUSTER_PRIVS after V_8_14_0): usable only inside remote_cluster, 8.15',
  },
];

export interface LineFacts {
  line: string;
  source: { repository: string; ref: string; commit: string };
  commonQuery: string[];
  endpoints: Record<string, Endpoint>;
  types: Record<string, Members>;
  enums: Record<string, Record<string, { since?: string; specSince?: string }>>;
}

const SINCE = /@availability\s+stack\s+since=(\d+\.\d+\.\d+)/;

/** Replaces each doc comment by a `@@since=X@@` marker (or nothing) so fields keep their marker. */
function markComments(src: string): string {
  return src
    .replace(/\/\*[\s\S]*?\*\//g, (c) => {
      const m = SINCE.exec(c);
      return m ? `@@since=${m[1]}@@\n` : '';
    })
    .replace(/\/\/[^\n]*/g, '');
}

/** The text between the `{` at `open` and its matching `}`. */
function block(src: string, open: number): string {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    if (src[i] === '{') depth++;
    else if (src[i] === '}' && --depth === 0) return src.slice(open + 1, i);
  }
  throw new Error('unbalanced braces');
}

/** Top-level `name?: Type` members of a block (depth counted over all bracket kinds). */
function members(body: string): Members {
  const out: Members = {};
  let depth = 0;
  let current = '';
  const flush = () => {
    const text = current.trim();
    current = '';
    const since = /@@since=([\d.]+)@@/.exec(text)?.[1];
    const m = /^(?:@@since=[\d.]+@@\s*)*([A-Za-z_][\w]*)(\?)?\s*:\s*([\s\S]+)$/.exec(text);
    if (m) out[m[1]!] = { type: m[3]!.replace(/\s+/g, ' ').trim(), required: !m[2], ...(since ? { since } : {}) };
  };
  for (const ch of body) {
    if ('{[<('.includes(ch)) depth++;
    if ('}]>)'.includes(ch)) depth--;
    if (ch === '\n' && depth === 0) {
      if (/^\s*(@@since=[\d.]+@@\s*)*$/.test(current)) continue;
      flush();
    } else current += ch;
  }
  flush();
  return out;
}

function section(iface: string, name: string): string | undefined {
  const at = new RegExp(`\\n\\s*${name}\\??\\s*:\\s*\\{`).exec(iface);
  return at ? block(iface, at.index + at[0].length - 1) : undefined;
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The TypeScript request definition of each REST API name in this checkout. */
function requestFiles(spec: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of walk(spec)) {
    if (!/Request\.ts$/.test(file)) continue;
    const src = fs.readFileSync(file, 'utf8');
    const name = /@rest_spec_name\s+([\w.]+)/.exec(src)?.[1];
    if (name && ENDPOINTS.includes(name)) out.set(name, src);
  }
  return out;
}

/** From the TypeScript definition (`src`, absent where the branch lags) and the REST spec JSON. */
function fromRequest(src: string | undefined, jsonSpec: unknown): Endpoint {
  const head = /\/\*\*((?:(?!\*\/)[\s\S])*?)\*\/\s*export interface Request/.exec(src ?? '')?.[1] ?? '';
  const since = SINCE.exec(head)?.[1];
  const marked = markComments(src ?? 'export interface Request extends RequestBase {}');
  const start = /export interface Request extends RequestBase\s*\{/.exec(marked)!;
  const iface = block(marked, start.index + start[0].length - 1);
  const bodySection = src === undefined ? undefined : section(iface, 'body');
  const query = members(section(iface, 'query_parameters') ?? '');
  const routes: Endpoint['routes'] = [];
  const rest = jsonSpec as
    | Record<
        string,
        { url: { paths: Array<{ path: string; methods: string[] }> }; params?: Record<string, { type: string }> }
      >
    | undefined;
  const api = rest ? Object.values(rest)[0] : undefined;
  if (api) {
    for (const p of api.url.paths) routes.push({ path: p.path, methods: [...p.methods] });
    // The REST spec is what the server registers: its parameters are known even when the TS lags.
    for (const [name, param] of Object.entries(api.params ?? {})) query[name] ??= { type: param.type, required: false };
  } else {
    const urls = /\n\s*urls\s*:\s*\[([\s\S]*?)\n\s*\]/.exec(iface)?.[1] ?? '';
    for (const m of urls.matchAll(/path:\s*'([^']+)'\s*methods:\s*\[([^\]]*)\]/g))
      routes.push({ path: m[1]!, methods: [...m[2]!.matchAll(/'(\w+)'/g)].map((x) => x[1]!) });
  }
  return {
    ...(since ? { since } : {}),
    routes,
    query,
    ...(bodySection !== undefined ? { body: members(bodySection) } : {}),
  };
}

/** Classes (with their `extends X` / `OverloadOf<X>` bases resolved) and enums of security/_types. */
function typesOf(spec: string): { types: LineFacts['types']; enums: LineFacts['enums'] } {
  const classes = new Map<string, { own: Members; bases: string[] }>();
  const enums: LineFacts['enums'] = {};
  for (const file of walk(path.join(spec, 'security', '_types'))) {
    const marked = markComments(fs.readFileSync(file, 'utf8'));
    for (const m of marked.matchAll(/export (?:class|interface) (\w+)([^{]*)\{/g)) {
      const bases = [...m[2]!.matchAll(/(?:extends|OverloadOf<)\s*(\w+)/g)].map((b) => b[1]!);
      classes.set(m[1]!, { own: members(block(marked, m.index + m[0].length - 1)), bases });
    }
    for (const name of ENUMS) {
      const at = new RegExp(`export enum ${name}\\s*\\{`).exec(marked);
      if (!at) continue;
      const values: Record<string, { since?: string }> = {};
      for (const part of block(marked, at.index + at[0].length - 1).split(',')) {
        const m = /^(?:\s*@@since=([\d.]+)@@)?\s*(\w+)/.exec(part);
        if (m) values[m[2]!] = m[1] ? { since: m[1] } : {};
      }
      enums[name] = values;
    }
  }
  const resolve = (name: string): Members => {
    const c = classes.get(name);
    return c ? Object.assign({}, ...c.bases.map(resolve), c.own) : {};
  };
  const types: LineFacts['types'] = {};
  for (const name of TYPES) if (classes.has(name)) types[name] = resolve(name);
  return { types, enums };
}

function derive(line: string, dir: string, commit: string): LineFacts {
  const spec = path.join(dir, 'specification');
  const behaviors = markComments(fs.readFileSync(path.join(spec, '_spec_utils', 'behaviors.ts'), 'utf8'));
  const common = /export interface CommonQueryParameters\s*\{/.exec(behaviors)!;
  const commonQuery = Object.keys(members(block(behaviors, common.index + common[0].length - 1))).sort();
  const endpoints: Record<string, Endpoint> = {};
  const requests = requestFiles(spec);
  for (const name of ENDPOINTS) {
    const jsonFile = path.join(spec, '_json_spec', `${name}.json`);
    const json = fs.existsSync(jsonFile) ? (JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as unknown) : undefined;
    if (json === undefined && !requests.has(name)) continue;
    endpoints[name] = { ...fromRequest(requests.get(name), json), ...(requests.has(name) ? {} : { lagging: true }) };
  }
  return {
    line,
    source: { repository: 'elastic/elasticsearch-specification', ref: line, commit },
    commonQuery,
    endpoints,
    ...typesOf(spec),
  };
}

/** A newest-branch member, re-dated to the product's since-version; undefined where the line is older. */
function productMember(newest: Member | undefined, since: string, line: string): Member | undefined {
  if (!newest || cmp(since, `${line}.0`) > 0) return undefined;
  const specSince = newest.specSince ?? newest.since;
  return { ...newest, since, ...(specSince && specSince !== since ? { specSince } : {}) };
}

/** Applies PRODUCT_SINCE to one line, from the newest line's definitions. */
export function applyProductSince(facts: LineFacts, newest: LineFacts): void {
  for (const fix of PRODUCT_SINCE) {
    if ('body' in fix.in) {
      const body = facts.endpoints[fix.in.body]?.body;
      if (!body) continue;
      const member = productMember(newest.endpoints[fix.in.body]?.body?.[fix.member], fix.since, facts.line);
      if (member) body[fix.member] = member;
      else delete body[fix.member];
    } else {
      const values = (facts.enums[fix.in.enum] ??= {});
      const since = cmp(fix.since, `${facts.line}.0`) <= 0 ? fix.since : undefined;
      const specSince = newest.enums[fix.in.enum]?.[fix.member]?.since;
      if (since) values[fix.member] = { since, ...(specSince && specSince !== since ? { specSince } : {}) };
      else delete values[fix.member];
    }
  }
}

function cmp(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** Adds to `into` the members of `newer` whose since-version is at or below `line`. */
function backfill(into: Members, newer: Members, line: string): void {
  for (const [k, m] of Object.entries(newer)) if (!into[k] && m.since && cmp(m.since, `${line}.0`) <= 0) into[k] = m;
  for (const [k, m] of Object.entries(into))
    if (!m.since && newer[k]?.since) into[k] = { ...m, since: newer[k]!.since };
}

function main(): void {
  const [outDir, ...pairs] = process.argv.slice(2);
  if (!outDir || pairs.length === 0) {
    console.error('usage: derive-es-spec.ts <out-dir> <line>=<checkout-dir>@<commit> ...');
    process.exit(2);
  }
  const lines = pairs
    .map((p) => {
      const m = /^(\d+\.\d+)=(.+)@([0-9a-f]{40})$/.exec(p);
      if (!m) throw new Error(`bad argument ${p}`);
      return derive(m[1]!, m[2]!, m[3]!);
    })
    .sort((a, b) => cmp(a.line, b.line));
  const newest = lines[lines.length - 1]!;
  const upTo = (m: Members, line: string): Members =>
    Object.fromEntries(Object.entries(m).filter(([, v]) => !v.since || cmp(v.since, `${line}.0`) <= 0));
  for (const [i, facts] of lines.entries()) {
    const later = lines.slice(i + 1);
    for (const [name, ep] of Object.entries(facts.endpoints)) {
      // The branch registers the API but its TypeScript lags: the nearest branch defining it decides.
      const next = ep.lagging ? later.find((l) => l.endpoints[name] && !l.endpoints[name].lagging) : undefined;
      if (next) {
        const def = next.endpoints[name]!;
        if (def.body) ep.body = upTo(def.body, facts.line);
        for (const [k, v] of Object.entries(upTo(def.query, facts.line))) ep.query[k] ??= v;
        if (def.since) ep.since = def.since;
      }
      delete ep.lagging;
    }
    for (const name of TYPES) {
      const next = later.find((l) => l.types[name]);
      if (!facts.types[name] && next) facts.types[name] = upTo(next.types[name]!, facts.line);
    }
    for (const [name, ep] of Object.entries(facts.endpoints)) {
      const later = newest.endpoints[name];
      if (!later) continue;
      backfill(ep.query, later.query, facts.line);
      if (ep.body && later.body) backfill(ep.body, later.body, facts.line);
      if (!ep.since && later.since) ep.since = later.since;
    }
    for (const [name, fields] of Object.entries(newest.types))
      if (facts.types[name]) backfill(facts.types[name], fields, facts.line);
    for (const [name, values] of Object.entries(newest.enums)) {
      const own = (facts.enums[name] ??= {});
      for (const [v, meta] of Object.entries(values))
        if (!own[v] && meta.since && cmp(meta.since, `${facts.line}.0`) <= 0) own[v] = meta;
    }
    applyProductSince(facts, newest);
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, `${facts.line}.json`), `${JSON.stringify(facts, null, 2)}\n`);
  }
  console.log(`wrote ${lines.length} version lines to ${outDir}`);
}

if (require.main === module) main();
