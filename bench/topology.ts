/**
 * Benchmark topologies. A fan-out: one local deployment in ece-a, `remotes` deployments in ece-b
 * (private proxy CA). A mesh: `locals` local deployments in ece-a and remote deployments spread over
 * `remoteEnvironments` environments (ece-b, ece-c, ...; each with a private proxy CA), every remote
 * connected from every local, so N connections need ceil(N / locals) remote deployments.
 */
import { ConnectionRequest } from '../domain';
import { type TopologyInput } from '../simulator/topology';

export const LOCAL_ID = 'a9000000000000000000000000000001';

/** The i-th local deployment (1-based); the first is LOCAL_ID. */
export function localId(i: number): string {
  return i === 1 ? LOCAL_ID : `a9${i.toString(16).padStart(4, '0')}`.padEnd(32, '0');
}

/** The number goes first: the simulator derives a cluster id (and endpoint) from the first 30 characters. */
export function remoteId(i: number): string {
  return `b${i.toString(16).padStart(4, '0')}`.padEnd(32, '0');
}

/** The remote environments' names: ece-b, ece-c, ... */
export function remoteEnvironment(index: number): string {
  return `ece-${String.fromCharCode('b'.charCodeAt(0) + index)}`;
}

export interface MeshShape {
  locals: number;
  remoteEnvironments: number;
}

const OPS_KEY = { name: 'ops-automation', type: 'rest' as const };

/** Where the k-th connection (1-based) of a mesh goes: locals take turns, each remote is reached from every local. */
export function meshPair(shape: MeshShape, k: number): { local: number; remote: number; environment: string } {
  const remote = Math.floor((k - 1) / shape.locals) + 1;
  return {
    local: ((k - 1) % shape.locals) + 1,
    remote,
    environment: remoteEnvironment((remote - 1) % shape.remoteEnvironments),
  };
}

export function meshTopology(shape: MeshShape, connections: number): TopologyInput {
  const remotes = Math.ceil(connections / shape.locals);
  const environments: TopologyInput['environments'] = {
    'ece-a': {
      proxyCa: 'public',
      deployments: Array.from({ length: shape.locals }, (_, i) => ({
        id: localId(i + 1),
        name: `local-${i + 1}`,
        version: '9.1.3',
        apiKeys: [OPS_KEY],
      })),
    },
  };
  for (let e = 0; e < shape.remoteEnvironments; e++) {
    const deployments = [];
    for (let r = e + 1; r <= remotes; r += shape.remoteEnvironments) {
      deployments.push({ id: remoteId(r), name: `remote-${r}`, version: '9.1.3', apiKeys: [OPS_KEY] });
    }
    environments[remoteEnvironment(e)] = { proxyCa: 'private', deployments };
  }
  return { environments };
}

/**
 * The k-th connection of a mesh (1-based), API key model, no approval gates (what is measured is
 * the connection, not people). `prefix` keeps aliases of different batches apart; an alias is
 * unique per local deployment.
 */
export function meshRequest(shape: MeshShape, prefix: string, k: number): ConnectionRequest {
  const pair = meshPair(shape, k);
  const alias = `${prefix}-r${pair.remote}`;
  return ConnectionRequest.parse({
    local: { environment: 'ece-a', deploymentId: localId(pair.local) },
    remote: { environment: pair.environment, deploymentId: remoteId(pair.remote) },
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

const FAN_OUT: MeshShape = { locals: 1, remoteEnvironments: 1 };

export function fanOutTopology(remotes: number): TopologyInput {
  return meshTopology(FAN_OUT, remotes);
}

/** The i-th connection of a fan-out (1-based): the local deployment to `remoteId(i)`. */
export function fanOutRequest(prefix: string, i: number): ConnectionRequest {
  return meshRequest(FAN_OUT, prefix, i);
}
