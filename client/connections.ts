/**
 * The Temporal operations the CLI and the intake perform on connection workflows, behind one small
 * interface so the intake can be tested with an in-memory fake and the CLI shares the same start.
 */
import { type Client, WorkflowExecutionAlreadyStartedError, isGrpcServiceError } from '@temporalio/client';
import { type SearchAttributePair } from '@temporalio/common';
import { type KeyObject } from 'node:crypto';
import {
  type ApprovalDecision,
  type AuditEntry,
  type DecisionKind,
  type StepId,
  CONNECTION_WORKFLOW,
  type ConnectionRequest,
  type RejectionDecision,
  OPERATION_KEY,
  SEARCH_ATTRIBUTE_KEYS,
  TASK_QUEUE,
  connectionId,
} from '../domain';
import { connectionStartMetadata } from './connection-metadata';
import { signDecision } from './decision-token';
import { type LifecycleStart, startLifecycle } from './lifecycle-starts';
import { SearchAttributesMissingError } from './search-attributes';
import { approveSignal, approveUpdate, rejectSignal, rejectUpdate } from '../workflows/messages';

export { SearchAttributesMissingError };
export type { LifecycleStart };

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
  /** Starts update-access, rotate or disconnect under the connection id, or finds the run holding it. */
  startLifecycle(start: LifecycleStart): Promise<StartedConnection>;
  /** Fire-and-forget decisions (durable even when no worker runs). */
  signalApproval(workflowId: string, decision: ApprovalDecision): Promise<void>;
  signalRejection(workflowId: string, decision: RejectionDecision): Promise<void>;
}

/**
 * The search attributes a run starts with (what the workflow upserts first). Passing them at start
 * makes the server refuse the start, loudly, in a namespace where they are not registered.
 */
export function initialSearchAttributes(request: ConnectionRequest): SearchAttributePair[] {
  const k = SEARCH_ATTRIBUTE_KEYS;
  return [
    { key: k.state, value: 'running' },
    { key: k.step, value: 'preflight' },
    { key: k.localDeployment, value: request.local.deploymentId },
    { key: k.remoteDeployment, value: request.remote.deploymentId },
    { key: k.alias, value: request.alias },
    { key: OPERATION_KEY, value: 'connect' },
  ];
}

/**
 * Starts the run, or finds the one already running under the same connection id: the start uses
 * the FAIL conflict policy, so the server answers "already started" for a running run (a closed one
 * is replaced by a new run), and the running run's id is then read with `describe`.
 */
export async function startOrFindConnection(
  client: Client,
  request: ConnectionRequest,
  taskQueue: string = TASK_QUEUE,
): Promise<StartedConnection> {
  const workflowId = connectionId(request);
  try {
    const handle = await client.workflow.start(CONNECTION_WORKFLOW, {
      workflowId,
      taskQueue,
      args: [request],
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: initialSearchAttributes(request),
      ...connectionStartMetadata(request),
    });
    return { workflowId, runId: handle.firstExecutionRunId, status: 'started' };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      const running = await client.workflow.getHandle(workflowId).describe();
      return { workflowId, runId: running.runId, status: 'already-running' };
    }
    const cause = (err as Error).cause ?? err;
    if (isGrpcServiceError(cause) && cause.code === 3 && /search attribute/i.test(cause.details)) {
      throw new SearchAttributesMissingError(
        client.options.namespace,
        `the server refused the start: ${cause.details}`,
      );
    }
    throw err;
  }
}

export interface TemporalGatewayOptions {
  taskQueue?: string;
}

export function createTemporalGateway(client: Client, options: TemporalGatewayOptions = {}): ConnectionGateway {
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  return {
    startConnection: (request) => startOrFindConnection(client, request, taskQueue),
    startLifecycle: (start) => startLifecycle(client, start, taskQueue),
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
