/**
 * The scheduled reconcile (workflow type RECONCILE_WORKFLOW, started by the Temporal Schedule
 * `crosslink-reconcile`): it reads the declared state where the operator's `desiredState` says (a
 * file on the worker or a git repository: an activity), discovers the estate, and plans the one
 * against the other with the same pure function as `crosslink plan`. Every connection that differs
 * becomes a drift record of kind `declared`, with the plan that would repair it: kept on the
 * inventory workflow (a signal: `crosslink connections` shows it) and sent as one notification. It
 * applies nothing unless the operator's policy lists action kinds in `autoApply`: then it starts an
 * apply of those actions only (a child it does not wait for), whose runs each still wait at every
 * gate for the policy's approvers.
 */
import {
  ApplicationFailure,
  ParentClosePolicy,
  getExternalWorkflowHandle,
  log,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  APPLY_WORKFLOW,
  type ApplyRequestInput,
  type DeclaredDriftRecord,
  type DesiredPlan,
  FailureType,
  INVENTORY_WORKFLOW_ID,
  OPERATION_SEARCH_ATTRIBUTE_KEYS,
  applyId,
  declaredDrift,
  planDesiredState,
  planRefusal,
} from '../domain';
import { lifecycleActivities } from './lifecycle-activities';
import { declaredDriftSignal } from './messages';
import { sendNotification } from './notifier';

const OPERATION = OPERATION_SEARCH_ATTRIBUTE_KEYS.operation;
const DRIFT = OPERATION_SEARCH_ATTRIBUTE_KEYS.drift;

/** What a reconcile ends with: the drift it recorded, and what it started (if the policy lets it apply). */
export interface ReconcileReport {
  record: DeclaredDriftRecord;
  /** Whether the inventory workflow took the record (false when none runs). */
  recorded: boolean;
  /** Why nothing was applied, when there was something to apply. */
  notApplied?: string;
}

export async function reconcileDesiredState(): Promise<ReconcileReport> {
  upsertSearchAttributes([
    { key: OPERATION, value: 'reconcile' },
    { key: DRIFT, value: 'running' },
  ]);
  const read = await lifecycleActivities.readDesiredState();
  const inventory = await lifecycleActivities.discoverConnections({});
  const refusal = planRefusal(inventory);
  if (refusal) {
    throw ApplicationFailure.create({
      type: FailureType.PlanStale,
      message: `no plan: ${refusal}`,
      nonRetryable: true,
    });
  }
  const { workflowId, runId } = workflowInfo();
  const body = planDesiredState(read.desired, inventory, {
    prune: read.prune,
    now: Date.now(),
    requestedBy: read.requestedBy,
    source: read.source,
  });
  const connections = declaredDrift(body);
  upsertSearchAttributes([{ key: DRIFT, value: connections.length > 0 ? 'drift' : 'none' }]);
  // The plan's id: this run's (a digest needs Node's crypto; the run id names it uniquely).
  const plan: DesiredPlan = { ...body, id: `reconcile-${runId}` };
  const kinds = read.autoApply;
  const applicable = plan.entries.flatMap((e) => e.actions.filter((a) => kinds.includes(a.kind)));
  const pending = plan.entries.reduce((n, e) => n + e.actions.length, 0);
  const applied = applicable.length > 0 ? await startApply(plan, read.requestedBy, kinds) : undefined;
  const record: DeclaredDriftRecord = {
    at: new Date().toISOString(),
    reconcile: workflowId,
    source: read.source,
    revision: read.revision,
    discoveredAt: inventory.discoveredAt,
    counts: plan.counts,
    connections,
    ...(applied ? { applied: { applyId: applied, kinds, actions: applicable.length } } : {}),
  };
  const recorded = await recordOnInventory(record);
  if (read.notify && connections.length > 0) await notify(record, runId);
  return {
    record,
    recorded,
    ...(pending > applicable.length
      ? {
          notApplied:
            kinds.length === 0
              ? "the operator's policy (desiredState.autoApply) applies nothing by itself: apply the plan with crosslink apply -f"
              : `the operator's policy applies only ${kinds.join(', ')}; ${pending - applicable.length} other action(s) wait for crosslink apply -f`,
        }
      : {}),
  };
}

/** Starts the apply of the allowed kinds; it runs on its own (each of its runs waits at its gates). */
async function startApply(
  plan: DesiredPlan,
  requestedBy: string,
  kinds: DesiredPlan['entries'][number]['actions'][number]['kind'][],
): Promise<string> {
  const input: ApplyRequestInput = { plan, requestedBy, kinds };
  const child = await startChild(APPLY_WORKFLOW, {
    workflowId: applyId(plan.id),
    args: [input],
    typedSearchAttributes: [{ key: OPERATION, value: 'apply' }],
    staticSummary: `apply of ${plan.source} by the scheduled reconcile: only ${kinds.join(', ')}`,
    // The apply outlives the reconcile: its runs wait for their approvers.
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
  return child.workflowId;
}

/** Hands the record to the inventory workflow; a namespace without one is no failure (the report keeps it). */
async function recordOnInventory(record: DeclaredDriftRecord): Promise<boolean> {
  try {
    await getExternalWorkflowHandle(INVENTORY_WORKFLOW_ID).signal(declaredDriftSignal, record);
    return true;
  } catch (err) {
    log.info('the declared drift was not recorded on the inventory (no inventory workflow runs?)', {
      error: err instanceof Error ? err.message : String(err),
    });
    return false;
  }
}

function notify(record: DeclaredDriftRecord, runId: string): Promise<void> {
  return sendNotification(
    {
      kind: 'declared-drift',
      workflowId: record.reconcile,
      runId,
      source: record.source.slice(0, 1000),
      ...(record.revision ? { revision: record.revision.slice(0, 200) } : {}),
      connections: record.connections.slice(0, 50).map((c) => ({
        connectionId: c.connectionId.slice(0, 400),
        status: c.status === 'unchanged' ? 'change' : c.status,
        actions: c.plan.map((a) => a.kind).slice(0, 10),
        detail: c.drift.detail.slice(0, 2000),
      })),
      ...(record.applied ? { applied: record.applied.applyId } : {}),
    },
    `${record.connections.length} connection(s) differ from ${record.source}`,
  );
}
