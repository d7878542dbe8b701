import { z } from 'zod';
import { ApprovalDecision, RejectionDecision } from './progress-report';

/** CloudEvents `type` values the intake accepts. */
export const EVENT_TYPES = {
  connectionRequested: 'io.crosslink.connection.requested.v1',
  approvalGranted: 'io.crosslink.approval.granted.v1',
  approvalDenied: 'io.crosslink.approval.denied.v1',
} as const;

/** `data` of an approval event: the decision plus the workflow it is for. */
export const ApprovalGrantedData = ApprovalDecision.extend({ workflowId: z.string().min(1).max(400) }).strict();
export const ApprovalDeniedData = RejectionDecision.extend({ workflowId: z.string().min(1).max(400) }).strict();
export type ApprovalGrantedData = z.infer<typeof ApprovalGrantedData>;
export type ApprovalDeniedData = z.infer<typeof ApprovalDeniedData>;
