import { type ConnectionRequestInput, type EnvironmentsFileInput } from '../../domain';

/** A valid API-key request, as a user would write it; tests derive bad variants from it. */
export function apiKeyRequest(): ConnectionRequestInput {
  return {
    local: { environment: 'ece-a', deploymentId: 'a9000000000000000000000000000001' },
    remote: { environment: 'ece-b', deploymentId: 'b9000000000000000000000000000001' },
    alias: 'logs-b',
    securityModel: 'api_key',
    access: { search: [{ names: ['logs-*'] }] },
    roles: [
      {
        name: 'remote-logs-reader',
        local: {
          remote_indices: [
            {
              clusters: ['logs-b'],
              names: ['logs-*'],
              privileges: ['read', 'read_cross_cluster', 'view_index_metadata'],
            },
          ],
        },
      },
    ],
    approval: { approvers: ['ops-lead'] },
    requestedBy: 'automation',
  };
}

export function certificateRequest(): ConnectionRequestInput {
  return {
    local: { environment: 'ece-a', deploymentId: 'a8150000000000000000000000000002' },
    remote: { environment: 'ece-b', deploymentId: 'b8150000000000000000000000000002', refId: 'main-elasticsearch' },
    alias: 'metrics_b',
    securityModel: 'certificate',
    roles: [
      {
        name: 'remote-search',
        local: {},
        remote: { indices: [{ names: ['metrics-*'], privileges: ['read', 'read_cross_cluster'] }] },
      },
    ],
    approval: { gates: ['platform-trust'], approvers: ['ops-lead', 'sec-lead'], deadline: '2h' },
    requestedBy: 'jdoe@example.com',
  };
}

export function environmentsFile(): EnvironmentsFileInput {
  return {
    environments: {
      'ece-a': {
        coordinatorUrl: 'https://ece-a.example:12443',
        apiKey: { env: 'ECE_A_API_KEY' },
        caCert: { file: '/etc/crosslink/ece-a-ca.pem' },
        elasticsearch: {
          default: { credentials: { username: 'crosslink', password: { file: '/run/secrets/ece-a-es' } } },
          deployments: {
            a9000000000000000000000000000001: { url: 'https://search-a.example:9243' },
          },
        },
      },
      'ece-b': {
        coordinatorUrl: 'https://ece-b.example:12443',
        region: 'ece-region',
        apiKey: { value: 'inline-key' },
        elasticsearch: { default: { credentials: { apiKey: { env: 'ECE_B_ES_KEY' } } } },
      },
    },
    sealingKey: { env: 'CROSSLINK_SEALING_KEY' },
  };
}
