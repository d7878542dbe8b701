/**
 * The connection workflow: the connect plan of the request's security model (domain/plans.ts),
 * run by the plan runner: preflight, then the model's steps, parallel where independent; on any
 * failure, rejection, approval deadline or cancellation it undoes what it registered, newest first,
 * and fails with the original reason.
 */
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import {
  ConnectionRequest,
  type ConnectionResult,
  FailureType,
  type Plan,
  type SecurityModel,
  type VerificationReport,
  connectPlan,
  connectionId,
  fieldErrors,
  stepsOf,
} from '../domain';
import { ApprovalGates } from './approvals';
import { PlanRunner } from './engine/plan-runner';
import { progressQuery } from './messages';
import { requireConnectionWorkflowId } from './one-run';
import { Notifier } from './notifier';
import { ConnectionProgress } from './progress';

export function connectRemoteCluster(input: ConnectionRequest): Promise<ConnectionResult> {
  return runConnection(input, connectPlan);
}

/** A connection run of the plan for the request's model (tests run other plans: test/replay/variants). */
export async function runConnection(
  input: ConnectionRequest,
  planFor: (model: SecurityModel) => Plan,
): Promise<ConnectionResult> {
  const request = parseRequest(input);
  const id = connectionId(request);
  requireConnectionWorkflowId(id);
  const plan = planFor(request.securityModel);
  const progress = new ConnectionProgress(id, request, stepsOf(plan));
  setHandler(progressQuery, () => progress.snapshot());
  const notifier = new Notifier(request);
  const gates = new ApprovalGates(request, progress, notifier);
  gates.install();
  const runner = new PlanRunner({
    connectionId: id,
    request,
    view: progress,
    gates,
    notifier,
    extra: undefined,
    operation: 'connect',
  });
  await runner.run(plan);
  await runner.finish('connected');
  notifier.send({ kind: 'connected' }, 'connected');
  await notifier.settled();
  return progress.result(runner.records('verify')[0] as VerificationReport);
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
