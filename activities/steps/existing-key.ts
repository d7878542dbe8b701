/**
 * Converging on an existing connection (a connect started again, an update-access): preflight
 * finds the active key of this connection behind a connection that is in place (remote settings
 * and keystore credential present), and whether it grants the requested access already.
 */
import { isDeepStrictEqual } from 'node:util';
import { type ConnectionRequest } from '../../domain/connection-request';
import { type PreflightResult, type StepDecision } from '../../domain/records';
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

/**
 * The step decisions for a connection that exists: its key is kept (matching access) or updated
 * in place (differing access); the keystore keeps the working credential, so neither the keystore
 * write nor a reload applies. The other steps are idempotent and run as decided.
 */
export function convergeDecisions(decisions: StepDecision[], existing: PreflightResult['existingKey']): StepDecision[] {
  if (!existing) return decisions;
  const override: Partial<Record<StepDecision['id'], [boolean, string]>> = {
    'api-key': existing.matches
      ? [false, `the connection exists and its key ${existing.keyId} grants the requested access: nothing to change`]
      : [true, `the connection exists and its key ${existing.keyId} grants other access: updated in place`],
    keystore: [false, `the keystore already holds the working credential of key ${existing.keyId}`],
    restart: [false, 'the keystore is unchanged: nothing to reload'],
  };
  return decisions.map((d) => {
    const o = override[d.id];
    return o ? { id: d.id, applies: o[0], reason: o[1] } : d;
  });
}
