/** Deep copies of the state in the shape of simulator/api.ts (EnvironmentSnapshot). */
import { type DeploymentSnapshot, type EnvironmentSnapshot, type SimulatorSnapshot } from './api';
import { type Deployment, type Environment, type SimState, clone } from './state';

function deploymentSnapshot(dep: Deployment): DeploymentSnapshot {
  const attempts = [...dep.history, ...(dep.current ? [dep.current] : []), ...(dep.pending ? [dep.pending] : [])];
  return {
    name: dep.name,
    version: dep.version,
    clusterId: dep.clusterId,
    trust: clone(dep.trust ?? dep.accountDefaultTrust),
    trustAbsent: dep.trust === null,
    keystore: Object.fromEntries(Object.entries(dep.keystore).map(([k, v]) => [k, { as_file: v.as_file }])),
    persistentSettings: clone(dep.persistentSettings),
    roles: clone(dep.roles),
    apiKeys: dep.apiKeys.map((k) => ({
      id: k.id,
      name: k.name,
      type: k.type,
      invalidated: k.invalidated,
      metadata: clone(k.metadata),
    })),
    followers: Object.fromEntries(
      [...dep.ccr.indices.values()]
        .filter((i) => i.follower)
        .map((i) => [
          i.name,
          {
            remoteCluster: i.follower!.remoteCluster,
            leaderIndex: i.follower!.leaderIndex,
            status: i.follower!.task ? ('active' as const) : ('paused' as const),
          },
        ]),
    ),
    autoFollowPatterns: Object.fromEntries(
      [...dep.ccr.patterns.values()].map((p) => [p.name, { remoteCluster: p.remoteCluster, active: p.active }]),
    ),
    plans: attempts.map((a) => ({ id: a.id, kind: a.kind, status: a.status })),
  };
}

function environmentSnapshot(env: Environment): EnvironmentSnapshot {
  return {
    trustRelationships: env.trustRelationships.map((t) => ({
      id: t.id,
      name: t.name,
      local: t.local,
      account_ids: [...t.account_ids],
      ...(t.installation_id !== undefined ? { installation_id: t.installation_id } : {}),
      trust_by_default: t.trust_by_default,
    })),
    deployments: Object.fromEntries([...env.deployments.values()].map((d) => [d.id, deploymentSnapshot(d)])),
  };
}

export function snapshotState(state: SimState): SimulatorSnapshot {
  return Object.fromEntries([...state.environments.values()].map((e) => [e.name, environmentSnapshot(e)]));
}
