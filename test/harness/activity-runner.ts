/**
 * Executes one `scheduleActivity` command in-process the way the server and a worker would: each
 * attempt runs in a MockActivityEnvironment (so `Context.current()` gives the attempt number,
 * heartbeats and cancellation), and the command's own RetryPolicy and timeouts decide what happens
 * after a failure. Backoff and timeouts advance virtual time only; the harness never sleeps.
 */
import {
  ApplicationFailure,
  CancelledFailure,
  type RetryPolicy,
  decompileRetryPolicy,
  defaultFailureConverter,
  defaultPayloadConverter,
  encodeRetryState,
  encodeTimeoutType,
} from '@temporalio/common';
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import { isStepInputReference } from '../../domain/activities';
import {
  ActivityCancellationType,
  type ActivityResolution,
  type ProtoFailure,
  type ScheduleActivityCommand,
  durationMs,
} from './sdk-internals';

export type ActivityFunction = (...args: unknown[]) => Promise<unknown>;
export type ActivityImplementations = Record<string, ActivityFunction>;

type AttemptTimeout = 'START_TO_CLOSE' | 'HEARTBEAT';
type TimeoutKind = AttemptTimeout | 'SCHEDULE_TO_CLOSE';

/** Thrown by a scripted activity to simulate an attempt that hit a timeout (virtual time advances by it). */
export class SimulatedTimeout extends Error {
  constructor(readonly kind: AttemptTimeout) {
    super(`simulated ${kind} timeout`);
    this.name = 'SimulatedTimeout';
  }
}

export interface AttemptRecord {
  attempt: number;
  /** Virtual ms since the activity was scheduled, when the attempt started. */
  offsetMs: number;
  outcome: 'completed' | 'failed' | 'cancelled' | 'timed-out';
  failureType?: string;
  message?: string;
}

export interface ActivityOutcome {
  resolution: ActivityResolution;
  /** Virtual ms from scheduling to resolution (backoffs and simulated timeouts). */
  elapsedMs: number;
}

const silentLogger = new DefaultLogger('ERROR', () => undefined);

export interface ActivityRunOptions {
  command: ScheduleActivityCommand;
  implementation: ActivityFunction | undefined;
  workflowId: string;
  runId: string;
  workflowType: string;
  onAttempt: (record: AttemptRecord) => void;
  /** Answers the run's queries: a step input sent by reference is read with `stepInput`, as a worker does. */
  queryWorkflow: (name: string) => Promise<unknown>;
}

/** A running activity: `outcome` settles once it completes, fails for good, or is cancelled. */
export class ActivityRun {
  readonly outcome: Promise<ActivityOutcome>;
  settled: ActivityOutcome | undefined;
  private cancelRequested = false;
  private environment: MockActivityEnvironment | undefined;

  constructor(private readonly options: ActivityRunOptions) {
    this.outcome = this.execute().then((o) => (this.settled = o));
  }

  get type(): string {
    return this.options.command.activityType ?? '';
  }

  /** Handles `requestCancelActivity`: reports whether the workflow waits for the activity to end. */
  cancel(): 'wait' | 'immediately' {
    this.cancelRequested = true;
    this.environment?.cancel('CANCELLED');
    const type = this.options.command.cancellationType;
    return type === ActivityCancellationType.WAIT_CANCELLATION_COMPLETED || type == null ? 'wait' : 'immediately';
  }

