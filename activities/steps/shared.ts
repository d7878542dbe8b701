import { ApplicationFailure } from '@temporalio/common';
import { type PreflightFacts, type Side } from '../../domain/activities';
import { FailureType } from '../../domain/failures';
import { type CreatedResource, type DeploymentFacts, type TrustSettings } from '../../domain/records';
import { type Deps, type StepContext } from '../context';
import { type EceClient } from '../ece/client';
import { awaitPlanSlot, classifyWriteRace } from '../ece/await-plan-slot';
import {
  type DeploymentRead,
  elasticsearchResource,
  trustOf,
  trustUpdatePayload,
  updateDeployment,
} from '../ece/deployments';
import {
  explicitDefaultTrust,
  isExplicitDefault,
  ownAccountId,
  recordedAsAbsent,
  trustIsAbsent,
} from '../ece/default-trust';
import { waitForPlan } from '../ece/plan-tracker';
import { type EsClient } from '../elasticsearch/client';

export function facts(preflight: PreflightFacts, side: Side): DeploymentFacts {
  return side === 'local' ? preflight.local : preflight.remote;
}

/** A resource a step created (or an undo removed) on the deployment of `f`. */
export function resourceOn(
  f: DeploymentFacts,
  what: Pick<CreatedResource, 'step' | 'kind' | 'id' | 'description'>,
): CreatedResource {
  return {
    step: what.step,
    environment: f.environment,
    deploymentId: f.deploymentId,
    kind: what.kind,
    id: what.id,
    description: what.description,
  };
}

export function other(side: Side): Side {
  return side === 'local' ? 'remote' : 'local';
}

export function eceFor(deps: Deps, f: DeploymentFacts): EceClient {
  return deps.registry.ece(f.environment);
}

export function esFor(deps: Deps, f: DeploymentFacts): EsClient {
  return deps.registry.elasticsearch(f.environment, f.deploymentId, f.esUrl);
}

/** Wait for the deployment's plan with heartbeats and cancellation from the activity context. */
export function waitPlan(deps: Deps, ctx: StepContext, f: DeploymentFacts): Promise<void> {
  return waitForPlan(eceFor(deps, f), f.deploymentId, f.refId, {
    heartbeat: (d) => ctx.heartbeat(d),
    signal: ctx.signal,
    firstPollMs: deps.timing.planFirstCheckMs,
    pollMs: deps.timing.planPollMs,
    maxPollMs: deps.timing.planMaxPollMs,
  });
}

/**
 * Wait until the deployment has no plan pending (another change's: a deployment takes one plan at
 * a time), at most until `deadline` (epoch ms); returns the read that saw the slot free.
 */
export function planSlot(deps: Deps, ctx: StepContext, f: DeploymentFacts, deadline: number): Promise<DeploymentRead> {
  return awaitPlanSlot(eceFor(deps, f), f.deploymentId, f.refId, {
    heartbeat: (d) => ctx.heartbeat(d),
    signal: ctx.signal,
    pollMs: deps.timing.planSlotPollMs ?? deps.timing.planPollMs,
    deadlineMs: Math.max(0, deadline - Date.now()),
  });
}

/**
 * Read-modify-write of one deployment's whole `trust` object under the optimistic lock.
 * `change` returns the new trust object, or undefined when nothing is to do (no PUT then).
 * A pending plan (another change's, or ours from a lost response) is waited for first, up to
 * planSlotWaitMs; a version conflict re-reads and retries; the PUT's plan is waited for. Returns
 * whether a PUT was made. An absent trust (never written) is handed to `change` as the explicit
 * default, so a write keeps the same-account trust; when the trust was absent before the run and a
 * change leaves only that default, `null` is written and the deployment is again without a trust
 * object (default-trust.ts).
 */
export async function modifyTrust(
  deps: Deps,
  ctx: StepContext,
  f: DeploymentFacts,
  change: (trust: TrustSettings) => TrustSettings | undefined,
): Promise<boolean> {
  const ece = eceFor(deps, f);
  const slotDeadline = Date.now() + deps.timing.planSlotWaitMs;
  for (let attempt = 1; ;) {
    const read = await planSlot(deps, ctx, f, slotDeadline);
    const resource = elasticsearchResource(ece, read.deployment, f.refId);
    const absent = trustIsAbsent(resource);
    const accountId = absent || recordedAsAbsent(f.trustBefore) ? await ownAccountId(ece, ctx.signal) : undefined;
    const current = absent ? explicitDefaultTrust(accountId!) : trustOf(resource);
    const next = change(structuredClone(current));
    if (!next) return false;
    const restoreAbsence = recordedAsAbsent(f.trustBefore) && isExplicitDefault(next, accountId!);
    if (absent && restoreAbsence) return false; // already absent: nothing to write
    try {
      await updateDeployment(
        ece,
        f.deploymentId,
        trustUpdatePayload(read.deployment, resource.ref_id, restoreAbsence ? null : next),
        read.version,
        ctx.signal,
      );
    } catch (err) {
      // Another change's plan: wait for the slot (not a conflict); a bare version move: re-read and retry.
      const race = await classifyWriteRace(ece, f.deploymentId, f.refId, err, ctx.signal);
      if (race === 'plan') continue;
      if (race === 'conflict' && attempt++ < deps.timing.conflictRetries) continue;
      if (race === 'conflict') {
        throw ApplicationFailure.create({
          message: `ECE ${f.environment}: deployment ${f.deploymentId} kept changing under crosslink (${attempt - 1} version conflicts): retry when other changes are done`,
          type: FailureType.Conflict,
          nonRetryable: true,
        });
      }
      throw err;
    }
    await waitPlan(deps, ctx, f);
    return true;
  }
}

export function ownershipConflict(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: FailureType.OwnershipConflict, nonRetryable: true });
}
