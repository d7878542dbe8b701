/**
 * `crosslinkInventory` (workflow type INVENTORY_WORKFLOW, fixed id INVENTORY_WORKFLOW_ID): the
 * estate's inventory, one long-lived workflow per namespace. It runs discovery (an activity: only
 * workers hold credentials) when asked by the `refresh` signal (the audit schedule, every
 * operation at its end, the CLI), keeps the latest inventory and its classification in memory and
 * answers the `inventory` query from it, so `crosslink connections` reads without starting a
 * workflow. Its history is the estate's history: each refresh is one activity whose result is the
 * inventory of that moment, with the reasons it was asked for. It continues as new every
 * `refreshesPerRun` refreshes (or when Temporal suggests it), carrying the latest inventory, so
 * its history stays bounded and the query never goes blank.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  type ConnectionInventory,
  DiscoveryFilter,
  type InventoryView,
  OPERATION_SEARCH_ATTRIBUTE_KEYS,
  RefreshRequest,
  DeclaredDriftRecord,
  DescribePlanInput,
  connectionWanted,
  filterInventory,
} from '../domain';
import { lifecycleActivities } from './lifecycle-activities';
import { declaredDriftSignal, describePlanUpdate, inventoryQuery, refreshSignal } from './messages';

/** What one run hands the next across continue-as-new. */
export interface InventoryCarry {
  inventory?: ConnectionInventory;
  /** The latest reconcile's findings (absent in runs before the desired state). */
  declared?: DeclaredDriftRecord;
  generation: number;
  reasons: string[];
  served: string[];
  pending: RefreshRequest[];
  error?: { at: string; message: string };
}

export interface InventoryInput {
  carried?: InventoryCarry;
  /** Refreshes a run makes before it continues as new; default DEFAULT_REFRESHES_PER_RUN. */
  refreshesPerRun?: number;
}

/**
 * Each refresh adds the inventory (a few KB per connection) to history: 20 keep a run's history
 * within a few MB for hundreds of connections, well inside Temporal's limits.
 */
export const DEFAULT_REFRESHES_PER_RUN = 20;
/**
 * Plans described in one run before it continues as new: each description is an activity whose
 * result (a few KB per action) stays in history.
 */
export const DESCRIPTIONS_PER_RUN = 50;
/** How many served request ids the view keeps (a waiting requester finds its own among them). */
const SERVED_KEPT = 100;
/** How many distinct reasons one refresh lists. */
const REASONS_KEPT = 20;

const OPERATION = OPERATION_SEARCH_ATTRIBUTE_KEYS.operation;

interface InventoryState extends InventoryCarry {
  refreshing?: { since: string; reasons: string[] };
}

function initialState(carried: InventoryCarry | undefined): InventoryState {
  return carried ? { ...carried } : { generation: 0, reasons: [], served: [], pending: [] };
}

function viewOf(state: InventoryState, filter: DiscoveryFilter | undefined): InventoryView {
  const parsed = DiscoveryFilter.parse(filter ?? {});
  return {
    ...(state.inventory ? { inventory: filterInventory(state.inventory, parsed) } : {}),
    generation: state.generation,
    reasons: state.reasons,
    ...(state.refreshing ? { refreshing: state.refreshing } : {}),
    pending: state.pending.length,
    served: state.served,
    ...(state.error ? { error: state.error } : {}),
    ...(state.declared ? { declared: filterDeclared(state.declared, parsed) } : {}),
  };
}

/** The reconcile's findings a filter keeps: connections with a side that matches. */
function filterDeclared(record: DeclaredDriftRecord, filter: DiscoveryFilter): DeclaredDriftRecord {
  if (!filter.environment && !filter.deploymentId) return record;
  return { ...record, connections: record.connections.filter((c) => connectionWanted(filter, c)) };
}

function reasonText(r: RefreshRequest): string {
  return r.connectionId ? `${r.reason} (${r.connectionId})` : r.reason;
}

function reasonsOf(batch: readonly RefreshRequest[]): string[] {
  const unique = [...new Set(batch.map(reasonText))];
  return unique.length > REASONS_KEPT
    ? [...unique.slice(0, REASONS_KEPT), `and ${unique.length - REASONS_KEPT} more`]
    : unique;
}

