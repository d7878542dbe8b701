/** The connection requests the proof suites run: one per model, plus the 8.13 (restart) variant. */
import { ConnectionRequest, type ConnectionRequestInput } from '../../../domain';
import { DEFAULT_IDS } from '../../../simulator/api';

export const REQUESTER = 'alice';
export const APPROVER = 'bob';

const ref = (environment: string, deploymentId: string) => ({ environment, deploymentId });

/** API key model: ece-a 8.15 (the deployment with pre-existing objects) -> ece-b 9.x (private proxy CA). */
export function apiKeyRequest(overrides: Partial<ConnectionRequestInput> = {}): ConnectionRequest {
  return ConnectionRequest.parse({
    local: ref('ece-a', DEFAULT_IDS.a815),
    remote: ref('ece-b', DEFAULT_IDS.b9),
    alias: 'logs-b',
    securityModel: 'api_key',
    access: { search: [{ names: ['logs-*'] }] },
    roles: [
      {
        name: 'crosslink-logs-reader',
        local: { remote_indices: [{ clusters: ['logs-b'], names: ['logs-*'], privileges: ['read'] }] },
      },
    ],
    approval: { gates: [], approvers: [APPROVER] },
    requestedBy: REQUESTER,
    ...overrides,
  });
}

/** API key model on a local 8.13 deployment: the keystore is not reloaded by itself, so `restart` runs. */
export function restartRequest(): ConnectionRequest {
  return apiKeyRequest({
    local: ref('ece-a', DEFAULT_IDS.a813),
    remote: ref('ece-b', DEFAULT_IDS.b815),
    allowBetaApiKeyModel: true,
    roles: [],
  });
}

/** Certificate model: ece-a 8.15 -> ece-b 8.15, roles on both sides. */
export function certificateRequest(overrides: Partial<ConnectionRequestInput> = {}): ConnectionRequest {
  return ConnectionRequest.parse({
    local: ref('ece-a', DEFAULT_IDS.a815),
    remote: ref('ece-b', DEFAULT_IDS.b815),
    alias: 'metrics-b',
    securityModel: 'certificate',
    roles: [
      {
        name: 'crosslink-metrics-reader',
        local: { remote_indices: [{ clusters: ['metrics-b'], names: ['metrics-*'], privileges: ['read'] }] },
        remote: { indices: [{ names: ['metrics-*'], privileges: ['read'] }] },
      },
    ],
    approval: { gates: [], approvers: [APPROVER] },
    requestedBy: REQUESTER,
    ...overrides,
  });
}

/** Certificate model trusting every deployment of ece-b (deploymentTrust: all): the trust-all step and its own gate. */
export function trustAllRequest(): ConnectionRequest {
  return certificateRequest({ deploymentTrust: 'all' });
}
