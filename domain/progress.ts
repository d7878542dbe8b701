import { z } from 'zod';
import { Identity } from './ids';
import { CreatedResource } from './records';
import { SecurityModel, StepId } from './steps';

export const ConnectionState = z.enum([
  'running',
  'awaiting-approval',
  'compensating',
  'connected',
  'rolled-back',
  'failed',
]);
export type ConnectionState = z.infer<typeof ConnectionState>;

export const StepStatus = z.enum([
  'pending',
  'awaiting-approval',
  'running',
  'succeeded',
  'skipped',
  'failed',
  'compensating',
  'compensated',
  'compensation-failed',
]);
export type StepStatus = z.infer<typeof StepStatus>;

export const StepProgress = z.object({
  id: StepId,
  status: StepStatus,
  /** Activity attempts seen so far (retries included). */
  attempts: z.number().int(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  detail: z.string().optional(),
});
export type StepProgress = z.infer<typeof StepProgress>;

/** An approver's decision on a gate (update or signal payload). */
export const ApprovalDecision = z
  .object({
    gate: StepId,
    approver: Identity,
    comment: z.string().max(2000, 'must be at most 2000 characters').optional(),
  })
  .strict();
export type ApprovalDecision = z.infer<typeof ApprovalDecision>;

export const RejectionDecision = z
  .object({
    gate: StepId,
    approver: Identity,
    reason: z.string().min(1, 'must say why').max(2000, 'must be at most 2000 characters'),
  })
  .strict();
export type RejectionDecision = z.infer<typeof RejectionDecision>;

export const AuditEntry = z.object({
  at: z.string(),
  gate: StepId,
  decision: z.enum(['requested', 'approved', 'rejected', 'refused', 'timed-out']),
  by: z.string().optional(),
  via: z.enum(['update', 'signal', 'workflow']),
  comment: z.string().optional(),
  /** Why a decision was refused (not the pending gate, not an approver, four-eyes). */
  refusal: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const PendingGate = z.object({ gate: StepId, requestedAt: z.string(), deadline: z.string() });
export type PendingGate = z.infer<typeof PendingGate>;

export const CompensationFailure = z.object({ step: StepId, activity: z.string(), message: z.string() });
export type CompensationFailure = z.infer<typeof CompensationFailure>;

/** Answer of the `progress` query. */
export const Progress = z.object({
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
});
export type Progress = z.infer<typeof Progress>;

/** Workflow result of a connected run. Rolled-back runs fail with an ApplicationFailure whose details hold a Progress. */
export const ConnectionResult = z.object({
  connectionId: z.string(),
  state: z.literal('connected'),
  alias: z.string(),
  steps: z.array(
    z.object({ id: StepId, status: StepStatus, attempts: z.number().int(), durationMs: z.number().optional() }),
  ),
  created: z.array(CreatedResource),
  verification: z.object({ proxyAddress: z.string(), serverName: z.string(), probe: z.string() }),
});
export type ConnectionResult = z.infer<typeof ConnectionResult>;

/** Search attributes upserted on each transition (registered as Keyword on the server). */
export const SEARCH_ATTRIBUTES = {
  state: 'CrosslinkState',
  step: 'CrosslinkStep',
  localDeployment: 'CrosslinkLocalDeployment',
  remoteDeployment: 'CrosslinkRemoteDeployment',
  alias: 'CrosslinkAlias',
} as const;

/**
 * Search attributes of the lifecycle operations (Keyword, like the others): which operation a
 * workflow is (`audit`), and for an audit the worst finding (`running`, `none`, `drift`, `broken`).
 */
export const OPERATION_SEARCH_ATTRIBUTES = {
  operation: 'CrosslinkOperation',
  drift: 'CrosslinkDrift',
} as const;
