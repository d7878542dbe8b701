/**
 * The connection the local run asks for: local ece-a 9.x -> remote ece-b 9.x, API key model.
 * ece-b's proxy CA is private, so the `proxy-ca` gate shows. Who approves is not the request's to
 * say: the local run's approval policy names LOCAL_APPROVER (scripts/local/approver.ts).
 */
import { type ConnectionRequestInput } from '../../domain';
import { DEFAULT_IDS } from '../../simulator/api';

export const LOCAL_REQUESTER = 'automation@crosslink.local';
/** The approver of the local run's approval policy (never the requester). */
export const LOCAL_APPROVER = 'ops-oncall@crosslink.local';

export function defaultLocalRequest(): ConnectionRequestInput {
  return {
    local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a9 },
    remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b9 },
    alias: 'logs-b',
    securityModel: 'api_key',
    access: { search: [{ names: ['logs-*'] }] },
    roles: [
      {
        name: 'crosslink-logs-b-reader',
        local: {
          remote_indices: [{ clusters: ['logs-b'], names: ['logs-*'], privileges: ['read', 'read_cross_cluster'] }],
        },
      },
    ],
    approval: { deadline: '1h' },
    verifyTimeout: '2m',
    requestedBy: LOCAL_REQUESTER,
  };
}