/** The Web UI's current details: what the estate holds now, and why it was last read. */
function detailsOf(state: InventoryState): string {
  const inv = state.inventory;
  const lines = [`**crosslink inventory**, refresh ${state.generation}`];
  if (inv) {
    const count = (k: string) => inv.connections.filter((c) => (c.class ?? 'connection') === k).length;
    const health = (h: string) =>
      inv.connections.filter((c) => (c.class ?? 'connection') === 'connection' && c.health.status === h).length;
    lines.push(
      `discovered ${inv.discoveredAt}: ${count('connection')} connection(s) (${health('connected')} connected, ` +
        `${health('degraded')} degraded, ${health('broken')} broken), ${count('in-progress')} in progress, ` +
        `${count('leftover')} leftover(s), ${count('residue')} residue, ${inv.unmanaged.length} unmanaged, ` +
        `${inv.errors.length} read(s) failed`,
    );
  }
  if (state.error) lines.push(`the last discovery failed at ${state.error.at}: ${state.error.message}`);
  lines.push(`last refreshed because: ${state.reasons.join('; ') || '-'}`);
  return lines.join('\n\n');
}

/**
 * An activity failure says "Activity task failed"; its causes say what went wrong (a timeout's
 * cause is the last attempt's failure).
 */
function failureMessage(err: unknown): string {
  const messages: string[] = [];
  for (let e: unknown = err instanceof ActivityFailure ? err.cause : err; e instanceof Error; e = e.cause) {
    messages.push(e.message);
  }
  return messages.join(': ') || String(err);
}

async function refresh(state: InventoryState): Promise<void> {
  const batch = state.pending.splice(0);
  const reasons = reasonsOf(batch);
  state.refreshing = { since: new Date().toISOString(), reasons };
  try {
    state.inventory = await lifecycleActivities.discoverConnections({});
    delete state.error;
  } catch (err) {
    // The previous inventory stays; the view says the refresh failed and why.
    state.error = { at: new Date().toISOString(), message: failureMessage(err) };
  }
  delete state.refreshing;
  state.generation += 1;
  state.reasons = reasons;
  state.served = [...state.served, ...batch.flatMap((r) => (r.requestId ? [r.requestId] : []))].slice(-SERVED_KEPT);
  setCurrentDetails(detailsOf(state));
}

export async function crosslinkInventory(input: InventoryInput = {}): Promise<void> {
  const state = initialState(input.carried);
  setHandler(inventoryQuery, (filter) => viewOf(state, filter));
  let descriptions = 0;
  setHandler(
    describePlanUpdate,
    (request) => {
      descriptions += 1;
      return lifecycleActivities.describePlannedActions(DescribePlanInput.parse(request));
    },
    { validator: (request) => void DescribePlanInput.parse(request) },
  );
  setHandler(declaredDriftSignal, (record) => {
    const parsed = DeclaredDriftRecord.safeParse(record);
    if (parsed.success) state.declared = parsed.data;
    else log.warn('declared drift ignored: it is malformed', { issues: parsed.error.issues.length });
  });
  setHandler(refreshSignal, (request) => {
    const parsed = RefreshRequest.safeParse(request);
    if (parsed.success) state.pending.push(parsed.data);
    else log.warn('refresh request ignored: it is malformed', { issues: parsed.error.issues.length });
  });
  if (workflowInfo().typedSearchAttributes.get(OPERATION) !== 'inventory') {
    upsertSearchAttributes([{ key: OPERATION, value: 'inventory' }]);
  }
  if (state.generation > 0) setCurrentDetails(detailsOf(state));
  const perRun = input.refreshesPerRun ?? DEFAULT_REFRESHES_PER_RUN;
  for (let refreshes = 0; refreshes < perRun;) {
    await condition(() => state.pending.length > 0 || descriptions >= DESCRIPTIONS_PER_RUN);
    // Many plans described and nothing to refresh: continue as new, to keep the history bounded.
    if (state.pending.length === 0) break;
    await refresh(state);
    refreshes += 1;
    // After a refresh only: a run whose carried inventory alone is large must still make progress.
    if (workflowInfo().continueAsNewSuggested) break;
  }
  // Signals that arrived meanwhile are in `pending`: the next run serves them.
  await condition(allHandlersFinished);
  const { refreshing: _refreshing, ...carried } = state;
  await continueAsNew<typeof crosslinkInventory>({
    carried,
    ...(input.refreshesPerRun !== undefined ? { refreshesPerRun: input.refreshesPerRun } : {}),
  });
}
