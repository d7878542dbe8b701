/**
 * The Temporal operations the CLI and the intake perform on connection workflows, behind one small
 * interface so the intake can be tested with an in-memory fake and the CLI shares the same start.
 */
import { type Client, WorkflowClient, compileWorkflowOptions } from '@temporalio/client';
import { type KeyObject } from 'node:crypto';
import {
  type ApprovalDecision,
  type DecisionKind,
  type StepId,
  type AuditEntry,
  type ConnectionRequest,
  type RejectionDecision,
  connectionId,
} from '../domain';
import {
  CONNECTION_WORKFLOW,
  TASK_QUEUE,
  approveSignal,
  approveUpdate,
  rejectSignal,
  rejectUpdate,
} from '../workflows/messages';
import { signDecision } from './decision-token';

export type StartStatus = 'started' | 'already-running';

export interface StartedConnection {
  workflowId: string;
  runId: string;
  status: StartStatus;
}

/** What the intake needs from Temporal (tests implement it in memory). */
export interface ConnectionGateway {
  /** Starts the connection workflow, or finds the one already running for the same connection id. */
  startConnection(request: ConnectionRequest): Promise<StartedConnection>;
  /** Fire-and-forget decisions (durable even when no worker runs). */
  signalApproval(workflowId: string, decision: ApprovalDecision): Promise<void>;
  signalRejection(workflowId: string, decision: RejectionDecision): Promise<void>;
}

/**
 * `WorkflowClient.start` hides the server's `started` flag, which is the only race-free way to
 * tell a new run from an existing one under USE_EXISTING. This subclass builds the request exactly
 * as `start` does (data converter, search attributes) and returns the flag.
 */
class StartReportingWorkflowClient extends WorkflowClient {
  async startOrUseExisting(request: ConnectionRequest, taskQueue: string): Promise<StartedConnection> {
    const workflowId = connectionId(request);
    const options = compileWorkflowOptions({
      workflowId,
      taskQueue,
      args: [request],
      workflowIdConflictPolicy: 'USE_EXISTING' as const,
    });
    const req = await this.createStartWorkflowRequest({ workflowType: CONNECTION_WORKFLOW, headers: {}, options });
    const response = await this.workflowService.startWorkflowExecution(req);
    return { workflowId, runId: response.runId, status: response.started ? 'started' : 'already-running' };
  }
}

export interface TemporalGatewayOptions {
  taskQueue?: string;
}

export function createTemporalGateway(client: Client, options: TemporalGatewayOptions = {}): ConnectionGateway {
  const starter = new StartReportingWorkflowClient({
    connection: client.connection,
    namespace: client.options.namespace,
    dataConverter: client.options.dataConverter,
    identity: client.options.identity,
  });
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  return {
    startConnection: (request) => starter.startOrUseExisting(request, taskQueue),
    signalApproval: (workflowId, decision) => client.workflow.getHandle(workflowId).signal(approveSignal, decision),
    signalRejection: (workflowId, decision) => client.workflow.getHandle(workflowId).signal(rejectSignal, decision),
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
  const token = await signDecision(key, {
    approver: d.approver,
    workflowId,
    runId,
    gate: d.gate,
    decision: d.decision,
    ...(d.text ? { text: d.text } : {}),
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
