/** A fan-out topology: one local deployment in ece-a, `remotes` deployments in ece-b (private proxy CA). */
import { ConnectionRequest } from '../domain';
import { type TopologyInput } from '../simulator/topology';

export const LOCAL_ID = 'a9000000000000000000000000000001';

/** The number goes first: the simulator derives a cluster id (and endpoint) from the first 30 characters. */
export function remoteId(i: number): string {
  return `b${i.toString(16).padStart(4, '0')}`.padEnd(32, '0');
}

export function fanOutTopology(remotes: number): TopologyInput {
  const opsKey = { name: 'ops-automation', type: 'rest' as const };
  return {
    environments: {
      'ece-a': {
        proxyCa: 'public',
        deployments: [{ id: LOCAL_ID, name: 'local-9', version: '9.1.3', apiKeys: [opsKey] }],
      },
      'ece-b': {
        proxyCa: 'private',
        deployments: Array.from({ length: remotes }, (_, i) => ({
          id: remoteId(i + 1),
          name: `remote-${i + 1}`,
          version: '9.1.3',
          apiKeys: [opsKey],
        })),
      },
    },
  };
}

/**
 * The i-th connection of a fan-out (1-based): the local deployment to `remoteId(i)`, API key model,
 * no approval gates (what is measured is the connection, not people). `prefix` keeps aliases of
 * different batches apart.
 */
export function fanOutRequest(prefix: string, i: number): ConnectionRequest {
  const alias = `${prefix}-r${i}`;
  return ConnectionRequest.parse({
    local: { environment: 'ece-a', deploymentId: LOCAL_ID },
    remote: { environment: 'ece-b', deploymentId: remoteId(i) },
    alias,
    securityModel: 'api_key',
    access: { search: [{ names: ['logs-*'] }] },
    roles: [
      {
        name: `crosslink-${alias}-reader`,
        local: { remote_indices: [{ clusters: [alias], names: ['logs-*'], privileges: ['read'] }] },
      },
    ],
    approval: { gates: [], approvers: ['bench'] },
    requestedBy: 'bench',
  });
}
