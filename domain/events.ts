import { z } from 'zod';
import { ApprovalDecision, DecisionToken, RejectionDecision } from './progress';

/** CloudEvents `type` values the intake accepts. */
export const EVENT_TYPES = {
  connectionRequested: 'io.crosslink.connection.requested.v1',
  approvalGranted: 'io.crosslink.approval.granted.v1',
  approvalDenied: 'io.crosslink.approval.denied.v1',
} as const;

/**
 * `data` of an approval event: the decision, the workflow it is for, and the approver's signed
 * decision token (`crosslink approve --key <file> --print-token` makes one); the workflow refuses
 * a decision whose token does not verify, so the intake secret alone cannot approve anything.
 */
export const ApprovalGrantedData = ApprovalDecision.extend({
  workflowId: z.string().min(1).max(400),
  token: DecisionToken,
}).strict();
export const ApprovalDeniedData = RejectionDecision.extend({
  workflowId: z.string().min(1).max(400),
  token: DecisionToken,
}).strict();
export type ApprovalGrantedData = z.infer<typeof ApprovalGrantedData>;
export type ApprovalDeniedData = z.infer<typeof ApprovalDeniedData>;
