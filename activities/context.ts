import { Context } from '@temporalio/activity';
import { heartbeatWithDetails } from './heartbeat';
import { type ActivityName, type InputOf, type ResultOf } from '../domain/activities';
import { type ApprovalPolicyConfig } from '../domain/approval-policy';
import { type DesiredStateConfig } from '../domain/environment-config';
import { type EnvironmentRegistry } from './environments';
import { type ResolvedNotificationSink } from './notifications/config';
import { type Sealer } from './secrets/sealing';

/** Poll intervals and bounds; tests shorten them. */
export interface Timing {
  /** Plan tracking: the first poll comes after planPollMs, then intervals grow 1.5x up to planMaxPollMs. */
  planPollMs: number;
  /** The tracker heartbeats its progress per poll; between polls the worker's interceptor beats (heartbeat.ts). */
  planMaxPollMs: number;
  /** First `_remote/info` poll interval in verify; doubles up to verifyMaxPollMs. */
  verifyPollMs: number;
  verifyMaxPollMs: number;
  /** How long to wait for `cluster_credentials` after a reload or restart. */
  credentialsWaitMs: number;
  credentialsPollMs: number;
  /** Optimistic-lock retries of a deployment read-modify-write. */
  conflictRetries: number;
  /** How many times restart waits for another plan and tries again before giving up (Transient). */
  restartAttempts: number;
  /** Plan tracking: the first check comes this long after the change (default planPollMs). */
  planFirstCheckMs?: number;
  /**
   * A write to a deployment that has another change's plan pending waits its turn, polling every
   * planSlotPollMs (default planPollMs), at most this long, then fails retryably and says so.
   */
  planSlotWaitMs: number;
  planSlotPollMs?: number;
}

export const DEFAULT_TIMING: Timing = {
  planPollMs: 2_000,
  planMaxPollMs: 20_000,
  verifyPollMs: 1_000,
  verifyMaxPollMs: 15_000,
  credentialsWaitMs: 20_000,
  credentialsPollMs: 1_000,
  conflictRetries: 5,
  restartAttempts: 3,
  planSlotWaitMs: 30 * 60_000,
};

export interface ActivityDeps {
  registry: EnvironmentRegistry;
  sealer: Sealer;
  /** The operator's approval policy (who decides gates, with their public keys). */
  approvals?: ApprovalPolicyConfig;
  timing?: Partial<Timing>;
  /** Where notifications go; without it `sendNotification` sends nothing and workflows do not call it. */
  notifications?: ResolvedNotificationSink;
  /** The declared state the scheduled reconcile plans, and what it may apply (`desiredState` in the environments file). */
  desiredState?: DesiredStateConfig;
}

export interface Deps {
  registry: EnvironmentRegistry;
  sealer: Sealer;
  approvals?: ApprovalPolicyConfig;
  timing: Timing;
  /** Whether a notification sink is configured (preflight tells the workflow). */
  notify?: boolean;
}

/** What a step needs from the Temporal activity context. */
export interface StepContext {
  attempt: number;
  signal: AbortSignal;
  heartbeat(details?: unknown): void;
  /** The last heartbeat details of the previous attempt (Temporal hands them to the retry). */
  heartbeatDetails?: unknown;
  /** The workflow execution the activity runs for: crosslink marks per-run objects with it. */
  workflowId?: string;
  runId?: string;
}

export function stepContext(): StepContext {
  const ctx = Context.current();
  return {
    attempt: ctx.info.attempt,
    signal: ctx.cancellationSignal,
    heartbeat: (details) => heartbeatWithDetails(ctx, details),
    heartbeatDetails: ctx.info.heartbeatDetails as unknown,
    workflowId: ctx.info.workflowExecution?.workflowId,
    runId: ctx.info.workflowExecution?.runId,
  };
}

/** An activity's implementation: its dependencies, its context, the input its catalog row declares. */
export type Implementation<N extends ActivityName> = (
  deps: Deps,
  ctx: StepContext,
  input: InputOf<N>,
) => Promise<ResultOf<N>>;

/**
 * What a step file (activities/steps/<row id>.ts) exports as `activities`: its activities by name,
 * each checked against the signature its catalog row declares (domain/step-catalog.ts).
 */
export type StepImplementations = { readonly [N in ActivityName]?: Implementation<N> };
