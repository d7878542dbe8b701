/**
 * Activity options per activity: timeouts that fit what each one waits for, and retry policies that
 * retry only `Transient` failures (every other crosslink failure type is listed as non-retryable),
 * bounded by `scheduleToCloseTimeout` so a step that keeps failing transiently still ends.
 */
import { type ActivityOptions, proxyActivities } from '@temporalio/workflow';
import {
  type ActivityName,
  type ConnectionRequest,
  type CrosslinkActivities,
  NON_RETRYABLE_FAILURE_TYPES,
  durationToMs,
} from '../domain';

const nonRetryableErrorTypes = [...NON_RETRYABLE_FAILURE_TYPES];

/** One ECE or Elasticsearch read or a single idempotent write: answers in seconds. */
const QUICK: ActivityOptions = {
  startToCloseTimeout: '1m',
  scheduleToCloseTimeout: '10m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes },
};

/** A write followed by an ECE plan: plans take minutes, so the activity heartbeats while it waits. */
const PLAN_WAIT: ActivityOptions = {
  startToCloseTimeout: '45m',
  heartbeatTimeout: '1m',
  scheduleToCloseTimeout: '2h',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2m', nonRetryableErrorTypes },
};

/** Undos get a longer retry budget than steps: leaving a half-done connection behind is the worst outcome. */
const UNDO_QUICK: ActivityOptions = {
  ...QUICK,
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes },
};
const UNDO_PLAN_WAIT: ActivityOptions = { ...PLAN_WAIT, scheduleToCloseTimeout: '4h' };

/** `verify` polls `_remote/info` up to the request's verifyTimeout, then probes. */
function verifyOptions(request: ConnectionRequest): ActivityOptions {
  const pollMs = durationToMs(request.verifyTimeout);
  return {
    startToCloseTimeout: pollMs + 2 * 60_000,
    // It heartbeats on every `_remote/info` poll.
    heartbeatTimeout: '1m',
    scheduleToCloseTimeout: 3 * (pollMs + 2 * 60_000),
    retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes },
  };
}

const OPTIONS: Record<Exclude<ActivityName, 'verifyRemoteConnection'>, ActivityOptions> = {
  preflight: QUICK,
  ensurePlatformTrust: QUICK,
  removePlatformTrust: UNDO_QUICK,
  ensureDeploymentTrust: PLAN_WAIT,
  removeDeploymentTrust: UNDO_PLAN_WAIT,
  createCrossClusterApiKey: QUICK,
  invalidateCrossClusterApiKey: UNDO_QUICK,
  ensureProxyCaTrust: PLAN_WAIT,
  removeProxyCaTrust: UNDO_PLAN_WAIT,
  writeKeystoreCredentials: QUICK,
  removeKeystoreCredentials: UNDO_QUICK,
  registerRemoteCluster: QUICK,
  unregisterRemoteCluster: UNDO_QUICK,
  reloadSecureSettings: QUICK,
  restartElasticsearch: PLAN_WAIT,
  createRoles: QUICK,
  deleteRoles: UNDO_QUICK,
  verifyApprovalDecision: QUICK,
};

export function activityOptions(name: ActivityName, request: ConnectionRequest): ActivityOptions {
  return name === 'verifyRemoteConnection' ? verifyOptions(request) : OPTIONS[name];
}

/**
 * The activity `name` with its options and a one-line `summary` that the Web UI shows next to the
 * scheduled activity (e.g. "ensurePlatformTrust: ece-a trusts ece-b").
 */
export function activity<N extends ActivityName>(
  name: N,
  request: ConnectionRequest,
  summary: string,
): CrosslinkActivities[N] {
  return proxyActivities<CrosslinkActivities>({ ...activityOptions(name, request), summary: `${name}: ${summary}` })[
    name
  ];
}
