import { type SideStepInput } from '../../domain/activities';
import {
  type CreatedResource,
  type KeptResource,
  type StepRecord,
  type TrustSettings,
  type UndoReport,
} from '../../domain/records';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { getPersistentSettings } from '../elasticsearch/cluster';
import { isTransient } from '../http/classify';
import { esFor, facts, modifyTrust, other } from './shared';
import { allowlistUsers, keepReason } from './shared-trust-users';
import { type StepDescribers, currentTrust, trustUpdateRequest } from '../changes';

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
  // Heartbeat details survive into the next attempt: a retry after a lost response learns from
  // them that the id it finds was this run's write (trust.external has no field for a mark).
  const intent = {
    step: 'deployment-trust',
    adding: peer.clusterId,
    relationship: relId,
    deploymentId: self.deploymentId,
  };
  let found = false;
  const changed = await modifyTrust(deps, ctx, self, (trust) => {
    const external = trust.external ?? [];
    const entry = external.find((e) => e.trust_relationship_id === relId);
    found = !!entry && (entry.trust_all || allowlist(entry).includes(peer.clusterId));
    if (found) return undefined;
    const next: External[] = entry
      ? external.map((e) => (e === entry ? { ...e, trust_allowlist: [...allowlist(e), peer.clusterId] } : e))
      : [...external, { trust_relationship_id: relId, trust_all: false, trust_allowlist: [peer.clusterId] }];
    ctx.heartbeat(intent);
    return { ...trust, external: next };
  });
  // Created by this run only when this run's write added it, never because preflight saw it absent.
  const ours = changed || (found && sameIntent(ctx.heartbeatDetails, intent));
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

function sameIntent(previous: unknown, intent: Record<string, string>): boolean {
  const p = previous as Record<string, unknown> | undefined;
  return !!p && Object.entries(intent).every(([k, v]) => p[k] === v);
}

/**
 * Take the other cluster id out of allowlists that did not hold it before the run, when nothing
 * still needs it: no alias on this deployment dials the other one, nor on the other one dials this
 * one (read now, after this run's own alias is gone). An entry whose allowlist is then empty and
 * that did not exist before the run goes too; one that still lists anything (another connection's
 * or another party's addition) stays. No change, no PUT.
 */
export async function removeDeploymentTrust(deps: Deps, ctx: StepContext, input: SideStepInput): Promise<UndoReport> {
  const self = facts(input.preflight, input.side);
  const peer = facts(input.preflight, other(input.side));
  const before = self.trustBefore.external ?? [];
  const settingsOf = (f: typeof self) =>
    getPersistentSettings(esFor(deps, f), ctx.signal).catch((err: unknown) => {
      if (isTransient(err)) throw err;
      return undefined; // not readable (e.g. no credentials for it): undecidable, so kept
    });
  const [selfSettings, peerSettings] = await Promise.all([settingsOf(self), settingsOf(peer)]);
  const own = { deploymentId: input.preflight.local.deploymentId, alias: input.request.alias };
  const reason = keepReason(
    allowlistUsers({ ...self, settings: selfSettings }, { ...peer, settings: peerSettings }, own),
  );
  const removed: CreatedResource[] = [];
  const kept: KeptResource[] = [];
  await modifyTrust(deps, ctx, self, (trust) => {
    removed.length = 0;
    kept.length = 0;
    let touched = false;
    const next: External[] = [];
    for (const e of trust.external ?? []) {
      const prior = before.find((b) => b.trust_relationship_id === e.trust_relationship_id);
      if (!allowlist(e).includes(peer.clusterId) || (prior && allowlist(prior).includes(peer.clusterId))) {
        next.push(e);
        continue;
      }
      const item: CreatedResource = {
        step: 'deployment-trust',
        environment: self.environment,
        deploymentId: self.deploymentId,
        kind: 'deployment-trust',
        id: `${e.trust_relationship_id}/${peer.clusterId}`,
        description: `cluster ${peer.clusterId} in the trust.external entry for ${e.trust_relationship_id}`,
      };
      if (reason) {
        kept.push({ resource: item, reason });
        next.push(e);
        continue;
      }
      touched = true;
      const rest = allowlist(e).filter((id) => id !== peer.clusterId);
      if (!prior && rest.length === 0 && !e.trust_all) {
        removed.push({ ...item, description: `removed the trust.external entry for ${e.trust_relationship_id}` });
        continue;
      }
      removed.push({
        ...item,
        description: `removed cluster ${peer.clusterId} from the trust.external entry for ${e.trust_relationship_id}`,
      });
      const restored: External = { ...e, trust_allowlist: rest };
      if (prior && !('trust_allowlist' in prior) && rest.length === 0) delete restored.trust_allowlist;
      next.push(restored);
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
    ...(kept.length ? { kept } : {}),
    detail: removed.length
      ? removed.map((r) => r.description).join('; ')
      : kept.length
        ? `kept ${kept.map((k) => k.resource.description).join('; ')}: ${kept[0]!.reason}`
        : `nothing of this run in the trust of ${self.deploymentId}`,
  };
}

export const activities = { ensureDeploymentTrust, removeDeploymentTrust } satisfies StepImplementations;

/** What ensureDeploymentTrust would write now: the relationship's `trust.external` entry, before -> after. */
async function describeDeploymentTrust(
  deps: Deps,
  ctx: StepContext,
  input: SideStepInput & { trustRelationshipId: string },
) {
  const self = facts(input.preflight, input.side);
  const peer = facts(input.preflight, other(input.side));
  const relId = input.trustRelationshipId;
  const entry = ((await currentTrust(deps, ctx, self)).external ?? []).find((e) => e.trust_relationship_id === relId);
  if (entry && (entry.trust_all || allowlist(entry).includes(peer.clusterId))) {
    return {
      summary: `${self.deploymentId} already trusts cluster ${peer.clusterId}: nothing to write`,
      requests: [],
      changes: [],
    };
  }
  const after: External = entry
    ? { ...entry, trust_allowlist: [...allowlist(entry), peer.clusterId] }
    : { trust_relationship_id: relId, trust_all: false, trust_allowlist: [peer.clusterId] };
  return {
    summary: `${self.deploymentId} allowlists cluster ${peer.clusterId} (${peer.deploymentId}) through relationship ${relId}`,
    requests: [trustUpdateRequest(self, { 'trust.external': [after] })],
    changes: [{ what: `trust.external[${relId}] of ${self.deploymentId}`, before: entry ?? null, after }],
  };
}

export const changes = { ensureDeploymentTrust: describeDeploymentTrust } satisfies StepDescribers;
