/**
 * Issue 18, item 2: `crosslink status` of a run that ended without undoing tells the truth, with or
 * without a worker: its state is how it ended (not the last gate's), what it created and what was
 * undone (from its history), what is still there now (from the inventory workflow, read again when
 * its discovery predates the run's end, or "cannot be read"), and the cleanup command.
 */
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import { type temporal } from '@temporalio/proto';
import { runCli } from '../../client/cli/program';
import { runEffectsFromHistory } from '../../client/cli/history/run-effects';
import { type InventoryView, type ManagedConnection } from '../../domain';
import { EXIT } from '../../client/cli/exit-codes';
import { apiKeyConnection, inventory } from '../lifecycle/fixtures';
import { recordingContext } from './cli-context';
import { WORKFLOW_ID, recordedHistory, recordedProgress } from './cli-fixtures';

const CLOSED_AT = new Date('2026-11-27T23:50:00Z');
const CLEANUP = 'crosslink disconnect ece-a a9000000000000000000000000000001 logs-b --as <you>';

/** The recorded connect's history cut where a terminate would have stopped it: before register-remote. */
function terminatedHistory(): temporal.api.history.v1.IHistory {
  const events = recordedHistory('connected').events ?? [];
  const cut = events.findIndex(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'registerRemoteCluster',
  );
  return { events: events.slice(0, cut) };
}

const leftover = (): ManagedConnection =>
  apiKeyConnection({
    connectionId: WORKFLOW_ID,
    alias: 'logs-b',
    class: 'leftover',
    run: { workflowId: WORKFLOW_ID, runId: 'run-1', operation: 'connect', status: 'terminated' },
    leftover: {
      left: [
        'keystore credential cluster.remote.logs-b.credentials on ece-a/a9000000000000000000000000000001',
        'cross-cluster API key k1 (crosslink-logs-b-1234abcd) on ece-b/b9000000000000000000000000000001',
      ],
      cleanup: CLEANUP,
    },
  });

const viewAt = (discoveredAt: string, connections: ManagedConnection[], extra: Partial<InventoryView> = {}) => ({
  inventory: { ...inventory(connections), discoveredAt },
  generation: 1,
  reasons: ['test'],
  pending: 0,
  served: [],
  ...extra,
});

interface Namespace {
  status: 'TERMINATED' | 'TIMED_OUT' | 'FAILED';
  /** The run's `progress` query: a worker answers it (also for a closed run), or none does. */
  progress?: unknown;
  /** The run's failure (its `result()`). */
  failure: Error;
  /** The inventory workflow's answers, in order (the last repeats); none: no worker answers. */
  inventory?: InventoryView[];
  state?: string;
}

function namespace(ns: Namespace) {
  const signals: unknown[] = [];
  const answers = [...(ns.inventory ?? [])];
  const run = {
    describe: async () => ({
      runId: 'run-1',
      status: { name: ns.status },
      closeTime: CLOSED_AT,
      typedSearchAttributes: { get: () => ns.state ?? 'awaiting-approval' },
    }),
    result: async () => {
      throw new WorkflowFailedError('Workflow execution failed', ns.failure, 'NON_RETRYABLE_FAILURE');
    },
    query: async () => {
      if (!ns.progress) throw new Error('deadline exceeded');
      return ns.progress;
    },
    fetchHistory: async () => terminatedHistory(),
  };
  const inventoryHandle = {
    describe: async () => {
      if (!ns.inventory) throw new WorkflowNotFoundError('not found', 'crosslink-inventory', undefined);
      return { status: { name: 'RUNNING' } };
    },
    query: async () => {
      if (!ns.inventory) throw new Error('deadline exceeded');
      if (answers.length === 0) throw new Error('no answer');
      const view = answers.length > 1 ? answers.shift()! : answers[0]!;
      // A refresh covers the request that asked for it.
      const asked = signals.at(-1) as { requestId?: string } | undefined;
      return asked?.requestId && answers.length <= 1 ? { ...view, served: [asked.requestId] } : view;
    },
    signal: async (_def: unknown, request: unknown) => void signals.push(request),
  };
  const client = {
    withDeadline: <R>(_deadline: number, fn: () => Promise<R>) => fn(),
    workflow: {
      getHandle: (id: string) => (id === 'crosslink-inventory' ? inventoryHandle : run),
      // Starts the inventory workflow (the server does that without a worker; the query then goes unanswered).
      signalWithStart: async (_type: string, options: { signalArgs: unknown[] }) => {
        signals.push(options.signalArgs[0]);
      },
    },
  };
  return { client, signals };
}

