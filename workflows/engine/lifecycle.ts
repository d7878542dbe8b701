/**
 * The setup of an operation on a connection that exists (update-access, rotate, disconnect): the
 * progress query answers from the first activation; the connection is inspected (rebuilt from its
 * marks, its decisions made from what is there now); the plan's refusal, if any, ends the run
 * before anything changes; then the operation's progress, gates and runner.
 */
import { ApplicationFailure, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import {
  FailureType,
  type InspectConnectionInput,
  type InspectedConnection,
  OPERATION_KEY,
  type OperationFacts,
  type Plan,
  type Progress,
  type SecurityModel,
  STEP_CATALOG,
  decidePlan,
  parseConnectionId,
  stepsOf,
} from '../../domain';
import { ApprovalGates } from '../approvals';
import { progressQuery } from '../messages';
import { ConnectionProgress } from '../progress';
import { PlanRunner, scheduleActivity } from './plan-runner';

/** What the operation asks of the inspection, and what its decisions read of the request. */
export interface LifecycleAsk {
  connectionId: string;
  requestedBy: string;
  deadline: string;
  change?: InspectConnectionInput['change'];
}

/** The `progress` query until the connection is inspected: the connection id's parts and a running preflight. */
class ProvisionalProgress {
  private progress: ConnectionProgress | undefined;
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly connectionId: string,
    private readonly requestedBy: string,
  ) {
    setHandler(progressQuery, () => this.progress?.snapshot() ?? this.provisional());
  }

  attach(progress: ConnectionProgress): void {
    this.progress = progress;
  }

  private provisional(): Progress {
    const { environment, deploymentId, alias } = parseConnectionId(this.connectionId);
    return {
      connectionId: this.connectionId,
      state: 'running',
      currentStep: 'preflight',
      // Unknown until inspected.
      model: 'api_key',
      alias,
      local: { environment, deploymentId },
      remote: { environment: '', deploymentId: '' },
      requestedBy: this.requestedBy,
      startedAt: this.startedAt,
      steps: [{ id: 'preflight', status: 'running', attempts: 0, detail: 'inspecting the connection' }],
      audit: [],
      created: [],
      compensationFailures: [],
    };
  }
}

export interface LifecycleRun<Extra> {
  plan: Plan<Extra>;
  runner: PlanRunner<Extra>;
  progress: ConnectionProgress;
  inspected: InspectedConnection;
}

/**
 * Inspects the connection and sets up the run of its plan (`planFor` the connection's model, which
 * only the inspection knows; an operation's gates are the same for every model); refuses
 * (PreflightRefused) what the plan cannot do.
 */
export async function inspectForPlan<Extra>(
  planFor: Plan<Extra> | ((model: SecurityModel) => Plan<Extra>),
  ask: LifecycleAsk,
  extra: Extra,
  options: { reclaim?: boolean } = {},
): Promise<LifecycleRun<Extra>> {
  const planOf = typeof planFor === 'function' ? planFor : () => planFor;
  const asked = planOf('api_key');
  upsertSearchAttributes([{ key: OPERATION_KEY, value: asked.operation }]);
  const live = new ProvisionalProgress(ask.connectionId, ask.requestedBy);
  const inspect = STEP_CATALOG.inspect.activity;
  const inspected = (await scheduleActivity(inspect, {
    connectionId: ask.connectionId,
    requestedBy: ask.requestedBy,
    gates: [...asked.gates],
    deadline: ask.deadline,
    operation: asked.operation,
    ...(ask.change ? { change: ask.change } : {}),
  })) as InspectedConnection;
  const { request, preflight } = inspected;
  const plan = planOf(request.securityModel);
  const facts: OperationFacts = {
    request,
    ...(preflight.existingKey ? { existingKey: preflight.existingKey } : {}),
    changesRoles: (ask.change?.roles?.length ?? 0) > 0,
  };
  const refusal = plan.refuse?.(facts, ask.connectionId);
  if (refusal !== undefined) {
    throw ApplicationFailure.create({ type: FailureType.PreflightRefused, message: refusal, nonRetryable: true });
  }
  const progress = new ConnectionProgress(ask.connectionId, request, stepsOf(plan as Plan<never>));
  live.attach(progress);
  const gates = new ApprovalGates(request, progress);
  gates.install();
  gates.adopt(preflight.approvals);
  progress.stepStarted('preflight');
  progress.stepSucceeded('preflight', [inspected], `found ${inspected.detail}`);
  const runner = new PlanRunner<Extra>({
    connectionId: ask.connectionId,
    request,
    view: progress,
    gates,
    stepInput: {
      connectionId: ask.connectionId,
      request,
      preflight: PlanRunner.stepFacts(preflight),
      ...(options.reclaim ? { reclaim: true } : {}),
    },
    // Runs inspected before the inspection decided (0.2.0) decide here, from the same facts.
    decisions: inspected.decisions ?? decidePlan(plan as Plan<never>, facts),
    extra,
    operation: plan.operation,
  });
  return { plan, runner, progress, inspected };
}
