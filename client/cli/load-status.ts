/**
 * Where `crosslink status` gets its view. Running workflow: the `progress` query (needs a worker;
 * bounded by a deadline). Closed workflow: its result (connected) or the Progress its failure
 * carries (rolled back), both read from history, so no worker is needed. When no worker answers,
 * the search attributes still give the state.
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
} from '../../domain';
import { progressQuery } from '../../workflows/messages';
import { CANCELLED } from '../../workflows/failures';
import { type TrailEntry, auditTrailFromHistory } from './history/audit-trail';
import { type CancelRequest, type StatusView } from './render/status';

export const QUERY_TIMEOUT_MS = 5_000;
const CLOSED_QUERY_TIMEOUT_MS = 2_000;

export interface LoadStatusOptions {
  /** A given run of the workflow id (default: its latest run). */
  runId?: string;
  queryTimeoutMs?: number;
}

export async function loadStatus(
  client: Client,
  workflowId: string,
  options: LoadStatusOptions = {},
): Promise<StatusView> {
  const view = await loadView(client, workflowId, options);
  return cancelledOrCancelling(view) ? { ...view, cancelRequest: await cancelRequestOf(client, view) } : view;
}

async function loadView(client: Client, workflowId: string, options: LoadStatusOptions): Promise<StatusView> {
  const queryTimeoutMs = options.queryTimeoutMs ?? QUERY_TIMEOUT_MS;
  const handle = client.workflow.getHandle(workflowId, options.runId);
  const desc = await handle.describe();
  const base = {
    workflowId,
    runId: desc.runId,
    executionStatus: desc.status.name,
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
