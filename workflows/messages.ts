/**
 * The connection workflow's messages, shared by the workflow, the CLI and the intake
 * (the pattern of samples-typescript message-passing/introduction).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { type ApprovalDecision, type AuditEntry, type Progress, type RejectionDecision } from '../domain';

/** Approve the pending gate; the validator refuses a wrong gate, a non-approver or the requester. */
export const approveUpdate = defineUpdate<AuditEntry, [ApprovalDecision]>('approve');
/** Reject the pending gate; the run rolls back with `ApprovalRejected`. */
export const rejectUpdate = defineUpdate<AuditEntry, [RejectionDecision]>('reject');

/** Fire-and-forget forms for event senders: an invalid one is recorded in the audit trail and ignored. */
export const approveSignal = defineSignal<[ApprovalDecision]>('approvalGranted');
export const rejectSignal = defineSignal<[RejectionDecision]>('approvalDenied');

/** Full progress: state, steps, pending gate, audit trail, what was created. */
export const progressQuery = defineQuery<Progress>('progress');