describe('crosslink status of a run that ended without undoing', () => {
  it('what the run created is read from its history', () => {
    const created = runEffectsFromHistory(terminatedHistory()).created;
    expect(created.map((c) => c.kind)).toEqual(expect.arrayContaining(['api-key', 'keystore-secret']));
  });

  it('terminated, no worker: state terminated, what it created, nothing undone, the inventory unreadable, the command', async () => {
    const { client } = namespace({ status: 'TERMINATED', failure: new TerminatedFailure('by ops') });
    const ctx = recordingContext(client);
    expect(await runCli(['status', WORKFLOW_ID], ctx)).toBe(EXIT.OK);
    const out = ctx.stdout.join('\n');
    expect(out).toMatch(/State:\s+terminated \(workflow terminated\)/);
    expect(out).not.toContain('awaiting-approval');
    expect(out).toContain('This run was terminated at 2026-11-27T23:50:00Z: it did not undo what it created.');
    expect(out).toMatch(
      /Created by this run \(from its history\):[\s\S]*keystore-secret\s+cluster\.remote\.logs-b\.credentials/,
    );
    expect(out).toContain('Undone: nothing.');
    expect(out).toMatch(
      /Still there now: cannot be read \(no worker answered the inventory query within 5s .*\); `crosslink connections` shows it once a worker runs\./,
    );
    expect(out).toContain(`Clean up:  ${CLEANUP}`);
  });

  it('terminated, with a worker: the state is still terminated, and the inventory says what is left', async () => {
    const { client, signals } = namespace({
      status: 'TERMINATED',
      failure: new TerminatedFailure('by ops'),
      progress: recordedProgress('awaiting-approval'),
      inventory: [viewAt('2026-11-27T23:55:00.000Z', [leftover()])],
    });
    const ctx = recordingContext(client);
    expect(await runCli(['status', WORKFLOW_ID], ctx)).toBe(EXIT.OK);
    const out = ctx.stdout.join('\n');
    expect(out).toMatch(/State:\s+terminated \(workflow terminated\)/);
    expect(out).toContain(
      [
        'Still there now (the inventory, discovered 2026-11-27T23:55:00Z, 180s ago):',
        '  - keystore credential cluster.remote.logs-b.credentials on ece-a/a9000000000000000000000000000001',
        '  - cross-cluster API key k1 (crosslink-logs-b-1234abcd) on ece-b/b9000000000000000000000000000001',
      ].join('\n'),
    );
    expect(out).toContain(`Clean up:  ${CLEANUP}`);
    expect(signals).toEqual([]); // the discovery was newer than the run's end: no refresh needed
  });

  it('an inventory older than the run’s end is read again, for this connection', async () => {
    const { client, signals } = namespace({
      status: 'TERMINATED',
      failure: new TerminatedFailure('by ops'),
      inventory: [viewAt('2026-11-27T23:00:00.000Z', []), viewAt('2026-11-27T23:57:00.000Z', [leftover()])],
    });
    const ctx = recordingContext(client);
    expect(await runCli(['status', WORKFLOW_ID, '--json'], ctx)).toBe(EXIT.OK);
    expect(signals).toEqual([
      { reason: `crosslink status ${WORKFLOW_ID}`, connectionId: WORKFLOW_ID, requestId: expect.any(String) },
    ]);
    const view = JSON.parse(ctx.stdout.join(''));
    expect(view).toMatchObject({
      state: 'terminated',
      ended: {
        ended: 'terminated',
        undone: [],
        cleanup: CLEANUP,
        now: { source: 'inventory', discoveredAt: '2026-11-27T23:57:00.000Z', class: 'leftover' },
      },
    });
    expect(view.ended.now.left).toHaveLength(2);
  });

  it('timed out: state timed-out; nothing left (residue only): nothing to clean up', async () => {
    const residue = apiKeyConnection({ connectionId: WORKFLOW_ID, alias: 'logs-b', class: 'residue' });
    const { client } = namespace({
      status: 'TIMED_OUT',
      failure: new TimeoutFailure('workflow timed out', undefined, 'START_TO_CLOSE'),
      inventory: [viewAt('2026-11-27T23:55:00.000Z', [residue])],
    });
    const ctx = recordingContext(client);
    expect(await runCli(['status', WORKFLOW_ID], ctx)).toBe(EXIT.OK);
    const out = ctx.stdout.join('\n');
    expect(out).toMatch(/State:\s+timed-out \(workflow timed_out\)/);
    expect(out).toContain('nothing but residue (marks the systems keep for a while); nothing to clean up.');
    expect(out).toContain('Clean up:  nothing to clean up.');
  });

  it('failed with undo failures: what was undone, what failed, what is left and the command', async () => {
    const progress = {
      ...recordedProgress('rolled-back'),
      state: 'failed',
      compensationFailures: [{ step: 'keystore', activity: 'removeKeystoreCredentials', message: 'plan failed' }],
    };
    const failure = ApplicationFailure.create({
      message: 'undo failed',
      type: 'CompensationFailed',
      details: [progress],
    });
    const { client } = namespace({
      status: 'FAILED',
      state: 'failed',
      failure,
      inventory: [viewAt('2026-11-27T23:55:00.000Z', [leftover()])],
    });
    const ctx = recordingContext(client);
    expect(await runCli(['status', WORKFLOW_ID], ctx)).toBe(EXIT.OK);
    const out = ctx.stdout.join('\n');
    expect(out).toMatch(/State:\s+failed \(workflow failed\)/);
    expect(out).toContain('This run failed and some of its undos failed');
    expect(out).toContain('  - keystore credential cluster.remote.logs-b.credentials');
    expect(out).toContain(`Clean up:  ${CLEANUP}`);
  });
});
