/**
 * A deployment accepts one plan at a time. A write (trust PUT, keystore PATCH, restart) that finds
 * another change's plan pending waits its turn instead of failing: it polls the deployment, says
 * what it waits for in the activity heartbeat, and gives up after a deadline with a retryable
 * failure that says so (the activity's retry policy then keeps waiting, within its own budget).
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../domain/failures';
import { PLAN_PENDING_CODE, failureCode, failureStatus } from '../http/classify';
import { sleep } from '../wait';
import { type EceClient } from './client';
import { type DeploymentRead, elasticsearchResource, getDeployment, planPending } from './deployments';

/** What the heartbeat carries while a write waits (the CLI shows the current step's details). */
export interface PlanSlotHeartbeat {
  waiting: string;
  deploymentId: string;
  refId: string;
  polls: number;
}

export interface PlanSlotOptions {
  heartbeat: (details: PlanSlotHeartbeat) => void;
  signal?: AbortSignal;
  pollMs: number;
  deadlineMs: number;
  /** Extra line for the log, once, when the wait starts. */
  log?: (message: string) => void;
}

export function waitingMessage(deploymentId: string): string {
  return `waiting for the pending plan on ${deploymentId} (another change)`;
}

/** Read the deployment until no plan is pending; returns that read (its version guards the next write). */
export async function awaitPlanSlot(
  ece: EceClient,
  deploymentId: string,
  refId: string,
  opts: PlanSlotOptions,
): Promise<DeploymentRead> {
  const deadline = Date.now() + opts.deadlineMs;
  for (let polls = 0; ; polls++) {
    const read = await getDeployment(ece, deploymentId, opts.signal);
    if (!planPending(elasticsearchResource(ece, read.deployment, refId))) return read;
    if (polls === 0) opts.log?.(waitingMessage(deploymentId));
    opts.heartbeat({ waiting: waitingMessage(deploymentId), deploymentId, refId, polls: polls + 1 });
    if (Date.now() >= deadline) {
      throw ApplicationFailure.create({
        message: `ECE ${ece.environment}: deployment ${deploymentId} still had another change's plan pending after ${Math.round(opts.deadlineMs / 1000)} s of waiting; crosslink will keep waiting on the next attempt`,
        type: FailureType.Transient,
        nonRetryable: false,
      });
    }
    await sleep(Math.min(opts.pollMs, Math.max(0, deadline - Date.now())), opts.signal);
  }
}

/**
 * How a refused deployment write relates to other changes: `plan` (a plan is pending: wait for the
 * slot, not counted as a conflict), `conflict` (the version moved with no plan to wait for: counted
 * against the retries) or `other` (not a race). A 409/412 is a version mismatch (UNCONFIRMED code);
 * the plan-change error is what ECE answers a write while a plan is pending.
 */
export async function classifyWriteRace(
  ece: EceClient,
  deploymentId: string,
  refId: string,
  err: unknown,
  signal?: AbortSignal,
): Promise<'plan' | 'conflict' | 'other'> {
  if (failureCode(err) === PLAN_PENDING_CODE) return 'plan';
  const status = failureStatus(err);
  if (status !== 409 && status !== 412) return 'other';
  const { deployment } = await getDeployment(ece, deploymentId, signal);
  return planPending(elasticsearchResource(ece, deployment, refId)) ? 'plan' : 'conflict';
}
