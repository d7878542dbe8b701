/**
 * One cell of the fault matrix: a fresh simulator, the row's fault armed just before its activity,
 * the workflow run to the end in the harness with the real activities, then the verdict from what
 * the simulator holds afterwards.
 */
import { type ApplicationFailure } from '@temporalio/common';
import { CONNECTION_WORKFLOW, type ConnectionResult, type Progress } from '../../../domain';
import { type FaultSpec } from '../../../simulator/api';
import { type HarnessRun, type RunOutcome, type WorkflowHarness } from '../../harness/workflow-harness';
import { signedApproval } from '../../harness/approvers';
import { progressQuery } from '../../../workflows/messages';
import { APPROVER } from '../support/requests';
import { diff, objects, reportedAs } from '../support/state-diff';
import { type Tap, armBefore, crashAfterFirstRun, timeoutWhenSlow, withTaps } from '../support/taps';
import { type ProofWorld } from '../support/world';
import { type FaultKind, type Row, isPermanent } from './rows';

export type Expected = 'connected' | 'rolled-back' | 'compensation-failed';

export interface CellResult {
  row: Row;
  kind: FaultKind;
  expected: Expected;
  /** connected, rolled-back, compensation-failed, or what else the run ended as. */
  outcome: string;
  failureType?: string;
  /** Attempts of the faulted activity beyond one per schedule. */
  retries: number;
  /** Objects left behind that the run does not account for (or missing from a connected run). */
  leaked: string[];
  /** Objects that existed before the run and were changed or removed. */
  touched: string[];
  /** Objects an undo could not remove, named in progress.compensationFailures. */
  reported: string[];
  /** Whether the fault really happened (a faulted call, a failed plan, a second run). */
  faultHit: boolean;
  problems: string[];
  realMs: number;
}

/** Objects a fault-free run of each model creates (masked ids), to judge connected cells. */
export type Baselines = Map<Row['model'], string[]>;

export const SLOW_MS = 40;

export function expectedOutcome(row: Row, kind: FaultKind): Expected {
  if (row.kind === 'step') return isPermanent(kind) ? 'rolled-back' : 'connected';
  return isPermanent(kind) ? 'compensation-failed' : 'rolled-back';
}

function faultFor(row: Row, kind: FaultKind): FaultSpec | undefined {
  const where = { ...row.call, times: 1 };
  switch (kind) {
    case '5xx':
      return { ...where, kind: 'status', status: 503, message: 'injected: service unavailable' };
    case 'reset':
      return { ...where, kind: 'reset' };
    case '4xx':
      return { ...where, kind: 'status', status: 403, message: 'injected: permanent refusal' };
    case 'slow':
      return { ...where, kind: 'latency', ms: SLOW_MS };
    case 'lost':
      return { ...where, kind: 'drop-response' };
    default:
      return undefined;
  }
}

const CALL_FAULT: Partial<Record<FaultKind, string>> = {
  '5xx': 'status',
  '4xx': 'status',
  reset: 'reset',
  slow: 'latency',
  lost: 'drop-response',
};

