/** Starting a fan-out (domain/fan-out.ts) and reading its per-pair status, for the CLI. */
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import {
  FAN_OUT_ID_PREFIX,
  FAN_OUT_WORKFLOW,
  type FanOutPairStatus,
  type FanOutRequest,
  TASK_QUEUE,
  fanOutId,
} from '../domain';
import { fanOutStatusQuery } from '../workflows/messages';
import { type StartedConnection } from './connections';

/** Starts the fan-out under its id (local deployment + request id), or finds the run already there. */
export async function startOrFindFanOut(
  client: Client,
  request: FanOutRequest,
  taskQueue: string = TASK_QUEUE,
): Promise<StartedConnection> {
  const workflowId = fanOutId(request);
  try {
    const handle = await client.workflow.start(FAN_OUT_WORKFLOW, {
      workflowId,
      taskQueue,
      args: [request],
      workflowIdConflictPolicy: 'FAIL',
      staticSummary: `fan-out ${request.local.environment}/${request.local.deploymentId} -> ${request.remotes.length} remotes (${request.securityModel}), requested by ${request.requestedBy}`,
    });
    return { workflowId, runId: handle.firstExecutionRunId, status: 'started' };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const running = await client.workflow.getHandle(workflowId).describe();
    return { workflowId, runId: running.runId, status: 'already-running' };
  }
}

/** True when a workflow id names a fan-out rather than one connection. */
export function isFanOutId(workflowId: string): boolean {
  return workflowId.startsWith(FAN_OUT_ID_PREFIX);
}

export function fanOutStatus(client: Client, workflowId: string): Promise<FanOutPairStatus[]> {
  return client.workflow.getHandle(workflowId).query(fanOutStatusQuery);
}

/** One line per pair: alias, remote, state, connection id (and why, when it did not connect). */
export function renderFanOutStatus(workflowId: string, pairs: FanOutPairStatus[]): string {
  const width = Math.max(...pairs.map((p) => p.alias.length));
  return [
    `Fan-out ${workflowId}: ${pairs.filter((p) => p.state === 'connected').length}/${pairs.length} connected`,
    ...pairs.map(
      (p) =>
        `  ${p.alias.padEnd(width)}  ${p.remote.environment}/${p.remote.deploymentId}  ${p.state.padEnd(11)}  ${p.connectionId}` +
        (p.reason ? `\n  ${' '.repeat(width)}  ${p.reason.type}: ${p.reason.message}` : ''),
    ),
  ].join('\n');
}
