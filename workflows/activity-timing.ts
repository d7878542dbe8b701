/**
 * Activity options per timing of the step catalog: timeouts that fit what each activity waits for,
 * and retry policies that retry only `Transient` failures (every other crosslink failure type is
 * listed as non-retryable), bounded by `scheduleToCloseTimeout` so a step that keeps failing
 * transiently still ends. Every activity heartbeats (the worker's interceptor beats every 3 s:
 * activities/heartbeat.ts) under a heartbeat timeout far shorter than its start-to-close timeout,
 * so a worker that dies costs its runs HEARTBEAT_TIMEOUT plus one retry interval, not minutes.
 * docs/operations.md has the table of every activity's options (generated from here).
 */
import { type ActivityOptions } from '@temporalio/workflow';
import { type ActivityTiming, type ConnectionRequest, NON_RETRYABLE_FAILURE_TYPES, durationToMs } from '../domain';

const nonRetryableErrorTypes = [...NON_RETRYABLE_FAILURE_TYPES];

/** Missing beats for this long: the worker is gone, the activity is retried on another (5 beats). */
export const HEARTBEAT_TIMEOUT = '15s';

/** One ECE or Elasticsearch read or a single idempotent write: answers in seconds. */
const QUICK: ActivityOptions = {
  startToCloseTimeout: '1m',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  scheduleToCloseTimeout: '10m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes },
};

/**
 * A write followed by an ECE plan: plans take minutes, so the activity heartbeats while it waits.
 * A lost worker costs its attempt the heartbeat timeout plus the first retry interval (2 s): the
 * retry reads the deployment again and finds its own write, or the plan still running.
 */
const PLAN_WAIT: ActivityOptions = {
  startToCloseTimeout: '45m',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  scheduleToCloseTimeout: '2h',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '2m', nonRetryableErrorTypes },
};

/** Undos get a longer retry budget than steps: leaving a half-done connection behind is the worst outcome. */
const UNDO_QUICK: ActivityOptions = {
  ...QUICK,
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes },
};
const UNDO_PLAN_WAIT: ActivityOptions = { ...PLAN_WAIT, scheduleToCloseTimeout: '4h' };

/** Reads every deployment it needs (discovery), heartbeating per deployment read. */
const DISCOVERY: ActivityOptions = {
  startToCloseTimeout: '15m',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '2s', maximumInterval: '1m', nonRetryableErrorTypes },
};

/** `verify` polls `_remote/info` up to the request's verifyTimeout (default 5m), then probes. */
function verifyOptions(request: ConnectionRequest | undefined): ActivityOptions {
  const pollMs = durationToMs(request?.verifyTimeout ?? '5m');
  return {
    startToCloseTimeout: pollMs + 2 * 60_000,
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    scheduleToCloseTimeout: 3 * (pollMs + 2 * 60_000),
    retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes },
  };
}

/** The options of an activity of `timing`; `undo` when it undoes a step. */
export function activityOptions(
  timing: ActivityTiming,
  undo: boolean,
  request: ConnectionRequest | undefined,
): ActivityOptions {
  switch (timing) {
    case 'discovery':
      return DISCOVERY;
    case 'quick':
      return undo ? UNDO_QUICK : QUICK;
    case 'plan-wait':
      return undo ? UNDO_PLAN_WAIT : PLAN_WAIT;
    case 'verify':
      return verifyOptions(request);
  }
}

/**
 * `sendNotification`: bounded retries with backoff (about 20 minutes in all), only Transient
 * failures retried. A notification that cannot be delivered must not fail the connection: the
 * caller catches the final failure (workflows/notifier.ts).
 */
export const NOTIFICATION_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30s',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: {
    initialInterval: '5s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    maximumAttempts: 8,
    nonRetryableErrorTypes,
  },
};
