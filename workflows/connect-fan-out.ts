/**
 * One local deployment, many remotes (README "Many connections on one deployment"): the proxy-CA
 * trust entries every pair needs go onto the local deployment in ONE deployment change (one plan),
 * then each pair runs as a child `connectRemoteCluster` under its own connection id, unchanged: it
 * finds its CA trusted (no plan of its own) and keeps its own approvals, status and rollback. A
 * failing pair rolls back only its own objects; the batch entries are removed only when no pair
 * (nor anything else on the local cluster) needs them.
 */
import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  ParentClosePolicy,
  executeChild,
  isCancellation,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  CONNECTION_WORKFLOW,
  type ConnectionResult,
  type FanOutActivities,
  type FanOutPairStatus,
  FanOutRequest,
  type FanOutResult,
  FailureType,
  NON_RETRYABLE_FAILURE_TYPES,
  type UndoReport,
  connectionId,
  fanOutId,
  fieldErrors,
  pairRequests,
} from '../domain';
import { CANCELLED, describeFailure } from './failures';
import { fanOutStatusQuery } from './messages';

const nonRetryableErrorTypes = [...NON_RETRYABLE_FAILURE_TYPES];
/** A write followed by an ECE plan (as the connection's plan-wait steps): it heartbeats while it waits. */
const { ensureProxyCaTrustForMany } = proxyActivities<FanOutActivities>({
  startToCloseTimeout: '45m',
  heartbeatTimeout: '1m',
  scheduleToCloseTimeout: '2h',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2m', nonRetryableErrorTypes },
});
/** Its undo gets the longer budget undos get: leaving a half-done change behind is the worst outcome. */
const { removeProxyCaTrustForMany } = proxyActivities<FanOutActivities>({
  startToCloseTimeout: '45m',
  heartbeatTimeout: '1m',
  scheduleToCloseTimeout: '4h',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2m', nonRetryableErrorTypes },
});

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

  const batch = await ensureProxyCaTrustForMany({
    batchId: id,
    local: request.local,
    remotes: pairs.map((p) => ({ environment: p.remote.environment, deploymentId: p.remote.deploymentId })),
  });
  let cancellation: unknown;
  await Promise.all(
    pairs.map(async (pair, i) => {
      const s = status[i]!;
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
        if (isCancellation(err)) cancellation ??= err;
        const reason = describeFailure(err instanceof ChildWorkflowFailure ? (err.cause ?? err) : err);
        s.state = reason.type === FailureType.CompensationFailed ? 'failed' : 'rolled-back';
        s.reason = isCancellation(err) ? { type: CANCELLED, message: 'the pair was cancelled' } : reason;
      }
    }),
  );

  // Some pair did not connect: its entry goes when nothing needs it (the undo decides from what is there now).
  let undo: UndoReport | undefined;
  if (batch.created.length > 0 && status.some((s) => s.state !== 'connected')) {
    undo = await CancellationScope.nonCancellable(() => removeProxyCaTrustForMany({ batch }));
  }
  const result: FanOutResult = {
    fanOutId: id,
    pairs: status,
    proxyCa: { created: batch.created.map((e) => e.name), planned: batch.planned, ...(undo ? { undo } : {}) },
  };
  // Cancelled: the run ends cancelled (the pairs' own runs say how each rolled back; the query still answers).
  if (cancellation !== undefined) throw cancellation;
  return result;
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
