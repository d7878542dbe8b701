/**
 * Connection requests for the real-server scenarios, on the simulator's built-in topology
 * (ece-a: public proxy CA; ece-b: private proxy CA). Each scenario uses its own local deployment
 * and alias pair, so its workflow id (domain connectionId) is its own.
 */
import { type ConnectionRequest, type ConnectionRequestInput, ConnectionRequest as RequestSchema } from '../../domain';
import { DEFAULT_IDS } from '../../simulator/api';

export const APPROVER = 'ops-lead';
export const REQUESTER = 'automation';

/** API key model, local ece-a 9.x -> remote ece-b (private proxy CA: the proxy-ca gate applies). */
export function apiKeyRequest(alias: string, overrides: Partial<ConnectionRequestInput> = {}): ConnectionRequest {
  return RequestSchema.parse({
    local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a9 },
    remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b9 },
    alias,
    securityModel: 'api_key',
    access: { search: [{ names: ['logs-*'] }] },
    roles: [
      {
        name: `${alias}-reader`,
        local: {
          remote_indices: [{ clusters: [alias], names: ['logs-*'], privileges: ['read', 'read_cross_cluster'] }],
        },
      },
    ],
    approval: { approvers: [APPROVER], deadline: '1h' },
    requestedBy: REQUESTER,
    verifyTimeout: '30s',
    ...overrides,
  } satisfies ConnectionRequestInput);
}

/** Certificate model, ece-a 8.15 -> ece-b 8.15, gated at platform-trust. */
export function certificateRequest(alias: string, overrides: Partial<ConnectionRequestInput> = {}): ConnectionRequest {
  return RequestSchema.parse({
    local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 },
    remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 },
    alias,
    securityModel: 'certificate',
    roles: [
      {
        name: `${alias}-search`,
        local: {},
        remote: { indices: [{ names: ['metrics-*'], privileges: ['read', 'read_cross_cluster'] }] },
      },
    ],
    approval: { gates: ['platform-trust'], approvers: [APPROVER], deadline: '1h' },
    requestedBy: REQUESTER,
    verifyTimeout: '30s',
    ...overrides,
  } satisfies ConnectionRequestInput);
}
