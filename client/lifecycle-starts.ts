/**
 * Starting a lifecycle operation on a connection (update-access, rotate, disconnect): under the
 * connection id as workflow id with the FAIL conflict policy, so it never overlaps another run of
 * the same connection, and with CrosslinkOperation set at start (a namespace without the search
 * attribute refuses the start loudly).
 */
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import {
  DISCONNECT_WORKFLOW,
  type DisconnectRequest,
  OPERATION_KEY,
  ROTATE_WORKFLOW,
  type RotateRequest,
  TASK_QUEUE,
  UPDATE_ACCESS_WORKFLOW,
  type UpdateAccessRequest,
  connectionId,
} from '../domain';
import { type StartedConnection } from './connections';

export type LifecycleStart =
  | { operation: 'update-access'; request: UpdateAccessRequest }
  | { operation: 'rotate'; request: RotateRequest }
  | { operation: 'disconnect'; request: DisconnectRequest };

const WORKFLOW_OF = {
  'update-access': UPDATE_ACCESS_WORKFLOW,
  rotate: ROTATE_WORKFLOW,
  disconnect: DISCONNECT_WORKFLOW,
} as const;

/** The workflow id the operation runs under: its connection's id. */
export function lifecycleWorkflowId(start: LifecycleStart): string {
  return start.operation === 'disconnect' ? start.request.connectionId : connectionId(start.request);
}

/** Starts it, or reports the run that holds the connection now (`already-running`, which may be another operation). */
export async function startLifecycle(
  client: Client,
  start: LifecycleStart,
  taskQueue: string = TASK_QUEUE,
): Promise<StartedConnection> {
  const workflowId = lifecycleWorkflowId(start);
  try {
    const handle = await client.workflow.start(WORKFLOW_OF[start.operation], {
      workflowId,
      taskQueue,
      args: [start.request],
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: [{ key: OPERATION_KEY, value: start.operation }],
    });
    return { workflowId, runId: handle.firstExecutionRunId, status: 'started' };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const running = await client.workflow.getHandle(workflowId).describe();
    return { workflowId, runId: running.runId, status: 'already-running' };
  }
}
