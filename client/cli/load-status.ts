/**
 * Where `crosslink status` gets its view. Running workflow: the `progress` query (needs a worker;
 * bounded by a deadline). Closed workflow: its result (connected) or the Progress its failure
 * carries (rolled back), both read from history, so no worker is needed. When no worker answers,
 * the search attributes still give the state.
 *
 * A run that ended without undoing (terminated, timed out, or whose undos failed) is told as it is:
 * its state is how it ended, not the last gate's; what it created and what was undone come from
 * its history; what is still there now comes from the inventory workflow (refreshed when its
 * discovery predates the run's end), or the view says it could not be read; and the disconnect
 * command that cleans up.
 */
import { type Client, WorkflowFailedError } from '@temporalio/client';
import { type TypedSearchAttributes } from '@temporalio/common';
import {
  ConnectionResult,
  ConnectionState,
  DisconnectReport,
  LifecycleChangeReport,
  Progress,
  SEARCH_ATTRIBUTE_KEYS,
  repairCommand,
} from '../../domain';
import { parseConnectionId } from '../../domain/lifecycle-request';
import { progressQuery } from '../../workflows/messages';
import { CANCELLED } from '../../workflows/failures';
import { type TrailEntry, auditTrailFromHistory } from './history/audit-trail';
import { runEffectsFromHistory } from './history/run-effects';
import { readInventory } from './inventory-client';
import { type CancelRequest, type EndedRunView, type StatusView } from './render/status';

export const QUERY_TIMEOUT_MS = 5_000;
const CLOSED_QUERY_TIMEOUT_MS = 2_000;
/** How long `status` of an ended run waits for the inventory to read the systems again. */
export const INVENTORY_WAIT_MS = 30_000;

export interface LoadStatusOptions {
  /** A given run of the workflow id (default: its latest run). */
  runId?: string;
  queryTimeoutMs?: number;
  /** Where waiting for the inventory is said (the CLI's stderr). */
  progress?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
  inventoryWaitMs?: number;
}

export async function loadStatus(
  client: Client,
  workflowId: string,
  options: LoadStatusOptions | number = {},
): Promise<StatusView> {
  const opts = typeof options === 'number' ? { queryTimeoutMs: options } : options;
  const loaded = await loadView(client, workflowId, opts.queryTimeoutMs ?? QUERY_TIMEOUT_MS, opts.runId);
  const view = cancelledOrCancelling(loaded)
    ? { ...loaded, cancelRequest: await cancelRequestOf(client, loaded) }
    : loaded;
  const ended = endedWithoutUndoing(view);
  if (!ended) return view;
  const closedAt = view.closedAt ? new Date(view.closedAt) : undefined;
  return {
    ...view,
    ...(ended === 'terminated' || ended === 'timed-out' ? { state: ended } : {}),
    ended: await endedRun(client, view, ended, closedAt, opts),
  };
}

/** How the run ended, when it did not undo what it created; undefined otherwise. */
function endedWithoutUndoing(view: StatusView): EndedRunView['ended'] | undefined {
  if (view.executionStatus === 'TERMINATED') return 'terminated';
  if (view.executionStatus === 'TIMED_OUT') return 'timed-out';
  if (view.executionStatus !== 'RUNNING' && (view.progress?.compensationFailures.length ?? 0) > 0) return 'undo-failed';
  return undefined;
}

async function endedRun(
  client: Client,
  view: StatusView,
  ended: EndedRunView['ended'],
  closedAt: Date | undefined,
  opts: LoadStatusOptions,
): Promise<EndedRunView> {
  const history = await client.workflow.getHandle(view.workflowId, view.runId).fetchHistory();
  const effects = runEffectsFromHistory(history);
  const where = parseConnectionId(view.workflowId);
  const cleanup = repairCommand('disconnect', { local: where, alias: where.alias });
  return {
    ended,
    ...(closedAt ? { closedAt: closedAt.toISOString() } : {}),
    ...effects,
    now: await whatIsThereNow(client, view.workflowId, closedAt, opts),
    cleanup,
  };
}

/** The inventory's entry for the connection, from a discovery made after the run ended. */
async function whatIsThereNow(
  client: Client,
  connectionId: string,
  closedAt: Date | undefined,
  opts: LoadStatusOptions,
): Promise<EndedRunView['now']> {
  const { environment, deploymentId } = parseConnectionId(connectionId);
  const read = {
    filter: { environment, deploymentId },
    waitMs: opts.inventoryWaitMs ?? INVENTORY_WAIT_MS,
    progress: opts.progress ?? (() => undefined),
    sleep: opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    ...(opts.queryTimeoutMs ? { queryTimeoutMs: opts.queryTimeoutMs } : {}),
  };
  try {
    let { view, note } = await readInventory(client, read);
    const discoveredAt = Date.parse(view.inventory?.discoveredAt ?? '');
    if (closedAt && !(discoveredAt > closedAt.getTime())) {
      ({ view, note } = await readInventory(client, {
        ...read,
        refresh: { reason: `crosslink status ${connectionId}`, connectionId },
      }));
    }
    const inventory = view.inventory!;
    const entry = inventory.connections.find((c) => c.connectionId === connectionId);
    return {
      source: 'inventory',
      discoveredAt: inventory.discoveredAt,
      ...(note ? { note } : {}),
      ...(inventory.runs && !inventory.runs.read ? { runsUnread: inventory.runs.error ?? 'not read' } : {}),
      ...(entry
        ? {
            class: entry.class ?? 'connection',
            health: entry.health.status,
            left: entry.leftover?.left ?? [],
            ...(entry.run ? { run: entry.run } : {}),
          }
        : { left: [] }),
    };
  } catch (err) {
    return { source: 'unread', reason: (err as Error).message };
  }
}

