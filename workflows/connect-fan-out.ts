/**
 * One local deployment, many remotes (README "Many connections on one deployment"): the FAN_OUT
 * plan (domain/plans.ts). The proxy-CA trust entries every pair needs go onto the local deployment
 * in ONE deployment change (one plan), then each pair runs as a child `connectRemoteCluster` under
 * its own connection id, unchanged: it finds its CA trusted (no plan of its own) and keeps its own
 * approvals, status and rollback. When a pair did not connect, the batch's undo removes the
 * entries no pair (nor anything else on the local cluster) needs, decided from what is there then.
 */
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  executeChild,
  isCancellation,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  CONNECTION_WORKFLOW,
  type ConnectionRequest,
  type ConnectionResult,
  FAN_OUT,
  type FanOutPairStatus,
  FanOutRequest,
  type FanOutResult,
  FailureType,
  type ProxyCaBatch,
  connectionId,
  fanOutId,
  fieldErrors,
  pairRequests,
} from '../domain';
import { PlanRunner, CHILDREN_INCOMPLETE } from './engine/plan-runner';
import { CANCELLED, describeFailure } from './failures';
import { fanOutStatusQuery } from './messages';
import { NO_PROGRESS } from './progress';

export async function connectFanOut(input: FanOutRequest): Promise<FanOutResult> {
  const request = parseRequest(input);
  const id = fanOutId(request);
  if (workflowInfo().workflowId !== id) {
    throw ApplicationFailure.create({
      type: FailureType.OwnershipConflict,
      message: `a fan-out runs only under the workflow id "${id}", not "${workflowInfo().workflowId}"`,
      nonRetryable: true,
    });
  }
  const pairs = pairRequests(request);
  const status: FanOutPairStatus[] = pairs.map((p) => ({
    alias: p.alias,
    remote: { environment: p.remote.environment, deploymentId: p.remote.deploymentId },
    connectionId: connectionId(p),
    state: 'pending',
  }));
  setHandler(fanOutStatusQuery, () => status);

  let cancellation: unknown;
  const runner = new PlanRunner({
    connectionId: id,
    // The rows' model and timeouts: every pair shares them.
    request: pairs[0]!,
    view: NO_PROGRESS,
    extra: {
      batchId: id,
      local: request.local,
      remotes: pairs.map((p) => ({ environment: p.remote.environment, deploymentId: p.remote.deploymentId })),
    },
    children: async () => {
      await Promise.all(pairs.map((pair, i) => runPair(pair, status[i]!).catch((err) => (cancellation ??= err))));
      return status.every((s) => s.state === 'connected');
    },
  });
  try {
    await runner.run(FAN_OUT);
  } catch (err) {
    // A pair that did not connect is its own run's outcome; anything else fails the fan-out.
    if (!(err instanceof ApplicationFailure && err.type === CHILDREN_INCOMPLETE)) throw err;
  }
  const batch = runner.records('proxy-ca-batch')[0] as ProxyCaBatch | undefined;
  // The undo ran when a pair did not connect and the batch may have added entries (it kept the rest).
  const undo = runner.undone.details.length > 0 && batch?.created.length !== 0 ? runner.undone : undefined;
  const result: FanOutResult = {
    fanOutId: id,
    pairs: status,
    proxyCa: {
      created: batch?.created.map((e) => e.name) ?? [],
      planned: batch?.planned ?? false,
      ...(undo
        ? {
            undo: {
              attempt: 1,
              removed: undo.removed,
              ...(undo.kept.length ? { kept: undo.kept } : {}),
              detail: undo.details.join('; '),
            },
          }
        : {}),
    },
  };
  // Cancelled: the run ends cancelled (the pairs' own runs say how each rolled back; the query still answers).
  if (cancellation !== undefined) throw cancellation;
  return result;
}

/** One pair as its own connection run; its status follows it. Resolves; rejects only with a cancellation. */
async function runPair(pair: ConnectionRequest, s: FanOutPairStatus): Promise<void> {
  s.state = 'running';
  try {
    const result = await executeChild(CONNECTION_WORKFLOW, {
      workflowId: s.connectionId,
      args: [pair],
      // The fan-out is a coordinator: terminating it leaves each pair to end (connect or roll
      // back) on its own; cancelling it cancels the pairs (this scope), which roll back.
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    s.state = (result as ConnectionResult).state;
  } catch (err) {
    const reason = describeFailure(err instanceof ChildWorkflowFailure ? (err.cause ?? err) : err);
    s.state = reason.type === FailureType.CompensationFailed ? 'failed' : 'rolled-back';
    s.reason = isCancellation(err) ? { type: CANCELLED, message: 'the pair was cancelled' } : reason;
    if (isCancellation(err)) throw err;
  }
}

function parseRequest(input: unknown): FanOutRequest {
  const parsed = FanOutRequest.safeParse(input);
  if (parsed.success) return parsed.data;
  const errors = fieldErrors(parsed.error);
  throw ApplicationFailure.create({
    type: FailureType.BadRequest,
    message: `invalid fan-out request: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
    nonRetryable: true,
    details: [errors],
  });
}
