/**
 * The connection workflow's messages, shared by the workflow, the CLI and the intake
 * (the pattern of samples-typescript message-passing/introduction).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import {
  type ApplyStatus,
  type ApprovalDecision,
  type DeclaredDriftRecord,
  type DescribePlanInput,
  type DescribedAction,
  type AuditEntry,
  type DiscoveryFilter,
  type FanOutPairStatus,
  type InventoryView,
  type Progress,
  type RefreshRequest,
  type RejectionDecision,
  type StepInput,
} from '../domain';

/**
 * Approve the pending gate with a signed decision. The validator refuses only a malformed decision,
 * a gate that is not pending or already decided; the result is the audit entry: `approved`, or
 * `refused` with the reason (unsigned, forged, expired, not an approver, four-eyes).
 */
export const approveUpdate = defineUpdate<AuditEntry, [ApprovalDecision]>('approve');
/** Reject the pending gate with a signed decision; once accepted the run rolls back with `ApprovalRejected`. */
export const rejectUpdate = defineUpdate<AuditEntry, [RejectionDecision]>('reject');

/** Fire-and-forget forms for event senders, checked the same way; a refused one is recorded and ignored. */
export const approveSignal = defineSignal<[ApprovalDecision]>('approvalGranted');
export const rejectSignal = defineSignal<[RejectionDecision]>('approvalDenied');

/**
 * The step input every step activity shares (the request and preflight's facts; null before
 * preflight): activities receive it by reference and read it here once (activities/step-input.ts).
 */
export const stepInputQuery = defineQuery<StepInput | null>('stepInput');

/** Full progress: state, steps, pending gate, audit trail, what was created. */
export const progressQuery = defineQuery<Progress>('progress');

/** A fan-out's per-pair status (workflows/connect-fan-out.ts): each pair's connection id and state. */
export const fanOutStatusQuery = defineQuery<FanOutPairStatus[]>('fanOutStatus');

/**
 * The inventory workflow's (workflows/inventory.ts) latest discovery, narrowed by an optional
 * filter, with how fresh it is. `crosslink connections` reads it; no workflow is started per call.
 */
export const inventoryQuery = defineQuery<InventoryView, [DiscoveryFilter?]>('inventory');
/** Asks the inventory workflow for a new discovery (requests arriving meanwhile share the next one). */
export const refreshSignal = defineSignal<[RefreshRequest]>('refresh');

/** An apply's per-connection status (workflows/apply-desired-state.ts): each action's state and run. */
export const applyStatusQuery = defineQuery<ApplyStatus>('applyStatus');

/**
 * The scheduled reconcile's findings for the inventory workflow to keep (the latest replaces the
 * one before): connections that differ from the declared state, each with the plan that repairs it.
 */
export const declaredDriftSignal = defineSignal<[DeclaredDriftRecord]>('declaredDrift');

/**
 * What each gate of a plan's actions would approve, read now by a worker (the inventory workflow
 * runs the `describePlannedActions` activity): `crosslink plan` shows it under each action.
 */
export const describePlanUpdate = defineUpdate<DescribedAction[], [DescribePlanInput]>('describePlan');
