import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../domain/failures';
import { isTransient } from '../http/classify';
import { sleep, throwIfAborted } from '../wait';
import { type EceClient } from './client';
import { elasticsearchResource, getDeployment } from './deployments';
import { type ElasticsearchResourceInfo } from './schemas';

/** What each heartbeat carries while a plan runs. */
export interface PlanHeartbeat {
  deploymentId: string;
  refId: string;
  polls: number;
  pending: boolean;
  lastStep?: string;
}

export interface PlanWaitOptions {
  /** Called on every poll; the activity forwards it to `Context.heartbeat`. */
  heartbeat: (details: PlanHeartbeat) => void;
  signal?: AbortSignal;
  /** Interval after the first poll; each next one is `growth` times longer. */
  pollMs: number;
  /** When the first poll comes after the call (default: pollMs). A plan just started is never done at once. */
  firstPollMs?: number;
  /** Longest interval between two polls (default: pollMs, i.e. a fixed interval). */
  maxPollMs?: number;
  /** Factor between two consecutive intervals (default 1.5). */
  growth?: number;
  /** Consecutive transient read failures tolerated before giving up (cloud-sdk-go tolerates 2-4). */
  maxReadFailures?: number;
}

export type PlanState = { done: false; lastStep?: string } | { done: true; failed: boolean; error?: string };

/** Done when nothing is pending and the last step of the current plan's log is `plan-completed`. */
export function planState(resource: ElasticsearchResourceInfo): PlanState {
  const { pending, current } = resource.info.plan_info;
  const log = current?.plan_attempt_log ?? [];
  const last = log[log.length - 1];
  if (pending != null || !last || last.step_id !== 'plan-completed') return { done: false, lastStep: last?.step_id };
  if (last.status === 'error') {
    return { done: true, failed: true, error: current?.error?.message ?? 'plan failed (no error message)' };
  }
  return { done: true, failed: false };
}

/**
 * Wait for the deployment's Elasticsearch plan to finish; PlanFailed when it ends in error.
 * ECE has no push, so this polls: the first poll after `firstPollMs` (default `pollMs`; a plan just
 * started is never done at once), then intervals from `pollMs` growing by `growth` up to `maxPollMs`. Growing intervals keep the number
 * of reads logarithmic in the plan's length while the end is seen at most one interval late.
 */
export async function waitForPlan(
  ece: EceClient,
  deploymentId: string,
  refId: string,
  opts: PlanWaitOptions,
): Promise<void> {
  const maxFailures = opts.maxReadFailures ?? 3;
  const maxPollMs = Math.max(opts.pollMs, opts.maxPollMs ?? opts.pollMs);
  const growth = Math.max(1, opts.growth ?? 1.5);
  let interval = opts.firstPollMs ?? opts.pollMs;
  let failures = 0;
  let lastPoll = Date.now();
  for (let polls = 1; ; polls++) {
    // Intervals run from the start of one poll to the start of the next, so a slow read does not
    // push the schedule (and the moment the end of the plan is seen) later.
    await sleep(Math.max(0, lastPoll + interval - Date.now()), opts.signal);
    interval = polls === 1 && opts.firstPollMs !== undefined ? opts.pollMs : Math.min(interval * growth, maxPollMs);
    lastPoll = Date.now();
    throwIfAborted(opts.signal);
    let state: PlanState | undefined;
    try {
      const { deployment } = await getDeployment(ece, deploymentId, opts.signal);
      state = planState(elasticsearchResource(ece, deployment, refId));
      failures = 0;
    } catch (err) {
      if (!isTransient(err) || ++failures > maxFailures) throw err;
    }
    opts.heartbeat({
      deploymentId,
      refId,
      polls,
      pending: !state?.done,
      lastStep: state && !state.done ? state.lastStep : undefined,
    });
    if (state?.done) {
      if (state.failed) {
        throw ApplicationFailure.create({
          message: `ECE ${ece.environment}: the plan of deployment ${deploymentId} (${refId}) failed: ${state.error}`,
          type: FailureType.PlanFailed,
          nonRetryable: true,
        });
      }
      return;
    }
  }
}
