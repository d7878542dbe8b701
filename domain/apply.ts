/**
 * Applying a plan (`crosslink apply`, the reconcile's autoApply): one parent workflow under
 * `crosslink-apply.<plan id>` that checks the plan against the estate at its start and then starts
 * each action as the existing operation's workflow under its connection id (a child run with its
 * own gates, progress and rollback), a connection's actions in order, at most `maxPerDeployment`
 * runs at once on any deployment.
 */
import { z } from 'zod';
import { ActionKind, DesiredPlan, type EstateChange } from './desired-plan';
import { Identity } from './ids';
import { lazySchema } from './lazy-schema';

/** Every apply's workflow id starts with this. */
export const APPLY_ID_PREFIX = 'crosslink-apply.';

/** The apply of a plan runs under one id: the same plan applied again while it runs finds it. */
export function applyId(planId: string): string {
  return `${APPLY_ID_PREFIX}${planId}`;
}

export function isApplyId(workflowId: string): boolean {
  return workflowId.startsWith(APPLY_ID_PREFIX);
}

/** Runs on one deployment at once, by default: writes wait for the deployment's plan slot anyway. */
export const DEFAULT_MAX_PER_DEPLOYMENT = 2;

export const ApplyRequest = lazySchema(() =>
  z
    .object({
      plan: DesiredPlan,
      /** Who the runs are requested by (replaces the plan's requester in every request). */
      requestedBy: Identity,
      /** At most this many child runs at once that touch the same deployment (local or remote). */
      maxPerDeployment: z.number().int().min(1).max(50).default(DEFAULT_MAX_PER_DEPLOYMENT),
      /** Only actions of these kinds (the reconcile's autoApply); absent: every action of the plan. */
      kinds: z.array(ActionKind).optional(),
    })
    .strict(),
);
export type ApplyRequest = z.infer<typeof ApplyRequest>;
export type ApplyRequestInput = z.input<typeof ApplyRequest>;

/**
 * One child run as the apply starts it: the workflow type, the connection id, its request, and the
 * start record and search attributes `crosslink connect` (client/start-or-find.ts) would give it, so
 * a later start of the same connection compares with it. Built worker-side (the digest needs
 * Node's crypto; a rotation's sealed credential is found in Temporal's history).
 */
export interface ChildStart {
  kind: ActionKind;
  connectionId: string;
  workflowType: string;
  request: unknown;
  memo: Record<string, unknown>;
  /** Search attribute name -> value (the workflow turns them into typed pairs). */
  searchAttributes: Record<string, string>;
  staticSummary?: string;
  /** The deployments the run writes to (`environment/deploymentId`): the parallelism limit counts these. */
  deployments: string[];
  /** Set when the action cannot be started (a rotation whose credential history is gone, an operation this version lacks). */
  refusal?: string;
}

/**
 * What the apply's check found: what changed since the plan (then nothing starts), or why the
 * estate could not be read whole; else each connection's starts, in order.
 */
export interface ApplyCheck {
  attempt: number;
  detail: string;
  changed: EstateChange[];
  /** The discovery could not read everything: a plan cannot be checked against part of the estate. */
  unreadable?: string;
  connections: Array<{ connectionId: string; starts: ChildStart[] }>;
}

export const ApplyActionState = lazySchema(() =>
  z.enum([
    'pending',
    /** Waiting for room on a deployment (maxPerDeployment). */
    'waiting',
    'running',
    /** The run ended as asked (connected, updated, rotated, disconnected). */
    'done',
    /** The run ended without making the change (rolled back or failed): its status says why. */
    'failed',
    /** Another run holds the connection id: nothing was started. */
    'conflict',
    /** Not started: the reason says why. */
    'refused',
    /** An earlier action of the connection did not succeed. */
    'skipped',
  ]),
);
export type ApplyActionState = z.infer<typeof ApplyActionState>;

export interface ApplyActionStatus {
  kind: ActionKind;
  workflowType: string;
  state: ApplyActionState;
  runId?: string;
  reason?: string;
}

export interface ApplyConnectionStatus {
  connectionId: string;
  actions: ApplyActionStatus[];
}

/** The apply's `applyStatus` query and result: per connection, each action's state. */
export interface ApplyStatus {
  applyId: string;
  planId: string;
  requestedBy: string;
  /** `checking` the plan against the estate, `running` the actions, `ended`. */
  phase: 'checking' | 'running' | 'ended';
  connections: ApplyConnectionStatus[];
  /** Set when the plan no longer matched the estate at the start: what changed (nothing was started). */
  changedSincePlan?: EstateChange[];
}

/** The apply ended: every connection's actions ended in `done`. */
export function applySucceeded(status: Pick<ApplyStatus, 'connections'>): boolean {
  return status.connections.every((c) => c.actions.every((a) => a.state === 'done'));
}
