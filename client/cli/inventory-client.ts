/**
 * Reading the estate's inventory from the inventory workflow (workflows/inventory.ts): the
 * `inventory` query answers from the workflow's memory, so `crosslink connections` starts no
 * workflow. The first reader in a namespace starts the inventory workflow (signal-with-start under
 * its fixed id) and waits for its first discovery; a reader that wants a fresh one signals
 * `refresh` with its own request id and waits until a refresh covered it.
 */
import { randomUUID } from 'node:crypto';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import {
  type DiscoveryFilter,
  INVENTORY_WORKFLOW,
  INVENTORY_WORKFLOW_ID,
  InventoryView,
  OPERATION_KEY,
  TASK_QUEUE,
} from '../../domain';
import { inventoryQuery, refreshSignal } from '../../workflows/messages';
import { CliError } from './errors';
import { EXIT } from './exit-codes';

/** A worker answers a query from memory in milliseconds; this bounds a namespace without one. */
export const INVENTORY_QUERY_TIMEOUT_MS = 5_000;
/** How often a waiting reader asks again, and says it is still waiting. */
const POLL_MS = 500;
const PROGRESS_EVERY_MS = 10_000;

export interface InventoryReadOptions {
  filter?: DiscoveryFilter;
  /** Ask for a new discovery and wait for it (the reason is kept in the inventory's history). */
  refresh?: { reason: string; connectionId?: string };
  /** An inventory older than this is refreshed first (with this reason), as if `refresh` was asked. */
  maxAge?: { ms: number; reason: string };
  now?: () => Date;
  /** How long to wait for a discovery (the first one, or the requested refresh). */
  waitMs: number;
  /** Where a reader that waits says so (the CLI's stderr: stdout stays the answer). */
  progress: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  taskQueue?: string;
  queryTimeoutMs?: number;
}

export interface InventoryRead {
  view: InventoryView;
  /** Why the answer may be older than asked for (the wait ran out). */
  note?: string;
}

/** Starts the inventory workflow with a refresh request, or signals the one that runs. */
export async function requestRefresh(
  client: Client,
  request: { reason: string; connectionId?: string; requestId?: string },
  taskQueue = TASK_QUEUE,
): Promise<void> {
  await client.workflow.signalWithStart(INVENTORY_WORKFLOW, {
    workflowId: INVENTORY_WORKFLOW_ID,
    taskQueue,
    args: [{}],
    signal: refreshSignal,
    signalArgs: [request],
    typedSearchAttributes: [{ key: OPERATION_KEY, value: 'inventory' }],
    staticSummary: 'crosslink inventory: every connection crosslink manages, read by `crosslink connections`',
    staticDetails:
      'One long-lived workflow per namespace. Each refresh (asked by the audit schedule, by operations when ' +
      'they end, or by `crosslink connections --refresh`) reads every environment; its history is the ' +
      "estate's history. It continues as new to keep that history bounded.",
  });
}

async function query(client: Client, filter: DiscoveryFilter | undefined, timeoutMs: number): Promise<InventoryView> {
  const handle = client.workflow.getHandle(INVENTORY_WORKFLOW_ID);
  try {
    const raw = await client.withDeadline(Date.now() + timeoutMs, () => handle.query(inventoryQuery, filter ?? {}));
    return InventoryView.parse(raw);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw err;
    throw new CliError(
      EXIT.UNAVAILABLE,
      `no worker answered the inventory query within ${Math.round(timeoutMs / 1000)}s (${(err as Error).message}): ` +
        'only workers read the systems; start one (`npm run worker`) and run the command again',
    );
  }
}

