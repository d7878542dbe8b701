/**
 * Index privilege entries as Elasticsearch keeps and renders them (server RoleDescriptor.parseIndex
 * and IndicesPrivileges.innerToXContent), for a cross-cluster key's `access` and a role's `indices`
 * and `remote_indices`:
 * - `names` (and a remote entry's `clusters`) given as one string is a list of one;
 * - a `query` object is kept as its compact JSON text (its keys in the order given), a string as
 *   given; an empty string or `null` is no query;
 * - `allow_restricted_indices` is always there (default false);
 * - fields come back in Elasticsearch's order: names, privileges, field_security, query,
 *   allow_restricted_indices (then clusters).
 */
import { type Json, type JsonObject, clone } from './state';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A string, or a list of strings, as a list. */
export const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [String(v)]);

/** The stored text of a DLS query, or undefined for none. */
export function storedQuery(query: unknown): string | undefined {
  if (query === undefined || query === null || query === '') return undefined;
  return typeof query === 'string' ? query : JSON.stringify(query);
}

/** One index privilege entry in Elasticsearch's stored and rendered form. */
export function indexPrivilegeEntry(entry: Record<string, unknown>): JsonObject {
  const query = storedQuery(entry.query);
  return clone({
    names: asList(entry.names),
    ...(entry.privileges !== undefined ? { privileges: asList(entry.privileges) } : {}),
    ...(isObject(entry.field_security) ? { field_security: entry.field_security } : {}),
    ...(query !== undefined ? { query } : {}),
    allow_restricted_indices: entry.allow_restricted_indices === true,
    ...(entry.clusters !== undefined ? { clusters: asList(entry.clusters) } : {}),
  }) as JsonObject;
}

/** A list of entries (anything else is kept as it is: the parser refused it already). */
export function indexPrivilegeEntries(list: unknown): Json {
  return Array.isArray(list)
    ? list.map((e) => (isObject(e) ? indexPrivilegeEntry(e) : (e as Json)))
    : (clone(list ?? null) as Json);
}

/** A cross-cluster key's `access` as stored: `search` and `replication` entries in the form above. */
export function storedAccess(access: Record<string, unknown>): JsonObject {
  const out: JsonObject = {};
  for (const kind of ['search', 'replication'] as const) {
    if (Array.isArray(access[kind]) && access[kind].length > 0) out[kind] = indexPrivilegeEntries(access[kind]);
  }
  return out;
}