  private async execute(): Promise<ActivityOutcome> {
    const { command } = this.options;
    const retry = decompileRetryPolicy(command.retryPolicy) ?? {};
    const scheduleToCloseMs = durationMs(command.scheduleToCloseTimeout);
    const startToCloseMs = durationMs(command.startToCloseTimeout) ?? scheduleToCloseMs;
    const heartbeatMs = durationMs(command.heartbeatTimeout);
    const args = await Promise.all(
      (command.arguments ?? []).map((p) => this.resolved(defaultPayloadConverter.fromPayload(p))),
    );
    let elapsedMs = 0;
    for (let attempt = 1; ; attempt++) {
      if (this.cancelRequested) return { resolution: this.cancelled(), elapsedMs };
      const result = await this.attempt(attempt, args, startToCloseMs, heartbeatMs);
      this.options.onAttempt({ attempt, offsetMs: elapsedMs, ...result.record });
      if (result.kind === 'completed') {
        return { resolution: { completed: { result: defaultPayloadConverter.toPayload(result.value) } }, elapsedMs };
      }
      if (result.kind === 'cancelled') return { resolution: this.cancelled(), elapsedMs };
      if (result.kind === 'timed-out')
        elapsedMs += result.timeout === 'HEARTBEAT' ? (heartbeatMs ?? 0) : (startToCloseMs ?? 0);
      const failure = result.failure;
      if (!isRetryable(failure, retry)) return { resolution: this.failed(failure, 'NON_RETRYABLE_FAILURE'), elapsedMs };
      if (retry.maximumAttempts && attempt >= retry.maximumAttempts) {
        return { resolution: this.failed(failure, 'MAXIMUM_ATTEMPTS_REACHED'), elapsedMs };
      }
      const backoffMs = nextBackoff(retry, attempt);
      if (scheduleToCloseMs !== undefined && elapsedMs + backoffMs >= scheduleToCloseMs) {
        const timeout = timeoutFailure('SCHEDULE_TO_CLOSE', failure);
        return { resolution: this.failed(timeout, 'TIMEOUT'), elapsedMs: scheduleToCloseMs };
      }
      // Backoff passes in virtual time only.
      elapsedMs += backoffMs;
    }
  }

  /** A step input by reference made whole from the run's `stepInput` query (activities/step-input.ts on a worker). */
  private async resolved(input: unknown): Promise<unknown> {
    if (isStepInputReference(input)) {
      const { stepInput: _reference, ...own } = input;
      return { ...((await this.options.queryWorkflow('stepInput')) as object), ...own };
    }
    if (typeof input === 'object' && input !== null && Array.isArray((input as { calls?: unknown }).calls)) {
      const d = input as { calls: Array<{ input: unknown }> };
      return {
        ...d,
        calls: await Promise.all(d.calls.map(async (c) => ({ ...c, input: await this.resolved(c.input) }))),
      };
    }
    return input;
  }

  private async attempt(
    attempt: number,
    args: unknown[],
    startToCloseMs: number | undefined,
    heartbeatMs: number | undefined,
  ): Promise<
    | { kind: 'completed'; value: unknown; record: Omit<AttemptRecord, 'attempt' | 'offsetMs'> }
    | { kind: 'cancelled'; record: Omit<AttemptRecord, 'attempt' | 'offsetMs'> }
    | {
        kind: 'failed' | 'timed-out';
        timeout?: AttemptTimeout;
        failure: ProtoFailure;
        record: Omit<AttemptRecord, 'attempt' | 'offsetMs'>;
      }
  > {
    const { command, implementation } = this.options;
    if (!implementation) {
      const failure = defaultFailureConverter.errorToFailure(
        ApplicationFailure.nonRetryable(
          `activity ${command.activityType} is not implemented in this test`,
          'NotImplemented',
        ),
        defaultPayloadConverter,
      );
      return { kind: 'failed', failure, record: { outcome: 'failed', failureType: 'NotImplemented' } };
    }
    const env = new MockActivityEnvironment(
      {
        attempt,
        activityId: command.activityId ?? String(command.seq),
        activityType: command.activityType ?? '',
        heartbeatTimeoutMs: heartbeatMs,
        startToCloseTimeoutMs: startToCloseMs ?? 0,
        scheduleToCloseTimeoutMs: durationMs(command.scheduleToCloseTimeout) ?? 0,
        workflowExecution: { workflowId: this.options.workflowId, runId: this.options.runId },
        workflowType: this.options.workflowType,
      },
      { logger: silentLogger },
    );
    this.environment = env;
    // Real-time guards: an activity that hangs or stops heartbeating times out as it would on a worker.
    const guards: NodeJS.Timeout[] = [];
    const timedOut = new Promise<AttemptTimeout>((resolve) => {
      if (startToCloseMs) guards.push(setTimeout(() => resolve('START_TO_CLOSE'), startToCloseMs).unref());
      if (heartbeatMs) {
        let timer = setTimeout(() => resolve('HEARTBEAT'), heartbeatMs).unref();
        env.on('heartbeat', () => {
          clearTimeout(timer);
          timer = setTimeout(() => resolve('HEARTBEAT'), heartbeatMs).unref();
          guards.push(timer);
        });
        guards.push(timer);
      }
    });
    try {
      const raced = await Promise.race([
        env.run(implementation, ...args).then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
        timedOut.then((kind) => ({ timeout: kind })),
      ]);
      if ('timeout' in raced) {
        env.cancel('TIMED_OUT');
        return timedOutResult(raced.timeout);
      }
      if (raced.ok) return { kind: 'completed', value: raced.value, record: { outcome: 'completed' } };
      const { error } = raced;
      if (error instanceof SimulatedTimeout) return timedOutResult(error.kind);
      if (this.cancelRequested && error instanceof CancelledFailure) {
        return { kind: 'cancelled', record: { outcome: 'cancelled' } };
      }
      const failure = defaultFailureConverter.errorToFailure(error, defaultPayloadConverter);
      const failureType = failure.applicationFailureInfo?.type ?? undefined;
      return {
        kind: 'failed',
        failure,
        record: { outcome: 'failed', ...(failureType ? { failureType } : {}), message: failure.message ?? '' },
      };
    } finally {
      guards.forEach(clearTimeout);
      this.environment = undefined;
    }
  }