/** Whether the inventory workflow runs now (a closed one would still answer queries, from its last state). */
async function running(client: Client): Promise<boolean> {
  try {
    const d = await client.workflow.getHandle(INVENTORY_WORKFLOW_ID).describe();
    return d.status.name === 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m}m` : `${Math.round(m / 60)}h`;
}

/** One line on how fresh an inventory is and what made it. */
export function freshnessLine(view: InventoryView, now: Date): string {
  const inv = view.inventory;
  if (!inv) return 'No discovery has completed yet.';
  const ago = age(now.getTime() - Date.parse(inv.discoveredAt));
  const why = view.reasons.length ? `; asked by: ${view.reasons.join('; ')}` : '';
  const running = view.refreshing ? `; a refresh is running since ${view.refreshing.since}` : '';
  return `Discovered ${inv.discoveredAt} (${ago} ago) by the inventory workflow ${INVENTORY_WORKFLOW_ID} (refresh ${view.generation}${why})${running}.`;
}

/**
 * The inventory, starting the inventory workflow when none runs and waiting for a discovery where
 * one is needed (the first, or the one `refresh` asks for). Queries only otherwise.
 */
export async function readInventory(client: Client, opts: InventoryReadOptions): Promise<InventoryRead> {
  const timeoutMs = opts.queryTimeoutMs ?? INVENTORY_QUERY_TIMEOUT_MS;
  const requestId = randomUUID();
  let waitingFor: 'first' | 'refresh' | undefined;
  if (!(await running(client))) {
    opts.progress(
      `Starting the inventory workflow ${INVENTORY_WORKFLOW_ID} (one per namespace); waiting for its first discovery: a worker reads every environment...`,
    );
    await requestRefresh(
      client,
      { reason: opts.refresh?.reason ?? 'first inventory', requestId, ...connectionOf(opts) },
      opts.taskQueue,
    );
    waitingFor = 'first';
  } else if (opts.refresh) {
    await client.workflow
      .getHandle(INVENTORY_WORKFLOW_ID)
      .signal(refreshSignal, { reason: opts.refresh.reason, requestId, ...connectionOf(opts) });
    opts.progress('Asked the inventory workflow for a new discovery; waiting for it...');
    waitingFor = 'refresh';
  }
  let view = await query(client, opts.filter, timeoutMs);
  if (!waitingFor && view.inventory && opts.maxAge && tooOld(view, opts.maxAge.ms, opts.now?.() ?? new Date())) {
    await client.workflow
      .getHandle(INVENTORY_WORKFLOW_ID)
      .signal(refreshSignal, { reason: opts.maxAge.reason, requestId });
    opts.progress(
      `The inventory is older than ${Math.round(opts.maxAge.ms / 1000)}s; asked for a new discovery and waiting for it...`,
    );
    waitingFor = 'refresh';
  }
  if (!waitingFor) {
    if (view.inventory) return { view };
    waitingFor = 'first';
    opts.progress('The inventory workflow has no discovery yet; waiting for its first...');
  }
  // Counted in the pauses between queries (the queries' own time comes on top).
  let waited = 0;
  let said = 0;
  const done = (v: InventoryView) => v.served.includes(requestId) || (waitingFor === 'first' && v.generation > 0);
  while (!done(view)) {
    if (waited >= opts.waitMs) {
      const waited = `${Math.round(opts.waitMs / 1000)}s`;
      if (!view.inventory) {
        throw new CliError(
          EXIT.UNAVAILABLE,
          `no discovery completed within ${waited}${view.refreshing ? ` (one is running since ${view.refreshing.since})` : ' (is a worker running?)'}; run the command again later, or wait longer with --wait`,
        );
      }
      return { view, note: `The requested discovery did not finish within ${waited}: this is the one before it.` };
    }
    if (waited - said >= PROGRESS_EVERY_MS) {
      said = waited;
      opts.progress(
        view.refreshing
          ? `  still discovering (since ${view.refreshing.since})...`
          : '  still waiting for a worker to start the discovery...',
      );
    }
    await opts.sleep(POLL_MS);
    waited += POLL_MS;
    view = await query(client, opts.filter, timeoutMs);
  }
  return { view };
}

/** Whether the inventory was discovered longer ago than `ms` (and no refresh is running already). */
function tooOld(view: InventoryView, ms: number, now: Date): boolean {
  const at = Date.parse(view.inventory?.discoveredAt ?? '');
  return !view.refreshing && !(now.getTime() - at <= ms);
}

/**
 * Asks a running inventory workflow to read the systems again, without waiting; does nothing when
 * none runs (the next `crosslink connections` starts one, with a fresh discovery).
 */
export async function refreshIfRunning(
  client: Client,
  request: { reason: string; connectionId?: string },
): Promise<boolean> {
  try {
    await client.workflow.getHandle(INVENTORY_WORKFLOW_ID).signal(refreshSignal, request);
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

function connectionOf(opts: InventoryReadOptions): { connectionId?: string } {
  return opts.refresh?.connectionId ? { connectionId: opts.refresh.connectionId } : {};
}
