/**
 * The connection workflow: preflight, then the steps of the request's security model (order in
 * README.md, "The step catalog"), parallel where independent; on any failure, rejection, approval deadline or
 * cancellation it undoes what it registered, newest first, and fails with the original reason.
 */
import { ApplicationFailureCategory } from '@temporalio/common';
import { ApplicationFailure, isCancellation, setHandler } from '@temporalio/workflow';
import {
  ConnectionRequest,
  type ConnectionResult,
  FailureType,
  STEP_CATALOG as STEPS,
  type StepInput,
  preflightFacts,
  connectionId,
  fieldErrors,
} from '../domain';
import { apiKeyModel } from './api-key-model';
import { ApprovalGates } from './approvals';
import { certificateModel } from './certificate-model';
import { describeFailure } from './failures';
import { progressQuery } from './messages';
import { requireConnectionWorkflowId } from './one-run';
import { Notifier } from './notifier';
import { ConnectionProgress } from './progress';
import { Saga } from './saga';
import { StepRunner } from './step-runner';

export async function connectRemoteCluster(input: ConnectionRequest): Promise<ConnectionResult> {
  const request = parseRequest(input);
  const id = connectionId(request);
  requireConnectionWorkflowId(id);
  const progress = new ConnectionProgress(id, request);
  setHandler(progressQuery, () => progress.snapshot());
  const notifier = new Notifier(request);
  const gates = new ApprovalGates(request, progress, notifier);
  gates.install();
  const steps = new StepRunner(progress, gates, new Saga(progress), request);

  try {
    // Any step may be gated, even the read-only preflight.
    const preflight = (await steps.step(STEPS.preflight, () => ({ connectionId: id, request }), {
      detail: (p) =>
        `local ${p.local.version}, remote ${p.remote.version}${p.restartExpected ? '; restart expected' : ''}`,
    }))!;
    progress.applyDecisions(preflight.steps);
    gates.adopt(preflight.approvals);
    notifier.adopt(preflight.notify);
    const stepInput: StepInput = { connectionId: id, request, preflight: preflightFacts(preflight) };
    const verification =
      request.securityModel === 'certificate'
        ? await certificateModel(steps, stepInput)
        : await apiKeyModel(steps, stepInput);
    progress.finished('connected');
    notifier.send({ kind: 'connected' }, 'connected');
    await notifier.settled();
    return progress.result(verification);
  } catch (err) {
    return await rollBack(steps, err, notifier);
  }
}

/** The workflow re-validates its input: a bad one fails the run (BadRequest), not the workflow task. */
function parseRequest(input: unknown): ConnectionRequest {
  const parsed = ConnectionRequest.safeParse(input);
  if (parsed.success) return parsed.data;
  const errors = fieldErrors(parsed.error);
  throw ApplicationFailure.create({
    type: FailureType.BadRequest,
    message: `invalid connection request: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
    nonRetryable: true,
    details: [errors],
  });
}

/**
 * Undo what was registered, then fail with the original reason (or CompensationFailed). A complete
 * rollback is a designed outcome (rejection, deadline, refusal, cancellation): its failure says so,
 * is BENIGN, and carries no workflow stack trace. The run still ends failed, so that "failed" in
 * Temporal keeps meaning "not connected" for every client and the reason's type stays the failure type.
 */
export async function rollBack(steps: StepRunner, err: unknown, notifier?: Notifier): Promise<never> {
  const { progress, saga } = steps;
  const reason = describeFailure(err);
  const step = progress.firstFailedStep ?? progress.currentStep;
  progress.compensating({ ...reason, ...(step ? { step } : {}) });
  const failures = await saga.compensate();
  progress.finished(failures.length > 0 ? 'failed' : 'rolled-back');
  const where = step ? { step } : {};
  if (failures.length > 0) {
    const failedSteps = failures.map((f) => f.step);
    notifier?.send(
      {
        kind: 'failed',
        failureType: reason.type,
        message: reason.message.slice(0, 2000),
        ...where,
        leftBehind: progress.created
          .filter((r) => failedSteps.includes(r.step))
          .map((r) => `${r.kind}: ${r.id}`)
          .slice(0, 50),
      },
      `failed: ${failures.length} undo(s) failed`,
    );
    await notifier?.settled();
    throw ApplicationFailure.create({
      type: FailureType.CompensationFailed,
      message: `rolled back after ${reason.type} (${reason.message}), but ${failures.length} undo(s) failed: ${failures
        .map((f) => `${f.activity}: ${f.message}`)
        .join('; ')}`,
      nonRetryable: true,
      details: [progress.snapshot()],
    });
  }
  notifier?.send(
    { kind: 'rolled-back', failureType: reason.type, message: reason.message.slice(0, 2000), ...where },
    `rolled back after ${reason.type}`,
  );
  await notifier?.settled();
  if (isCancellation(err)) throw err;
  const rolledBack = ApplicationFailure.create({
    type: reason.type,
    message: `rolled back as designed: ${reason.message}`,
    nonRetryable: true,
    details: [progress.snapshot()],
    category: ApplicationFailureCategory.BENIGN,
  });
  // No workflow-code stack trace in the Web UI: the message is the whole story.
  rolledBack.stack = `${reason.type}: ${rolledBack.message}`;
  throw rolledBack;
}
