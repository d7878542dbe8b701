/**
 * What a cross-cluster API key grants, compared as Elasticsearch means it: the one comparison
 * preflight (converging on a working key), the plan of a desired-state file and the apply use.
 * Pure (no I/O, no Node built-ins), so workflow code can use it too.
 */
import { stringify } from 'safe-stable-stringify';

/**
 * A document-level-security query as a value. Elasticsearch returns a key's query as JSON text (an
 * object is kept as its compact JSON, a string as given); a request may give either. Text that is
 * not JSON (a template) is compared as text; an empty query is none.
 */
function queryValue(query: unknown): unknown {
  if (query === undefined || query === null || query === '') return undefined;
  if (typeof query !== 'string') return query;
  try {
    return JSON.parse(query) as unknown;
  } catch {
    return query;
  }
}

/** One access entry by what it grants: `names` a list, the query a value, `allow_restricted_indices` explicit. */
function normalizeEntry(entry: Record<string, unknown>): Record<string, unknown> {
  const { query, ...rest } = entry;
  const value = queryValue(query);
  return {
    ...rest,
    names: Array.isArray(entry.names) ? entry.names : [entry.names],
    allow_restricted_indices: entry.allow_restricted_indices === true,
    ...(value !== undefined ? { query: value } : {}),
  };
}

/** The access as Elasticsearch means it: empty kinds dropped (Elasticsearch omits them), entries normalised. */
export function normalizeAccess(access: unknown): unknown {
  if (!access || typeof access !== 'object') return access;
  const out: Record<string, unknown> = {};
  for (const [kind, entries] of Object.entries(access as Record<string, unknown>)) {
    if (!Array.isArray(entries) || entries.length === 0) continue;
    out[kind] = entries.map((e: Record<string, unknown>) => normalizeEntry(e));
  }
  return out;
}

/**
 * True when the key's access (as Elasticsearch returns it) grants what is requested. Object keys
 * may come in any order (compared as canonical JSON); lists keep their order, as Elasticsearch
 * keeps them; a query matches whether given as an object or as its JSON text.
 */
export function accessMatches(current: unknown, requested: unknown): boolean {
  return (
    current !== undefined &&
    current !== null &&
    stringify(normalizeAccess(current)) === stringify(normalizeAccess(requested))
  );
}
