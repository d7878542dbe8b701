/**
 * `crosslink disconnect` (workflow type DISCONNECT_WORKFLOW, workflow id = the connection id):
 * rebuilds the connection from its marks (inspectConnection), waits for the disconnect gate
 * (`register-remote`: the step whose undo takes the link down), then runs the undos of the connect
 * steps newest first with nothing counted as "there before" (`reclaim`), so it also cleans up
 * after a terminated or failed run. Shared trust objects go only when nothing else needs them (the
 * undos decide, shared-trust-users.ts). Ends with what was removed and what was kept and why.
 */
import { CancellationScope, ApplicationFailure, proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import {
  type ActivityName,
  type CompensationFailure,
  type CreatedResource,
  type CrosslinkActivities,
  type DisconnectReport,
  FailureType,
  DisconnectRequest,
  type DisconnectRequestInput,
  INSPECT_CONNECTION,
  type InputOf,
  type KeptResource,
  NON_RETRYABLE_FAILURE_TYPES,
  OPERATION_SEARCH_ATTRIBUTE_KEYS,
  STEP_CATALOG,
  STEP_IDS,
  type Side,
  type StepId,
  type StepInput,
  preflightFacts,
  type StepRow,
  type UndoReport,
} from '../domain';
import { describeFailure } from './failures';
import { badInput } from './lifecycle-input';
import { LifecycleProgress, lifecycleRun } from './lifecycle-progress';

const OPERATION = OPERATION_SEARCH_ATTRIBUTE_KEYS.operation;
/** The gate every disconnect waits for: removing `cluster.remote.<alias>` takes the link down. */
export const DISCONNECT_GATE: StepId = 'register-remote';

const inspect = proxyActivities<CrosslinkActivities>({
  startToCloseTimeout: '15m',
  heartbeatTimeout: '2m',
  retry: { initialInterval: '2s', maximumInterval: '1m', nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES] },
  summary: `${INSPECT_CONNECTION.name}`,
}).inspectConnection;

/** The sides a step's undo runs on for this model (per-side rows: both sides, roles of the API key model: local). */
function sidesOf(id: StepId, model: StepInput['request']['securityModel']): Side[] | undefined {
  if (id === 'platform-trust' || id === 'deployment-trust') return ['local', 'remote'];
  if (id === 'roles') return model === 'api_key' ? ['local'] : ['local', 'remote'];
  return undefined;
}

export async function disconnectConnection(input: DisconnectRequestInput): Promise<DisconnectReport> {
  const parsed = DisconnectRequest.safeParse(input);
  if (!parsed.success) throw badInput('request', parsed.error);
  const ask = parsed.data;
  upsertSearchAttributes([{ key: OPERATION, value: 'disconnect' }]);
  // The progress query answers from the first activation, before the connection is inspected.
  const live = new LifecycleProgress(ask.connectionId, ask.requestedBy);
  const inspected = await inspect({
    connectionId: ask.connectionId,
    requestedBy: ask.requestedBy,
    gates: [DISCONNECT_GATE],
    deadline: ask.deadline,
  });
  const { request, preflight } = inspected;
  const { progress, gates, steps } = lifecycleRun(ask.connectionId, inspected, live);
  const undoSteps = STEP_IDS.filter((id) => {
    const row: StepRow = STEP_CATALOG[id];
    return row.undo !== null && row.models.includes(request.securityModel);
  });
  progress.applyDecisions(
    STEP_IDS.map((id) => ({ id, applies: undoSteps.includes(id), reason: 'a disconnect has nothing to undo here' })),
  );

  const stepInput: StepInput = {
    connectionId: ask.connectionId,
    request,
    preflight: preflightFacts(preflight),
    reclaim: true,
  };
  const removed: CreatedResource[] = [];
  const kept: KeptResource[] = [];
  const failures: CompensationFailure[] = [];
  try {
    await gates.waitFor(DISCONNECT_GATE);
  } catch (err) {
    // Rejected, or no decision before the deadline: nothing was touched.
    progress.compensating({ ...describeFailure(err), step: DISCONNECT_GATE });
    progress.finished('rolled-back');
    throw err;
  }
  // Once approved the removal runs to the end: a cancellation must not leave it half done.
  await CancellationScope.nonCancellable(async () => {
    for (const id of [...undoSteps].reverse()) {
      const undo = (STEP_CATALOG[id] as StepRow).undo!;
      const inputs = sidesOf(id, request.securityModel)?.map((side) => ({ ...stepInput, side })) ?? [stepInput];
      progress.undoStarted(id);
      const details: string[] = [];
      for (const undoInput of inputs) {
        try {
          const report = (await steps.call(undo as never, undoInput as InputOf<ActivityName>, id)) as UndoReport;
          removed.push(...report.removed);
          kept.push(...(report.kept ?? []));
          details.push(report.detail);
        } catch (err) {
          const failure = { step: id, activity: undo.name, message: describeFailure(err).message };
          progress.undoFailed(failure);
          failures.push(failure);
        }
      }
      progress.undoSucceeded(id, details.join('; '));
    }
  });
  const state = failures.length > 0 ? 'failed' : 'disconnected';
  progress.finished(state);
  const report: DisconnectReport = {
    connectionId: ask.connectionId,
    state,
    found: inspected.detail,
    removed,
    kept,
    failures,
  };
  if (failures.length > 0) {
    throw ApplicationFailure.create({
      type: FailureType.CompensationFailed,
      message: `disconnect removed ${removed.length} object(s), but ${failures.length} removal(s) failed: ${failures
        .map((f) => `${f.activity}: ${f.message}`)
        .join('; ')}; run crosslink disconnect again`,
      nonRetryable: true,
      details: [report, progress.snapshot()],
    });
  }
  return report;
}
