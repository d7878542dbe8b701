/**
 * The `progress` query of the lifecycle operations, answered from their first activation: until
 * the connection is inspected (its remote side and model read from the systems) it reports the
 * connection id's parts and a running preflight, then the operation's ConnectionProgress.
 */
import { setHandler } from '@temporalio/workflow';
import { type InspectedConnection, type Progress, parseConnectionId } from '../domain';
import { ApprovalGates } from './approvals';
import { progressQuery } from './messages';
import { ConnectionProgress } from './progress';
import { Saga } from './saga';
import { StepRunner } from './step-runner';

export class LifecycleProgress {
  private progress: ConnectionProgress | undefined;
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly connectionId: string,
    private readonly requestedBy: string,
  ) {
    setHandler(progressQuery, () => this.progress?.snapshot() ?? this.provisional());
  }

  /** From now on the query answers with the operation's progress. */
  attach(progress: ConnectionProgress): void {
    this.progress = progress;
  }

  private provisional(): Progress {
    const { environment, deploymentId, alias } = parseConnectionId(this.connectionId);
    return {
      connectionId: this.connectionId,
      state: 'running',
      currentStep: 'preflight',
      // Unknown until inspected; every operation that runs before inspection reads it from there.
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

/**
 * The machinery of a lifecycle operation once its connection is inspected: the operation's progress
 * (answered by the query from now on), the gates under the worker's approval policy, the saga and
 * the step runner; the inspection is shown as the preflight step.
 */
export function lifecycleRun(connectionId: string, inspected: InspectedConnection, live: LifecycleProgress) {
  const { request, preflight } = inspected;
  const progress = new ConnectionProgress(connectionId, request);
  live.attach(progress);
  const gates = new ApprovalGates(request, progress);
  gates.install();
  gates.adopt(preflight.approvals);
  const saga = new Saga(progress);
  const steps = new StepRunner(progress, gates, saga, request);
  progress.stepStarted('preflight');
  progress.stepSucceeded('preflight', [inspected], `found ${inspected.detail}`);
  return { progress, gates, saga, steps };
}
