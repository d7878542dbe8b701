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

/** One name list as Elasticsearch may echo it: a single name or a list. */
function normalize(access: unknown): unknown {
  if (!access || typeof access !== 'object') return access;
  const out: Record<string, unknown> = {};
  for (const [kind, entries] of Object.entries(access as Record<string, unknown>)) {
    if (!Array.isArray(entries)) continue;
    out[kind] = entries.map((e: Record<string, unknown>) => ({
      ...e,
      names: Array.isArray(e.names) ? e.names : [e.names],
      allow_restricted_indices: e.allow_restricted_indices === true,
    }));
  }
  return out;
}

/** True when the key's access is the requested one (field order and `names` form aside). */
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
