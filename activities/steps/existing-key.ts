/**
 * Converging on an existing connection (a connect started again, an update-access): preflight
 * finds the active key of this connection behind a connection that is in place (remote settings
 * and keystore credential present), and whether it grants the requested access already.
 */
import { isDeepStrictEqual } from 'node:util';
import { type ConnectionRequest } from '../../domain/connection-request';
import { type PreflightResult } from '../../domain/records';
import { isActive } from '../elasticsearch/api-keys';
import { apiKeyCarriesMark } from '../marks';
import { type PreflightSnapshot } from './preflight-reads';
import { aliasSettingNames, keystoreHoldsAlias } from './preflight-rules';

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
function normalize(access: unknown): unknown {
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
 * may come in any order (isDeepStrictEqual ignores it); lists keep their order, as Elasticsearch
 * keeps them; a query matches whether given as an object or as its JSON text.
 */
export function accessMatches(current: unknown, requested: unknown): boolean {
  return current !== undefined && current !== null && isDeepStrictEqual(normalize(current), normalize(requested));
}

export function existingKeyOf(
  s: PreflightSnapshot,
  request: ConnectionRequest,
  connectionId: string,
): PreflightResult['existingKey'] {
  if (request.securityModel !== 'api_key') return undefined;
  if (aliasSettingNames(s, request).length === 0 || !keystoreHoldsAlias(s, request)) return undefined;
  const live = s.remoteKeysNamedForRun.filter((k) => isActive(k) && apiKeyCarriesMark(k.metadata, connectionId));
  // Several live keys (a lost response, a rotation cut short): no single working key to converge on.
  if (live.length !== 1) return undefined;
  const key = live[0]!;
  return {
    keyId: key.id,
    keyName: key.name ?? '',
    ...(key.access ? { access: key.access } : {}),
    matches: accessMatches(key.access, request.access),
  };
}
