/**
 * Temporal's view of the runs on connection ids, for discovery to tell a connection in progress
 * and the leftovers of an ended run from a connection. Read with the worker's own client (the
 * activity context's), so no credential beyond the worker's Temporal connection is involved; what
 * it returns is ids and statuses only.
 */
import { Context } from '@temporalio/activity';
import { type Client, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { type RunStatus } from '../../domain/inventory';
import { type RunView } from './classify';

/** What discovery reads of Temporal. */
export interface RunReader {
  /** The latest run on the workflow id; undefined when the namespace holds none. */
  latest(workflowId: string): Promise<RunView | undefined>;
  /** The failure type a failed run ended with (an ApplicationFailure's type). */
  failureType(workflowId: string, runId: string): Promise<string | undefined>;
}

/** The part of a Temporal client the reader uses. */
export type RunClient = Pick<Client, 'workflow'>;

const STATUS: Record<string, RunStatus> = {
  RUNNING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed-out',
  CONTINUED_AS_NEW: 'continued-as-new',
};

export function temporalRunReader(client: RunClient): RunReader {
  return {
    async latest(workflowId) {
      try {
        const d = await client.workflow.getHandle(workflowId).describe();
        const status = STATUS[d.status.name];
        if (!status) throw new Error(`unknown execution status ${d.status.name} of ${workflowId}`);
        return { workflowId, runId: d.runId, type: d.type, status };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
    },
    async failureType(workflowId, runId) {
      try {
        await client.workflow.getHandle(workflowId, runId, { followRuns: false }).result();
        return undefined;
      } catch (err) {
        if (!(err instanceof WorkflowFailedError)) throw err;
        return err.cause instanceof ApplicationFailure ? (err.cause.type ?? undefined) : undefined;
      }
    },
  };
}

/**
 * The reader over the client of the worker running this activity; undefined (with why) where the
 * activity runs without one (a test's mock environment).
 */
export function activityRunReader(): RunReader | { unavailable: string } {
  try {
    return temporalRunReader(Context.current().client);
  } catch (err) {
    return { unavailable: err instanceof Error ? err.message : String(err) };
  }
}
