import { z } from 'zod';
import { GateApprovers } from './approval-policy';
import { Identity } from './ids';
import { GateChange } from './changes';
import { CreatedResource } from './records';
import { SecurityModel, StepId } from './step-catalog';
import { lazySchema } from './lazy-schema';

export const ConnectionState = lazySchema(() =>
  z.enum([
    'running',
    'awaiting-approval',
    'compensating',
    'connected',
    'rolled-back',
    'failed',
    /** A disconnect removed the connection. */
    'disconnected',
  ]),
);
export type ConnectionState = z.infer<typeof ConnectionState>;

export const StepStatus = lazySchema(() =>
  z.enum([
    'pending',
    'awaiting-approval',
    'running',
    'succeeded',
    'skipped',
    'failed',
    /** Its gate was rejected: the step never ran (the run rolls back what earlier steps created). */
    'rejected',
    'compensating',
    'compensated',
    'compensation-failed',
  ]),
);
export type StepStatus = z.infer<typeof StepStatus>;

export const StepProgress = lazySchema(() =>
  z.object({
    id: StepId,
    status: StepStatus,
    /** Activity attempts seen so far (retries included). */
    attempts: z.number().int(),
    startedAt: z.string().optional(),
    endedAt: z.string().optional(),
    detail: z.string().optional(),
  }),
);
export type StepProgress = z.infer<typeof StepProgress>;

/**
 * A compact JWS (header.payload.signature, base64url) proving the decision: signed by the
 * approver's own key (domain/approval-policy.ts). Optional in the schema only so that decisions
 * recorded before signed decisions existed still replay; a decision without one is refused.
 */
export const DecisionToken = lazySchema(() =>
  z
    .string()
    .max(8192, 'must be at most 8192 characters')
    .regex(
      /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/,
      'must be a compact JWS (crosslink approve --key signs one)',
    ),
);

/** An approver's decision on a gate (update or signal payload). */
export const ApprovalDecision = lazySchema(() =>
  z
    .object({
      gate: StepId,
      approver: Identity,
      comment: z.string().max(2000, 'must be at most 2000 characters').optional(),
      token: DecisionToken.optional(),
    })
    .strict(),
);
export type ApprovalDecision = z.infer<typeof ApprovalDecision>;

export const RejectionDecision = lazySchema(() =>
  z
    .object({
      gate: StepId,
      approver: Identity,
      reason: z.string().min(1, 'must say why').max(2000, 'must be at most 2000 characters'),
      token: DecisionToken.optional(),
    })
    .strict(),
);
export type RejectionDecision = z.infer<typeof RejectionDecision>;

export const AuditEntry = lazySchema(() =>
  z.object({
    at: z.string(),
    gate: StepId,
    /**
     * `superseded`: the gate was approved, but when the step was about to run the change differed
     * from the one approved (the systems changed meanwhile): the gate asks again, for the change now.
     */
    decision: z.enum(['requested', 'approved', 'rejected', 'refused', 'timed-out', 'superseded']),
    by: z.string().optional(),
    via: z.enum(['update', 'signal', 'workflow']),
    comment: z.string().optional(),
    /** Why a decision was refused (no valid signature, not an approver of the gate, four-eyes, expired...). */
    refusal: z.string().optional(),
    /** `jti` of the verified decision token (a token counts once). */
    tokenId: z.string().optional(),
    /** An approval that counted while the gate needs more: what is still missing. */
    remaining: z.string().optional(),
  }),
);
export type AuditEntry = z.infer<typeof AuditEntry>;

export const PendingGate = lazySchema(() =>
  z.object({
    gate: StepId,
    requestedAt: z.string(),
    deadline: z.string(),
    /** Who may decide, from the worker's approval policy (absent in runs from before the policy). */
    approvers: GateApprovers.optional(),
    /** Approvers whose approval already counted (a gate may need several). */
    approvedBy: z.array(z.string()).optional(),
    /** The exact change the gate lets through and its digest, which a decision token signs (absent in older runs). */
    change: GateChange.optional(),
  }),
);
export type PendingGate = z.infer<typeof PendingGate>;

export const CompensationFailure = lazySchema(() =>
  z.object({ step: StepId, activity: z.string(), message: z.string() }),
);
export type CompensationFailure = z.infer<typeof CompensationFailure>;

/** Answer of the `progress` query. */
export const Progress = lazySchema(() =>
  z.object({
    connectionId: z.string(),
    state: ConnectionState,
    currentStep: StepId.optional(),
    model: SecurityModel,
    alias: z.string(),
    local: z.object({ environment: z.string(), deploymentId: z.string() }),
    remote: z.object({ environment: z.string(), deploymentId: z.string() }),
    requestedBy: z.string(),
    startedAt: z.string(),
    endedAt: z.string().optional(),
    steps: z.array(StepProgress),
    pendingGate: PendingGate.optional(),
    audit: z.array(AuditEntry),
    created: z.array(CreatedResource),
    compensationFailures: z.array(CompensationFailure),
    /** Why the run is rolling back or rolled back. */
    reason: z.object({ type: z.string(), message: z.string(), step: StepId.optional() }).optional(),
  }),
);
export type Progress = z.infer<typeof Progress>;

/** Workflow result of a connected run. Rolled-back runs fail with an ApplicationFailure whose details hold a Progress. */
export const ConnectionResult = lazySchema(() =>
  z.object({
    connectionId: z.string(),
    state: z.literal('connected'),
    alias: z.string(),
    steps: z.array(
      z.object({ id: StepId, status: StepStatus, attempts: z.number().int(), durationMs: z.number().optional() }),
    ),
    created: z.array(CreatedResource),
    verification: z.object({ proxyAddress: z.string(), serverName: z.string(), probe: z.string() }),
  }),
);
export type ConnectionResult = z.infer<typeof ConnectionResult>;

/** Result of a disconnect: what was removed, what was kept and why, and the undos that failed. */
export const DisconnectReport = lazySchema(() =>
  z.object({
    connectionId: z.string(),
    state: z.enum(['disconnected', 'failed']),
    found: z.string(),
    removed: z.array(CreatedResource),
    kept: z.array(z.object({ resource: CreatedResource, reason: z.string() })),
    failures: z.array(CompensationFailure),
  }),
);
export type DisconnectReport = z.infer<typeof DisconnectReport>;