  private wrap(cause: ProtoFailure, retryState: Parameters<typeof encodeRetryState>[0]): ProtoFailure {
    const { command } = this.options;
    return {
      message: 'Activity task failed',
      activityFailureInfo: {
        activityType: { name: command.activityType ?? '' },
        activityId: command.activityId ?? '',
        identity: 'workflow-harness',
        retryState: encodeRetryState(retryState),
      },
      cause,
    };
  }

  private failed(cause: ProtoFailure, retryState: Parameters<typeof encodeRetryState>[0]): ActivityResolution {
    return { failed: { failure: this.wrap(cause, retryState) } };
  }

  /** What the workflow receives for a cancelled activity. */
  cancelled(): ActivityResolution {
    const cause = { message: 'Activity cancelled', canceledFailureInfo: {} };
    return { cancelled: { failure: this.wrap(cause, 'CANCEL_REQUESTED') } };
  }
}

function timedOutResult(kind: AttemptTimeout) {
  return {
    kind: 'timed-out' as const,
    timeout: kind,
    failure: timeoutFailure(kind),
    record: { outcome: 'timed-out' as const, failureType: kind },
  };
}

function timeoutFailure(kind: TimeoutKind, cause?: ProtoFailure): ProtoFailure {
  return {
    message: `activity ${kind} timeout`,
    timeoutFailureInfo: { timeoutType: encodeTimeoutType(kind) },
    ...(cause ? { cause } : {}),
  };
}

/** Temporal's rule: timeouts retry; application failures retry unless non-retryable by flag or type. */
function isRetryable(failure: ProtoFailure, retry: RetryPolicy): boolean {
  if (failure.timeoutFailureInfo) return true;
  const info = failure.applicationFailureInfo;
  if (!info) return true;
  if (info.nonRetryable) return false;
  return !(retry.nonRetryableErrorTypes ?? []).includes(info.type ?? '');
}

/** Server defaults: 1 s initial, x2, capped at 100 x initial. */
function nextBackoff(retry: RetryPolicy, attempt: number): number {
  const initial = msOf(retry.initialInterval) ?? 1_000;
  const coefficient = retry.backoffCoefficient ?? 2;
  const maximum = msOf(retry.maximumInterval) ?? 100 * initial;
  return Math.min(initial * coefficient ** (attempt - 1), maximum);
}

function msOf(value: RetryPolicy['initialInterval']): number | undefined {
  return typeof value === 'number' ? value : value === undefined ? undefined : Number(value);
}
