/** `handle.ccr`: indices, documents and replication rounds from code (simulator/api.ts CcrControls). */
import { type CcrControls } from './api';
import { createIndex, indexView, replicationRound } from './ccr-model';
import { invalidIndexName } from './index-names';
import { type Deployment, type SimState } from './state';

function deployment(state: SimState, environment: string, deploymentId: string): Deployment {
  const dep = state.environments.get(environment)?.deployments.get(deploymentId);
  if (!dep) throw new Error(`no deployment ${deploymentId} in ${environment}`);
  return dep;
}

function checkedName(dep: Deployment, index: string): string {
  const invalid = invalidIndexName(index);
  if (invalid) throw new Error(`invalid index name [${index}]: ${invalid}`);
  if (dep.ccr.indices.has(index)) throw new Error(`index ${index} already exists on ${dep.id}`);
  return index;
}

export function ccrControls(state: SimState): CcrControls {
  return {
    createIndex(environment, deploymentId, index, documents = 0) {
      const dep = deployment(state, environment, deploymentId);
      return indexView(createIndex(dep, checkedName(dep, index), documents));
    },
    appendDocuments(environment, deploymentId, index, count) {
      if (!Number.isInteger(count) || count < 0) throw new Error('count must be a non-negative integer');
      const dep = deployment(state, environment, deploymentId);
      const target = dep.ccr.indices.get(index) ?? createIndex(dep, checkedName(dep, index));
      // A follower index is read-only: only replication writes to it.
      if (target.follower) throw new Error(`index ${index} is a follower index: documents come from its leader`);
      if (!target.open) throw new Error(`index ${index} is closed`);
      target.globalCheckpoint += count;
      return indexView(target);
    },
    index(environment, deploymentId, index) {
      const found = deployment(state, environment, deploymentId).ccr.indices.get(index);
      return found ? indexView(found) : undefined;
    },
    replicate() {
      for (const env of state.environments.values())
        for (const dep of env.deployments.values()) replicationRound(state, dep);
    },
  };
}
