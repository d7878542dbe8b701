/**
 * ECE plans: a change stays in `plan_info.pending` for the plan duration, then becomes current with a
 * log ending in `plan-completed`. A successful plan restarts the nodes (they load the keystore and
 * apply the trust settings); a failed or cancelled one restores the previous settings.
 */
import {
  type Deployment,
  type JsonObject,
  type PlanAttempt,
  type PlanStep,
  type SimState,
  clone,
  nowIso,
} from './state';

function step(id: string, status: PlanStep['status'], stage: PlanStep['stage'], message: string): PlanStep {
  const t = nowIso();
  return {
    step_id: id,
    started: t,
    ...(stage === 'completed' ? { completed: t, duration_in_millis: 0 } : {}),
    status,
    stage,
    info_log: [{ timestamp: t, stage, message, details: {} }],
  };
}

export function startPlan(
  state: SimState,
  dep: Deployment,
  kind: PlanAttempt['kind'],
  plan: JsonObject,
  previousTrust: JsonObject | null,
): PlanAttempt {
  dep.planCounter += 1;
  const attempt: PlanAttempt = {
    id: `attempt-${String(dep.planCounter).padStart(10, '0')}`,
    kind,
    plan: clone(plan),
    status: 'pending',
    started: nowIso(),
    log: [
      step('plan-validate', 'success', 'completed', 'Validated the plan'),
      step(
        kind === 'restart' ? 'rolling-restart' : 'apply-plan-changes',
        'pending',
        'in_progress',
        'Applying the plan',
      ),
    ],
    previous: { trust: clone(previousTrust), plan: clone(dep.plan) },
  };
  dep.pending = attempt;
  dep.pendingTimer = setTimeout(() => finishPlan(dep), state.planDurationMs);
  dep.pendingTimer.unref();
  return attempt;
}

function finishPlan(dep: Deployment): void {
  const attempt = dep.pending;
  if (!attempt) return;
  const failure = dep.failNextPlan;
  dep.failNextPlan = undefined;
  if (failure !== undefined) {
    endAttempt(dep, attempt, failure, 'ClusterFailure:PlanFailed');
    return;
  }
  attempt.status = 'success';
  attempt.ended = nowIso();
  closeRunningStep(attempt, 'success');
  attempt.log.push(step('plan-completed', 'success', 'completed', 'Plan change completed'));
  dep.plan = clone(attempt.plan);
  const version = (attempt.plan.elasticsearch as JsonObject | undefined)?.version;
  if (typeof version === 'string') dep.version = version;
  // The nodes restarted: they apply the trust settings and read the keystore from disk.
  dep.effectiveTrust = clone(dep.trust ?? dep.accountDefaultTrust);
  dep.nodeKeystore = clone(dep.keystore);
  dep.loadedKeystore = clone(dep.keystore);
  settle(dep, attempt);
}

/** Ends a pending attempt with `status: error` and restores the previous settings. */
export function endAttempt(dep: Deployment, attempt: PlanAttempt, message: string, failureType: string): void {
  if (dep.pendingTimer) clearTimeout(dep.pendingTimer);
  attempt.status = 'error';
  attempt.ended = nowIso();
  attempt.error = { message, timestamp: attempt.ended, failure_type: failureType, details: {} };
  closeRunningStep(attempt, 'error');
  attempt.log.push(step('plan-completed', 'error', 'completed', message));
  dep.trust = clone(attempt.previous.trust);
  dep.plan = clone(attempt.previous.plan);
  dep.resourceVersion += 1;
  dep.lastModified = nowIso();
  settle(dep, attempt);
}

function closeRunningStep(attempt: PlanAttempt, status: PlanStep['status']): void {
  const running = attempt.log.find((s) => s.stage !== 'completed');
  if (!running) return;
  running.stage = 'completed';
  running.status = status;
  running.completed = nowIso();
  running.duration_in_millis = Date.parse(running.completed) - Date.parse(running.started);
}

function settle(dep: Deployment, attempt: PlanAttempt): void {
  dep.pending = undefined;
  dep.pendingTimer = undefined;
  if (dep.current) dep.history.push(dep.current);
  dep.current = attempt;
}

export function stopPlans(dep: Deployment): void {
  if (dep.pendingTimer) clearTimeout(dep.pendingTimer);
}

/** The plan a deployment was created with: already completed. */
export function initialAttempt(dep: Deployment): void {
  const attempt: PlanAttempt = {
    id: 'attempt-0000000000',
    kind: 'update',
    plan: clone(dep.plan),
    status: 'success',
    started: dep.created,
    ended: dep.created,
    log: [
      step('plan-validate', 'success', 'completed', 'Validated the plan'),
      step('apply-plan-changes', 'success', 'completed', 'Created the cluster'),
      step('plan-completed', 'success', 'completed', 'Plan change completed'),
    ],
    previous: { trust: clone(dep.trust), plan: clone(dep.plan) },
  };
  dep.current = attempt;
}