export async function runCell(
  harness: WorkflowHarness,
  world: ProofWorld,
  row: Row,
  kind: FaultKind,
  baselines: Baselines,
): Promise<CellResult> {
  const started = Date.now();
  const { simulator } = world;
  if (row.trigger) simulator.inject(row.trigger);
  const fault = faultFor(row, kind);
  const taps: Tap[] = [
    armBefore(row.target, () => {
      if (fault) simulator.inject(fault);
      if (kind === 'plan-failed' && row.plan) {
        simulator.failNextPlan(row.plan.environment, row.plan.deploymentId, 'injected: plan failed');
      }
    }),
  ];
  if (kind === 'slow') taps.push(timeoutWhenSlow(row.target, simulator, SLOW_MS));
  if (kind === 'twice') taps.push(crashAfterFirstRun(row.target));

  const run = await harness.start(CONNECTION_WORKFLOW, [row.request()], {
    activities: withTaps(world.activities, taps),
  });
  const result = await outcomeApprovingGates(run);

  let outcome: string;
  let failureType: string | undefined;
  let progress: Progress | undefined;
  if (result.status === 'completed') {
    const value = result.value as ConnectionResult;
    // Connected and verified: the verify step succeeded and reported the proxy it reached.
    const verified = value.steps.some((s) => s.id === 'verify' && s.status === 'succeeded') && !!value.verification;
    outcome = value.state === 'connected' && verified ? 'connected' : `completed:${value.state}`;
  } else {
    const failure = result.failure as ApplicationFailure;
    failureType = failure.type ?? undefined;
    progress = failure.details?.[0] as Progress | undefined;
    outcome =
      progress?.state === 'rolled-back'
        ? 'rolled-back'
        : progress?.state === 'failed' && failureType === 'CompensationFailed'
          ? 'compensation-failed'
          : `${result.status}:${progress?.state ?? '?'}`;
  }

  const expected = expectedOutcome(row, kind);
  const changes = diff(world.before, world.state());
  const touched = objects(changes.filter((c) => c.kind !== 'added'));
  const added = objects(changes.filter((c) => c.kind === 'added'));
  let leaked: string[] = [];
  let reported: string[] = [];
  if (outcome === 'connected') {
    const baseline = baselines.get(row.model) ?? [];
    const now = objects(diff(world.before, world.state(), true).filter((c) => c.kind === 'added'));
    leaked = [
      ...now.filter((o) => !baseline.includes(o)),
      ...baseline.filter((o) => !now.includes(o)).map((o) => `missing ${o}`),
    ];
  } else if (outcome === 'compensation-failed') {
    // Left behind and reported: an object the run listed as created by a step whose undo failed.
    const failedSteps = new Set(progress?.compensationFailures.map((f) => f.step));
    // A trust relationship that the entry a failed deployment-trust (or trust-all) undo left behind
    // still references is kept with it (deleting it would leave that entry dangling): part of that
    // leftover. trust-all writes the same trust.external entry deployment-trust would.
    if (failedSteps.has('deployment-trust') || failedSteps.has('trust-all')) failedSteps.add('platform-trust');
    const left = (progress?.created ?? []).filter((c) => failedSteps.has(c.step));
    reported = added.filter((o) => left.some((resource) => reportedAs(o, resource)));
    leaked = added.filter((o) => !reported.includes(o));
  } else {
    leaked = added;
  }

  const retries = retriesOf(run, row.target.activity);
  const faultHit =
    kind === 'twice' ? retries > 0 : kind === 'plan-failed' ? planFailed(world, row) : callFaulted(world, row, kind);

  const problems: string[] = [];
  if (outcome !== expected)
    problems.push(`expected ${expected}, got ${outcome}${failureType ? ` (${failureType})` : ''}`);
  if (!faultHit) problems.push('the fault never happened');
  if (leaked.length > 0) problems.push(`leaked: ${leaked.join(', ')}`);
  if (touched.length > 0) problems.push(`touched pre-existing: ${touched.join(', ')}`);
  if (expected === 'compensation-failed' && reported.length === 0) problems.push('no object reported left behind');
  return {
    row,
    kind,
    expected,
    outcome,
    ...(failureType ? { failureType } : {}),
    retries,
    leaked,
    touched,
    reported,
    faultHit,
    problems,
    realMs: Date.now() - started,
  };
}

/**
 * The run to its end, approving (as the approver) each gate it waits at: the requests ask for no
 * gate, but a change's own gate (trust-all) always waits.
 */
export async function outcomeApprovingGates(run: HarnessRun): Promise<RunOutcome> {
  // A gate opens with its deadline timer: stop there (before virtual time lets the deadline pass) and approve.
  let gates = 0;
  for (;;) {
    await run.until((r) => r.status !== 'running' || r.entries('timer-started').length > gates);
    if (run.status !== 'running') return run.outcome();
    gates = run.entries('timer-started').length;
    const pending = (await run.query<Progress>(progressQuery.name)).pendingGate;
    if (pending) await run.update('approve', await signedApproval(run, pending.gate, APPROVER));
  }
}

function retriesOf(run: HarnessRun, activity: string): number {
  const attempts = run.entries('activity-attempt').filter((e) => e.activity === activity).length;
  const schedules = run.entries('activity-scheduled').filter((e) => e.activity === activity).length;
  return Math.max(0, attempts - schedules);
}

/**
 * A call of the row's route (not the trigger's) was shaped by the fault; for `slow`, the simulator
 * reports having held it SLOW_MS (a latency label alone does not show the latency was applied).
 */
function callFaulted(world: ProofWorld, row: Row, kind: FaultKind): boolean {
  const { route, environment, deploymentId } = row.call;
  return world.simulator.calls.some(
    (c) =>
      c.fault === CALL_FAULT[kind] &&
      (kind !== 'slow' || (c.delayMs ?? 0) >= SLOW_MS) &&
      c.route === route &&
      (environment === undefined || c.environment === environment) &&
      (deploymentId === undefined || c.deploymentId === deploymentId),
  );
}

function planFailed(world: ProofWorld, row: Row): boolean {
  if (!row.plan) return false;
  const plans = world.simulator.snapshot()[row.plan.environment]?.deployments[row.plan.deploymentId]?.plans ?? [];
  return plans.some((p) => p.status === 'error');
}
