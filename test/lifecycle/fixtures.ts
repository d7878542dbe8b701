/** Builders for inventories: a healthy API key connection, changed by the overrides given. */
import { type ConnectionInventory, type ManagedConnection } from '../../domain/inventory';

export const NOW = Date.parse('2026-06-01T00:00:00Z');
const DAY = 86_400_000;

export function apiKeyConnection(overrides: Partial<ManagedConnection> = {}): ManagedConnection {
  const endpoint = 'b9.ece-b.ece.local';
  return {
    connectionId: 'crosslink.ece-a.a9.logs',
    local: { environment: 'ece-a', deploymentId: 'a9', name: 'search-a-9', version: '9.1.3' },
    alias: 'logs',
    remote: { environment: 'ece-b', deploymentId: 'b9', name: 'logs-b-9', version: '9.1.3', endpoint },
    model: 'api_key',
    settings: { mode: 'proxy', proxyAddress: `${endpoint}:9443`, serverName: endpoint, skipUnavailable: true },
    expected: { mode: 'proxy', proxyAddress: `${endpoint}:9443`, serverName: endpoint },
    keys: [
      {
        id: 'key-1',
        name: 'crosslink-logs-1234abcd',
        active: true,
        invalidated: false,
        createdAt: new Date(NOW - 40 * DAY).toISOString(),
        expiresAt: new Date(NOW + 50 * DAY).toISOString(),
        access: { search: [{ names: ['logs-*'] }] },
        createdBy: { workflowId: 'crosslink.ece-a.a9.logs', runId: 'run-1' },
      },
    ],
    keystoreCredentials: true,
    roles: [],
    marks: [{ kind: 'api-key', environment: 'ece-b', deploymentId: 'b9', id: 'key-1' }],
    health: { status: 'connected', causes: [], remoteInfo: { connected: true, clusterCredentials: true } },
    ...overrides,
    class: overrides.class ?? 'connection',
  };
}

export function inventory(
  connections: ManagedConnection[],
  extra: Partial<ConnectionInventory> = {},
): ConnectionInventory {
  return {
    discoveredAt: new Date(NOW).toISOString(),
    environments: [
      { name: 'ece-a', deployments: 3 },
      { name: 'ece-b', deployments: 3 },
    ],
    connections,
    unmanaged: [],
    errors: [],
    truncated: false,
    ...extra,
  };
}

export const days = (n: number) => new Date(NOW + n * DAY).toISOString();
