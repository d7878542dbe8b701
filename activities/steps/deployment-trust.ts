import { type SideStepInput } from '../../domain/activities';
import { type CreatedResource, type StepRecord, type TrustSettings, type UndoReport } from '../../domain/records';
import { type Deps, type StepContext } from '../context';
import { facts, modifyTrust, other } from './shared';

type External = NonNullable<TrustSettings['external']>[number];

function allowlist(e: External): string[] {
  return (e.trust_allowlist as string[] | undefined) ?? [];
}

/**
 * On the `side` deployment, `trust.external` for the relationship allowlists the other deployment's
 * ES cluster id. Read-modify-write of the whole trust object: accounts, direct and every other
 * external entry are sent back untouched.
 */
export async function ensureDeploymentTrust(
  deps: Deps,
  ctx: StepContext,
  input: SideStepInput & { trustRelationshipId: string },
): Promise<StepRecord> {
  const self = facts(input.preflight, input.side);
  const peer = facts(input.preflight, other(input.side));
  const relId = input.trustRelationshipId;
  const changed = await modifyTrust(deps, ctx, self, (trust) => {
    const external = trust.external ?? [];
    const entry = external.find((e) => e.trust_relationship_id === relId);
    if (entry && (entry.trust_all || allowlist(entry).includes(peer.clusterId))) return undefined;
    const next: External[] = entry
      ? external.map((e) => (e === entry ? { ...e, trust_allowlist: [...allowlist(e), peer.clusterId] } : e))
      : [...external, { trust_relationship_id: relId, trust_all: false, trust_allowlist: [peer.clusterId] }];
    return { ...trust, external: next };
  });
  // Present now, absent before the run: this run added it (also after a lost response).
  const before = (input.preflight[input.side].trustBefore.external ?? []).find(
    (e) => e.trust_relationship_id === relId,
  );
  const ours = !before || !(before.trust_all || allowlist(before).includes(peer.clusterId));
  const created: CreatedResource[] = ours
    ? [
        {
          step: 'deployment-trust',
          environment: self.environment,
          deploymentId: self.deploymentId,
          kind: 'deployment-trust',
          id: `${relId}/${peer.clusterId}`,
          description: `trust.external of ${self.deploymentId} allowlists cluster ${peer.clusterId} through relationship ${relId}`,
        },
      ]
    : [];
  return {
    attempt: ctx.attempt,
    created,
    detail: changed
      ? `deployment ${self.deploymentId} now trusts cluster ${peer.clusterId}`
      : `deployment ${self.deploymentId} already trusts cluster ${peer.clusterId}`,
  };
}

/**
 * Remove exactly what is not in trustBefore: the other cluster id from an entry that existed, or
 * the whole entry when none existed for the relationship. Everything else stays; no change, no PUT.
 * The relationship is found from the run's own change (entries whose allowlist holds the peer id).
 */
export async function removeDeploymentTrust(deps: Deps, ctx: StepContext, input: SideStepInput): Promise<UndoReport> {
  const self = facts(input.preflight, input.side);
  const peer = facts(input.preflight, other(input.side));
  const before = self.trustBefore.external ?? [];
  const removed: CreatedResource[] = [];
  await modifyTrust(deps, ctx, self, (trust) => {
    removed.length = 0;
    let touched = false;
    const next: External[] = [];
    for (const e of trust.external ?? []) {
      const prior = before.find((b) => b.trust_relationship_id === e.trust_relationship_id);
      if (!allowlist(e).includes(peer.clusterId) || (prior && allowlist(prior).includes(peer.clusterId))) {
        next.push(e);
        continue;
      }
      touched = true;
      removed.push({
        step: 'deployment-trust',
        environment: self.environment,
        deploymentId: self.deploymentId,
        kind: 'deployment-trust',
        id: `${e.trust_relationship_id}/${peer.clusterId}`,
        description: prior
          ? `removed cluster ${peer.clusterId} from the trust.external entry for ${e.trust_relationship_id}`
          : `removed the trust.external entry for ${e.trust_relationship_id}`,
      });
      if (prior) {
        const restored: External = { ...e, trust_allowlist: allowlist(e).filter((id) => id !== peer.clusterId) };
        if (!('trust_allowlist' in prior) && allowlist(restored).length === 0) delete restored.trust_allowlist;
        next.push(restored);
      }
    }
    if (!touched) return undefined;
    const result: TrustSettings = { ...trust, external: next };
    // Leave the object as it was before the run: no empty `external` where there was none.
    if (next.length === 0 && self.trustBefore.external === undefined) delete result.external;
    return result;
  });
  return {
    attempt: ctx.attempt,
    removed,
    detail: removed.length
      ? removed.map((r) => r.description).join('; ')
      : `nothing of this run in the trust of ${self.deploymentId}`,
  };
}