async function loadView(
  client: Client,
  workflowId: string,
  queryTimeoutMs: number,
  runId?: string,
): Promise<StatusView> {
  const handle = client.workflow.getHandle(workflowId, runId);
  const desc = await handle.describe();
  const base = {
    workflowId,
    runId: desc.runId,
    executionStatus: desc.status.name,
    ...(desc.closeTime ? { closedAt: desc.closeTime.toISOString() } : {}),
    state: stateFromSearchAttributes(desc.typedSearchAttributes),
    ...(desc.parentExecution?.workflowId ? { parentWorkflowId: desc.parentExecution.workflowId } : {}),
  };

  if (desc.status.name === 'RUNNING') {
    try {
      const raw = await client.withDeadline(Date.now() + queryTimeoutMs, () => handle.query(progressQuery));
      const progress = Progress.parse(raw);
      return { ...base, source: 'progress-query', state: progress.state, progress };
    } catch (err) {
      return {
        ...base,
        source: 'workflow-description',
        note: `no worker answered the progress query (${(err as Error).message}); start one with \`npm run worker\`. State is from the search attributes.`,
      };
    }
  }

  try {
    const value = await handle.result();
    const result = ConnectionResult.safeParse(value);
    if (!result.success) {
      // update-access, rotate and disconnect end with their own report; their progress says the rest.
      const lifecycle = LifecycleChangeReport.safeParse(value).success || DisconnectReport.safeParse(value).success;
      const progress = lifecycle ? await queryClosed() : undefined;
      if (progress) return { ...base, source: 'progress-query', state: progress.state, progress };
      return { ...base, source: 'workflow-description', note: 'the workflow result is not a connection result' };
    }
    // The result has steps and resources; a worker, when one runs, also gives details and approvals.
    const progress = await queryClosed();
    return { ...base, source: 'workflow-result', state: 'connected', result: result.data, progress };
  } catch (err) {
    const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
    const details = (cause as { details?: unknown[] } | undefined)?.details;
    const progress = Progress.safeParse(details?.[0]);
    if (progress.success) {
      return { ...base, source: 'workflow-failure', state: progress.data.state, progress: progress.data };
    }
    // Cancelled or terminated runs carry no Progress; a worker, when one runs, still answers.
    const queried = await queryClosed();
    return {
      ...base,
      source: queried ? 'progress-query' : 'workflow-description',
      state: queried?.state ?? (base.state === 'unknown' ? 'failed' : base.state),
      progress: queried,
      failure: cause?.message ?? (err as Error).message,
    };
  }

  /** A closed run needs no query; it only adds detail, so it may not hold the command up for long. */
  function queryClosed(): Promise<Progress | undefined> {
    return client
      .withDeadline(Date.now() + Math.min(queryTimeoutMs, CLOSED_QUERY_TIMEOUT_MS), () => handle.query(progressQuery))
      .then((raw) => Progress.safeParse(raw).data)
      .catch(() => undefined);
  }
}

function cancelledOrCancelling(view: StatusView): boolean {
  return view.executionStatus === 'CANCELLED' || view.progress?.reason?.type === CANCELLED;
}

/** The last cancellation request in the run's history (history needs no worker). */
async function cancelRequestOf(client: Client, view: StatusView): Promise<CancelRequest | undefined> {
  try {
    const history = await client.workflow.getHandle(view.workflowId, view.runId).fetchHistory();
    const requests = auditTrailFromHistory(history, view.workflowId).entries.filter(
      (e): e is Extract<TrailEntry, { kind: 'cancel-requested' }> => e.kind === 'cancel-requested',
    );
    const last = requests.at(-1);
    return last && { at: last.at, ...(last.cause ? { reason: last.cause } : {}), ...(last.by ? { by: last.by } : {}) };
  } catch {
    return undefined; // The view stands without it.
  }
}

const STATE_KEY = SEARCH_ATTRIBUTE_KEYS.state;

function stateFromSearchAttributes(attrs: TypedSearchAttributes): StatusView['state'] {
  const parsed = ConnectionState.safeParse(attrs.get(STATE_KEY));
  return parsed.success ? parsed.data : 'unknown';
}
