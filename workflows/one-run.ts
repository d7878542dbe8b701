import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import { FailureType } from '../domain';

/**
 * One connection, one run: a connection (local deployment + alias) runs under the workflow id that
 * is its connection id, so Temporal itself keeps a second start from becoming a second run (the
 * CLI and the intake start with that id and the FAIL conflict policy). A start under any other id
 * would be a second run of the same connection and is refused before it does anything.
 */
export function requireConnectionWorkflowId(id: string): void {
  const { workflowId } = workflowInfo();
  if (workflowId === id) return;
  throw ApplicationFailure.create({
    type: FailureType.OwnershipConflict,
    message: `one connection, one run: the connection ${id} runs only under the workflow id "${id}", not "${workflowId}": start it with workflow id ${id} (crosslink connect and the intake do), where a second start finds the run already there`,
    nonRetryable: true,
  });
}
