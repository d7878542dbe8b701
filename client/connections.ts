/**
 * The Temporal operations the CLI and the intake perform on connection workflows, behind one small
 * interface so the intake can be tested with an in-memory fake and the CLI shares the same start.
 */
import { type Client, WorkflowClient, compileWorkflowOptions } from '@temporalio/client';
import {
  type ApprovalDecision,
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

/** Approve the pending gate through the validated update: resolves with the audit entry, or throws the refusal. */
export function approveGate(client: Client, workflowId: string, decision: ApprovalDecision): Promise<AuditEntry> {
  return client.workflow.getHandle(workflowId).executeUpdate(approveUpdate, { args: [decision] });
}

export function rejectGate(client: Client, workflowId: string, decision: RejectionDecision): Promise<AuditEntry> {
  return client.workflow.getHandle(workflowId).executeUpdate(rejectUpdate, { args: [decision] });
}
