/**
 * In-memory stand-in for Temporal behind the intake's ConnectionGateway: one running workflow per
 * id (USE_EXISTING semantics), signals recorded on the workflow they reach.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { type ApprovalDecision, type ConnectionRequest, type RejectionDecision, connectionId } from '../../../domain';
import { type ConnectionGateway, type StartedConnection } from '../../../client/connections';
import { type LifecycleStart, lifecycleWorkflowId } from '../../../client/lifecycle-starts';

export interface FakeWorkflow {
  runId: string;
  request: ConnectionRequest;
  /** Set for update-access, rotate and disconnect (then `request` is empty). */
  lifecycle?: LifecycleStart;
  signals: Array<
    { name: 'approvalGranted'; decision: ApprovalDecision } | { name: 'approvalDenied'; decision: RejectionDecision }
  >;
}

export class FakeTemporal implements ConnectionGateway {
  readonly workflows = new Map<string, FakeWorkflow>();
  private runs = 0;

  async startConnection(request: ConnectionRequest): Promise<StartedConnection> {
    const workflowId = connectionId(request);
    const existing = this.workflows.get(workflowId);
    if (existing) return { workflowId, runId: existing.runId, status: 'already-running' };
    const runId = `run-${++this.runs}`;
    this.workflows.set(workflowId, { runId, request, signals: [] });
    return { workflowId, runId, status: 'started' };
  }

  async startLifecycle(start: LifecycleStart): Promise<StartedConnection> {
    const workflowId = lifecycleWorkflowId(start);
    const existing = this.workflows.get(workflowId);
    if (existing) return { workflowId, runId: existing.runId, status: 'already-running' };
    const runId = `run-${++this.runs}`;
    this.workflows.set(workflowId, { runId, request: {} as ConnectionRequest, lifecycle: start, signals: [] });
    return { workflowId, runId, status: 'started' };
  }

  async signalApproval(workflowId: string, decision: ApprovalDecision): Promise<void> {
    this.running(workflowId).signals.push({ name: 'approvalGranted', decision });
  }

  async signalRejection(workflowId: string, decision: RejectionDecision): Promise<void> {
    this.running(workflowId).signals.push({ name: 'approvalDenied', decision });
  }

  private running(workflowId: string): FakeWorkflow {
    const wf = this.workflows.get(workflowId);
    if (!wf) throw new WorkflowNotFoundError('workflow not found', workflowId, undefined);
    return wf;
  }
}
