/**
 * Converging on an existing connection (a connect started again, an update-access): preflight
 * finds the active key of this connection behind a connection that is in place (remote settings
 * and keystore credential present), and whether it grants the requested access already.
 */
import { accessMatches } from '../../domain/access';
import { type ConnectionRequest } from '../../domain/connection-request';
import { type PreflightResult } from '../../domain/records';
import { isActive } from '../elasticsearch/api-keys';
import { apiKeyCarriesMark } from '../marks';
import { type PreflightSnapshot } from './preflight-reads';
import { aliasSettingNames, keystoreHoldsAlias } from './preflight-rules';

/** The one comparison of what a key grants (domain/access.ts); re-exported for the step files. */
export { accessMatches };

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
