/**
 * A stand-in for the part of Temporal discovery reads (the latest run on a connection id, and the
 * failure type of a failed one), for suites without a server; the real-server suites read the
 * real one. Shaped like the client the worker hands its activities.
 */
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { type ConnectionInventory, type DiscoveryFilter } from '../../domain';

/** One run as Temporal describes it: its execution status name and, when it failed, the failure type. */
export interface RunFact {
  runId: string;
  type: string;
  status: 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TERMINATED' | 'TIMED_OUT';
  failureType?: string;
}

export function temporalRuns(runs: Record<string, RunFact>): unknown {
  return {
    // The worker ties the activity's client calls to its cancellation.
    withAbortSignal: <R>(_signal: AbortSignal, fn: () => Promise<R>) => fn(),
    workflow: {
      getHandle(workflowId: string) {
        const run = runs[workflowId];
        return {
          async describe() {
            if (!run) throw new WorkflowNotFoundError('not found', workflowId, undefined);
            return { runId: run.runId, type: run.type, status: { name: run.status } };
          },
          async result() {
            if (!run) throw new WorkflowNotFoundError('not found', workflowId, undefined);
            if (run.status !== 'FAILED') return undefined;
            const cause = ApplicationFailure.create({ message: 'failed', type: run.failureType ?? 'Unknown' });
            throw new WorkflowFailedError('Workflow execution failed', cause, 'NON_RETRYABLE_FAILURE');
          },
        };
      },
    },
  };
}

/** Runs the discovery activity as a worker would, with `client` as the worker's Temporal client (or none). */
export function discoverWith(
  discoverConnections: (filter: DiscoveryFilter) => Promise<ConnectionInventory>,
  client: unknown,
  filter: DiscoveryFilter = {},
): Promise<ConnectionInventory> {
  const env = new MockActivityEnvironment(
    { workflowExecution: { workflowId: 'crosslink-inventory', runId: 'inventory-run' } } as never,
    client ? { client: client as never } : {},
  );
  return env.run(discoverConnections, filter);
}
