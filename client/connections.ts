/**
 * The Temporal operations the CLI and the intake perform on connection workflows, behind one small
 * interface so the intake can be tested against an in-memory Temporal and the CLI shares the same
 * start (client/start-or-find.ts).
 */
import { type Client } from '@temporalio/client';
import { type KeyObject } from 'node:crypto';
import {
  type ApprovalDecision,
  type AuditEntry,
  type DecisionKind,
  type StepId,
  type RejectionDecision,
  TASK_QUEUE,
} from '../domain';
import { signDecision } from './decision-token';
import { SearchAttributesMissingError } from './search-attributes';
import { type EventMark, type StartOutcome, type StartRequest, startOrFind } from './start-or-find';
import { approveSignal, approveUpdate, rejectSignal, rejectUpdate } from '../workflows/messages';
import { pendingGateChange } from './gate-change';
import { digestMatches } from '../common/change-digest';

export { SearchAttributesMissingError };

/** What the intake needs from Temporal. */
export interface ConnectionGateway {
  /**
   * Starts an operation or a fan-out, or says what holds its id (client/start-or-find.ts); with an
   * event, first looks for the run it started within the last `eventLookbackSeconds`.
   */
  start(start: StartRequest, event?: EventMark, eventLookbackSeconds?: number): Promise<StartOutcome>;
  /** Fire-and-forget decisions (durable even when no worker runs). */
  signalApproval(workflowId: string, decision: ApprovalDecision): Promise<void>;
  signalRejection(workflowId: string, decision: RejectionDecision): Promise<void>;
  /** Resolves when the Temporal frontend answers; rejects with the reason when it does not. */
  checkReachable(): Promise<void>;
}

export interface TemporalGatewayOptions {
  taskQueue?: string;
  /** How long the reachability check waits for the frontend. */
  reachabilityTimeoutMs?: number;
}

export function createTemporalGateway(client: Client, options: TemporalGatewayOptions = {}): ConnectionGateway {
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  return {
    start: (start, event, eventLookbackSeconds) =>
      startOrFind(client, start, {
        taskQueue,
        ...(event ? { event } : {}),
        ...(eventLookbackSeconds ? { eventLookbackSeconds } : {}),
      }),
    signalApproval: (workflowId, decision) => client.workflow.getHandle(workflowId).signal(approveSignal, decision),
    signalRejection: (workflowId, decision) => client.workflow.getHandle(workflowId).signal(rejectSignal, decision),
    checkReachable: async () => {
      const deadline = Date.now() + (options.reachabilityTimeoutMs ?? 2_000);
      await client.withDeadline(deadline, () => client.workflowService.getSystemInfo({}));
    },
  };
}

/**
 * Signs a decision on `gate` with the approver's private key (bound to the run the server reports
 * now) and sends it as the update; resolves with the recorded entry (`refused` says why).
 */
export async function decideGate(
  client: Client,
  workflowId: string,
  key: KeyObject,
  d: { decision: DecisionKind; gate: StepId; approver: string; text?: string; ttlSeconds?: number },
): Promise<AuditEntry> {
  const { runId } = await client.workflow.getHandle(workflowId).describe();
  // The change the gate shows, checked against its digest: the decision signs what it shows.
  const { change } = await pendingGateChange(client.workflow, workflowId, d.gate, 5_000);
  if (change && !digestMatches(change)) throw new Error(`gate ${d.gate} shows a change that is not its digest`);
  const token = await signDecision(key, {
    approver: d.approver,
    workflowId,
    runId,
    gate: d.gate,
    decision: d.decision,
    ...(d.text ? { text: d.text } : {}),
    ...(change ? { change: change.digest } : {}),
    ttlSeconds: d.ttlSeconds ?? 300,
  });
  return d.decision === 'approve'
    ? approveGate(client, workflowId, {
        gate: d.gate,
        approver: d.approver,
        ...(d.text ? { comment: d.text } : {}),
        token,
      })
    : rejectGate(client, workflowId, { gate: d.gate, approver: d.approver, reason: d.text ?? '', token });
}

/** Sends a decision as the update: resolves with the audit entry (`refused` with the reason), or throws a validator refusal. */
export function approveGate(client: Client, workflowId: string, decision: ApprovalDecision): Promise<AuditEntry> {
  return client.workflow.getHandle(workflowId).executeUpdate(approveUpdate, { args: [decision] });
}

export function rejectGate(client: Client, workflowId: string, decision: RejectionDecision): Promise<AuditEntry> {
  return client.workflow.getHandle(workflowId).executeUpdate(rejectUpdate, { args: [decision] });
}
