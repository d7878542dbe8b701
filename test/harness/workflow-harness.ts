/**
 * A server-less Temporal harness for the real workflow bundle (docs/sources.md §T2): it plays the
 * part of Core and the server. It activates the workflow, executes every `scheduleActivity`
 * in-process (ActivityRun: retries, timeouts, cancellation), fires timers in virtual time, delivers
 * updates (validators included), signals, queries and cancellation, and records a timeline.
 *
 * Virtual time: activities take no virtual time except their retry backoff; timers fire when
 * nothing else is left to do, in deadline order. The harness waits (in real time) for running
 * activities before it moves virtual time on.
 */
import {
  ApplicationFailure,
  CancelledFailure,
  defaultFailureConverter,
  defaultPayloadConverter,
} from '@temporalio/common';
import { CONNECTION_WORKFLOW } from '../../domain/temporal-contract';
import { connectionId } from '../../domain/connection-request';
import { type ActivityImplementations, ActivityRun } from './activity-runner';
import {
  type Activation,
  type ActivationJob,
  type ActivityResolution,
  type Command,
  type ProtoFailure,
  WorkflowSandbox,
  type SandboxWorkflow,
  durationMs,
  msToTs,
  randomnessSeed,
} from './sdk-internals';
import { type EntryOf, type TimelineEntry, type TimelineKind } from './timeline';

export type { TimelineEntry } from './timeline';
export { SimulatedTimeout, type ActivityImplementations } from './activity-runner';

export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'continued-as-new';

export interface StartOptions {
  /** Activity implementations by activity type; real ones or scripted. */
  activities: ActivityImplementations;
  workflowId?: string;
  /** Virtual start time (default 2026-01-01T00:00:00Z). */
  startTime?: number;
  taskQueue?: string;
  /**
   * Workflows a `signalExternalWorkflowExecution` reaches: the signal is delivered to the run
   * (when a HarnessRun) or resolved as sent (true); any other id fails as the server says when the
   * target does not exist.
   */
  externalWorkflows?: Record<string, HarnessRun | true>;
}

/** One bundle for a test file: `create` bundles (about 2-3 s), `start` runs a fresh workflow. */
export class WorkflowHarness {
  private runs = 0;
  private readonly started: HarnessRun[] = [];

  private constructor(private readonly sandbox: WorkflowSandbox) {}

  /** `workflowsPath` to bundle now, or `{ code }` bundled before (see bundleWorkflows in sdk-internals). */
  static async create(workflows: string | { code: string }): Promise<WorkflowHarness> {
    return new WorkflowHarness(await WorkflowSandbox.create(workflows));
  }

  async start(workflowType: string, args: unknown[], options: StartOptions): Promise<HarnessRun> {
    this.runs += 1;
    const runId = `harness-run-${this.runs}`;
    const startTime = options.startTime ?? Date.parse('2026-01-01T00:00:00Z');
    const workflowId = options.workflowId ?? defaultWorkflowId(workflowType, args) ?? `harness-${this.runs}`;
    const workflow = await this.sandbox.start({
      workflowType,
      workflowId,
      runId,
      taskQueue: options.taskQueue ?? 'crosslink',
      startTime,
    });
    const run = new HarnessRun(workflow, {
      workflowType,
      workflowId,
      runId,
      startTime,
      activities: options.activities,
      externalWorkflows: options.externalWorkflows ?? {},
      startChild: (child) => this.startChild(child, options),
    });
    this.started.push(run);
    await run.activate([
      {
        initializeWorkflow: {
          workflowId,
          workflowType,
          arguments: args.map((a) => defaultPayloadConverter.toPayload(a)),
          randomnessSeed: randomnessSeed(1337),
          firstExecutionRunId: runId,
          attempt: 1,
          startTime: msToTs(startTime),
          workflowTaskTimeout: msToTs(10_000),
        },
      },
    ]);
    return run;
  }

  /** The runs still running (a parent's children among them). */
  runsWaiting(): HarnessRun[] {
    return this.started.filter((r) => r.status === 'running');
  }

  /** The latest run of a workflow id (a child the workflow started, to approve its gates). */
  runOf(workflowId: string): HarnessRun | undefined {
    return [...this.started].reverse().find((r) => r.workflowId === workflowId);
  }

  /**
   * A child run, as the server starts it: refused while a run of its id is open (the default
   * conflict policy), else started in this harness with the parent's activities at the parent's time.
   */
  private async startChild(child: ChildStartRequest, parent: StartOptions): Promise<HarnessRun | 'already-started'> {
    if (this.started.some((r) => r.workflowId === child.workflowId && r.status === 'running')) return 'already-started';
    return this.start(child.workflowType, child.args, {
      activities: parent.activities,
      workflowId: child.workflowId,
      startTime: child.startTime,
      ...(parent.externalWorkflows ? { externalWorkflows: parent.externalWorkflows } : {}),
    });
  }

  async destroy(): Promise<void> {
    for (const run of this.started) await run.dispose();
    await this.sandbox.destroy();
  }
}

/** What a workflow asks when it starts a child. */
interface ChildStartRequest {
  workflowType: string;
  workflowId: string;
  args: unknown[];
  startTime: number;
}

/** How a run ended. `failure` is the decoded error (ApplicationFailure with details, CancelledFailure...). */
export type RunOutcome =
  | { status: 'completed'; value: unknown }
  | { status: 'failed'; failure: Error }
  | { status: 'cancelled'; failure: Error };

interface RunContext {
  workflowType: string;
  workflowId: string;
  runId: string;
  startTime: number;
  activities: ActivityImplementations;
  externalWorkflows: Record<string, HarnessRun | true>;
  startChild: (child: ChildStartRequest) => Promise<HarnessRun | 'already-started'>;
}

/** A child run the workflow started, and what its parent was told of it. */
interface ChildEntry {
  seq: number;
  workflowType: string;
  workflowId: string;
  args: unknown[];
  run?: HarnessRun;
  /** The parent was told how the child ended. */
  resolved: boolean;
  cancelRequested: boolean;
}

/** StartChildWorkflowExecutionFailedCause WORKFLOW_ALREADY_EXISTS (the server's answer while a run of the id is open). */
const START_FAILED_ALREADY_EXISTS = 1;

/** What Core reports when the target of a signal does not exist. */
const EXTERNAL_NOT_FOUND: ProtoFailure = {
  message: 'Unable to signal external workflow because it was not found',
  applicationFailureInfo: { type: 'SignalExternalWorkflowExecutionFailed', nonRetryable: true },
};

export class HarnessRun {
  readonly timeline: TimelineEntry[] = [];
  /** Every command the workflow emitted, in order. */
  readonly commands: Command[] = [];
  /** Virtual time (epoch ms). */
  now: number;
  status: RunStatus = 'running';
  result: RunOutcome | undefined;
  private readonly activities = new Map<number, { run: ActivityRun; scheduledAt: number; waitingOnCancel: boolean }>();
  private readonly timers = new Map<number, number>();
  private readonly immediate: Array<{ seq: number; activity: string; resolution: ActivityResolution }> = [];
  private readonly externalSignals: Array<{ seq: number; failure?: ProtoFailure }> = [];
  private readonly updateResponses = new Map<string, { value?: unknown; error?: Error }>();
  private readonly updateNames = new Map<string, string>();
  private readonly queryResponses = new Map<string, { value?: unknown; error?: Error }>();
  private readonly children: ChildEntry[] = [];
  private ids = 0;

  constructor(
    private readonly workflow: SandboxWorkflow,
    private readonly context: RunContext,
  ) {
    this.now = context.startTime;
  }

  /** The arguments of the next run, once this one continued as new. */
  continuedAsNewWith: unknown[] | undefined;

  /** Signals other runs sent this one by `signalExternalWorkflowExecution`; `deliverSignals` hands them over. */
  readonly deliveredSignals: Array<{ name: string; args: unknown[] }> = [];

  /** Delivers the signals other runs sent this one (a server would at once; a test chooses when). */
  async deliverSignals(): Promise<number> {
    const due = this.deliveredSignals.splice(0);
    for (const s of due) await this.signal(s.name, ...s.args);
    return due.length;
  }

  get workflowId(): string {
    return this.context.workflowId;
  }

  get runId(): string {
    return this.context.runId;
  }

  /** Timeline entries of one kind. */
  entries<K extends TimelineKind>(kind: K): EntryOf<K>[] {
    return this.timeline.filter((e): e is EntryOf<K> => e.kind === kind);
  }

  /** Activity types in the order they were scheduled. */
  scheduled(): string[] {
    return this.entries('activity-scheduled').map((e) => e.activity);
  }

  /** Runs until `predicate` holds. Throws if the workflow ends or waits for input first. */
  async until(predicate: (run: HarnessRun) => boolean): Promise<void> {
    for (;;) {
      if (predicate(this)) return;
      if (this.status !== 'running') throw new Error(`workflow ended (${this.status}) before the condition held`);
      if (!(await this.advance())) {
        if (predicate(this)) return;
        throw new Error(
          'workflow is waiting for input (an update, signal or cancellation) and the condition does not hold',
        );
      }
    }
  }

  /** Runs to the end and returns how it ended. */
  async outcome(): Promise<RunOutcome> {
    while (this.status === 'running') {
      if (!(await this.advance())) {
        throw new Error('workflow is waiting for input (an update, signal or cancellation); it cannot end by itself');
      }
    }
    if (this.status === 'continued-as-new') throw new Error('the workflow continued as new: it has no outcome');
    return this.result!;
  }

  /** Runs to the end; returns the result or throws the failure. */
  async resultValue(): Promise<unknown> {
    const outcome = await this.outcome();
    if (outcome.status === 'completed') return outcome.value;
    throw outcome.failure;
  }

  async query<T = unknown>(name: string, ...args: unknown[]): Promise<T> {
    const queryId = `q${++this.ids}`;
    await this.activate([
      { queryWorkflow: { queryId, queryType: name, arguments: args.map((a) => defaultPayloadConverter.toPayload(a)) } },
    ]);
    const response = this.queryResponses.get(queryId);
    this.queryResponses.delete(queryId);
    if (!response) throw new Error(`no response to query ${name}`);
    if (response.error) throw response.error;
    return response.value as T;
  }

  /** Sends an update with its validator; resolves with the handler's value, rejects with the rejection/failure. */
  async update<T = unknown>(name: string, ...args: unknown[]): Promise<T> {
    const id = `u${++this.ids}`;
    this.updateNames.set(id, name);
    await this.activate([
      {
        doUpdate: {
          id,
          protocolInstanceId: id,
          name,
          input: args.map((a) => defaultPayloadConverter.toPayload(a)),
          runValidator: true,
          headers: {},
        },
      },
    ]);
    while (!this.updateResponses.has(id)) {
      if (!(await this.advance())) throw new Error(`update ${name} was accepted but never completed`);
    }
    const response = this.updateResponses.get(id)!;
    if (response.error) throw response.error;
    return response.value as T;
  }

  async signal(name: string, ...args: unknown[]): Promise<void> {
    this.record({ kind: 'signal', name });
    await this.activate([
      {
        signalWorkflow: {
          signalName: name,
          input: args.map((a) => defaultPayloadConverter.toPayload(a)),
          identity: 'harness',
        },
      },
    ]);
  }

  async cancel(): Promise<void> {
    this.record({ kind: 'cancel-requested' });
    await this.activate([{ cancelWorkflow: {} }]);
  }

  /**
   * One step of the event loop: resolve finished activities, else wait for running ones, else fire
   * the earliest timer. Returns false when only an external input can move the workflow on.
   */
  private async advance(fireTimers = true): Promise<boolean> {
    if (await this.advanceChildren()) return true;
    if (this.externalSignals.length > 0) {
      const due = this.externalSignals.splice(0);
      await this.activate(
        due.map((d) => ({
          resolveSignalExternalWorkflow: { seq: d.seq, ...(d.failure ? { failure: d.failure } : {}) },
        })),
      );
      return true;
    }
    if (this.immediate.length > 0) {
      const due = this.immediate.splice(0);
      due.forEach((d) =>
        this.record({ kind: 'activity-resolved', seq: d.seq, activity: d.activity, status: 'cancelled' }),
      );
      await this.activate(due.map((d) => ({ resolveActivity: { seq: d.seq, result: d.resolution } })));
      return true;
    }
    const running = [...this.activities.values()].filter((a) => !a.run.settled);
    const settled = [...this.activities.entries()].filter(([, a]) => a.run.settled);
    if (settled.length === 0 && running.length > 0) {
      await Promise.race(running.map((a) => a.run.outcome));
      return true;
    }
    const endOf = (a: { run: ActivityRun; scheduledAt: number }) => a.scheduledAt + a.run.settled!.elapsedMs;
    const firstActivityAt = Math.min(...settled.map(([, a]) => endOf(a)));
    const firstTimerAt = Math.min(...this.timers.values());
    // A running activity scheduled before that end time could still end earlier (in virtual time).
    if (running.some((a) => a.scheduledAt < firstActivityAt)) {
      await Promise.race(running.map((a) => a.run.outcome));
      return true;
    }
    if (settled.length > 0 && firstActivityAt <= firstTimerAt) {
      const due = settled.filter(([, a]) => endOf(a) === firstActivityAt).sort(([x], [y]) => x - y);
      this.now = Math.max(this.now, firstActivityAt);
      const jobs: ActivationJob[] = due.map(([seq, a]) => {
        this.activities.delete(seq);
        const resolution = a.run.settled!.resolution;
        const status = resolution.completed ? 'completed' : resolution.cancelled ? 'cancelled' : 'failed';
        this.record({ kind: 'activity-resolved', seq, activity: a.run.type, status });
        return { resolveActivity: { seq, result: resolution } };
      });
      await this.activate(jobs);
      return true;
    }
    if (this.timers.size > 0 && fireTimers) {
      const due = [...this.timers.entries()].filter(([, at]) => at === firstTimerAt).map(([seq]) => seq);
      this.now = Math.max(this.now, firstTimerAt);
      for (const seq of due) {
        this.timers.delete(seq);
        this.record({ kind: 'timer-fired', seq });
      }
      await this.activate(due.map((seq) => ({ fireTimer: { seq } })));
      return true;
    }
    return false;
  }

  /**
   * The children, as the server would run them: a start is resolved (started, or refused while a
   * run of the id is open), a child is driven without firing its timers (a gate's deadline never
   * passes by itself: a test decides its gates), and an ended child's outcome is resolved in the
   * parent. True when something moved.
   */
  private async advanceChildren(): Promise<boolean> {
    for (const child of this.children) {
      if (!child.run && !child.resolved) {
        const started = await this.context.startChild({
          workflowType: child.workflowType,
          workflowId: child.workflowId,
          args: child.args,
          startTime: this.now,
        });
        this.record({
          kind: 'child-started',
          seq: child.seq,
          workflowType: child.workflowType,
          workflowId: child.workflowId,
          outcome: started === 'already-started' ? 'already-started' : 'started',
        });
        if (started === 'already-started') {
          child.resolved = true;
          await this.activate([
            {
              resolveChildWorkflowExecutionStart: {
                seq: child.seq,
                failed: {
                  workflowId: child.workflowId,
                  workflowType: child.workflowType,
                  cause: START_FAILED_ALREADY_EXISTS,
                },
              },
            },
          ]);
          return true;
        }
        child.run = started;
        await this.activate([
          { resolveChildWorkflowExecutionStart: { seq: child.seq, succeeded: { runId: started.runId } } },
        ]);
        return true;
      }
      const run = child.run;
      if (!run || child.resolved) continue;
      if (child.cancelRequested && run.status === 'running') {
        child.cancelRequested = false;
        await run.cancel();
        return true;
      }
      if (run.status === 'running' && (await run.advance(false))) return true;
      if (run.status !== 'running') {
        await this.resolveChild(child, run);
        return true;
      }
    }
    return false;
  }

  private async resolveChild(child: ChildEntry, run: HarnessRun): Promise<void> {
    child.resolved = true;
    const outcome = run.result;
    const status = outcome?.status ?? 'failed';
    this.record({ kind: 'child-resolved', seq: child.seq, workflowId: child.workflowId, status });
    const wrapped = (failure: ProtoFailure | undefined): ProtoFailure => ({
      message: 'Child Workflow execution failed',
      childWorkflowExecutionFailureInfo: {
        namespace: 'default',
        workflowExecution: { workflowId: child.workflowId, runId: run.runId },
        workflowType: { name: child.workflowType },
      },
      ...(failure ? { cause: failure } : {}),
    });
    const result =
      status === 'completed'
        ? { completed: { result: defaultPayloadConverter.toPayload((outcome as { value: unknown }).value) } }
        : status === 'cancelled'
          ? { cancelled: { failure: wrapped(run.failureProto) } }
          : { failed: { failure: wrapped(run.failureProto) } };
    await this.activate([{ resolveChildWorkflowExecution: { seq: child.seq, result } }]);
  }

  /**
   * Sends one activation and applies the commands it produced. Activations run one at a time, in
   * the order asked: a query from a running activity (a step input by reference) waits its turn.
   */
  activate(jobs: ActivationJob[]): Promise<void> {
    const turn = this.activations.then(() => this.activateNow(jobs));
    this.activations = turn.catch(() => undefined);
    return turn;
  }

  private activations: Promise<void> = Promise.resolve();

  private async activateNow(jobs: ActivationJob[]): Promise<void> {
    const activation: Activation = { runId: this.context.runId, timestamp: msToTs(this.now), jobs };
    const completion = await this.workflow.activate(activation);
    if (completion.failed) {
      const error = toError(completion.failed.failure);
      throw new Error(`workflow task failed (a bug in workflow code): ${error.message}`, { cause: error });
    }
    for (const command of completion.successful?.commands ?? []) {
      this.commands.push(command);
      this.apply(command);
    }
  }

  private apply(command: Command): void {
    if (command.scheduleActivity) {
      const schedule = command.scheduleActivity;
      const seq = schedule.seq ?? 0;
      const activity = schedule.activityType ?? '';
      const summaryPayload = command.userMetadata?.summary;
      const summary = summaryPayload ? String(defaultPayloadConverter.fromPayload(summaryPayload)) : undefined;
      this.record({ kind: 'activity-scheduled', seq, activity, ...(summary ? { summary } : {}) });
      const scheduledAt = this.now;
      const run = new ActivityRun({
        command: schedule,
        implementation: this.context.activities[activity],
        workflowId: this.context.workflowId,
        runId: this.context.runId,
        workflowType: this.context.workflowType,
        queryWorkflow: (name) => this.query(name),
        onAttempt: (a) =>
          this.timeline.push({
            at: scheduledAt + a.offsetMs - this.context.startTime,
            kind: 'activity-attempt',
            seq,
            activity,
            ...a,
          }),
      });
      this.activities.set(seq, { run, scheduledAt, waitingOnCancel: false });
    } else if (command.requestCancelActivity) {
      const seq = command.requestCancelActivity.seq ?? 0;
      const entry = this.activities.get(seq);
      if (entry) {
        this.record({ kind: 'activity-cancel-requested', seq, activity: entry.run.type });
        // TRY_CANCEL and ABANDON: Core resolves the activity as cancelled at once, without waiting.
        if (entry.run.cancel() === 'immediately') {
          this.activities.delete(seq);
          this.immediate.push({ seq, activity: entry.run.type, resolution: entry.run.cancelled() });
        }
      }
    } else if (command.startTimer) {
      const seq = command.startTimer.seq ?? 0;
      const ms = durationMs(command.startTimer.startToFireTimeout) ?? 0;
      this.timers.set(seq, this.now + ms);
      const summaryPayload = command.userMetadata?.summary;
      const summary = summaryPayload ? String(defaultPayloadConverter.fromPayload(summaryPayload)) : undefined;
      this.record({ kind: 'timer-started', seq, ms, ...(summary ? { summary } : {}) });
    } else if (command.cancelTimer) {
      const seq = command.cancelTimer.seq ?? 0;
      this.timers.delete(seq);
      this.record({ kind: 'timer-cancelled', seq });
    } else if (command.upsertWorkflowSearchAttributes) {
      const fields = command.upsertWorkflowSearchAttributes.searchAttributes?.indexedFields ?? {};
      const values = Object.fromEntries(
        Object.entries(fields).map(([k, p]) => [k, defaultPayloadConverter.fromPayload(p)]),
      );
      this.record({ kind: 'search-attributes', values });
    } else if (command.updateResponse) {
      const { protocolInstanceId, rejected, completed } = command.updateResponse;
      const id = protocolInstanceId ?? '';
      if (rejected) {
        const error = toError(rejected);
        this.updateResponses.set(id, { error });
        this.record({
          kind: 'update',
          name: this.updateNames.get(id) ?? '',
          id,
          outcome: 'rejected',
          message: error.message,
        });
      } else if (completed) {
        this.updateResponses.set(id, { value: defaultPayloadConverter.fromPayload(completed) });
        this.record({ kind: 'update', name: this.updateNames.get(id) ?? '', id, outcome: 'completed' });
      }
    } else if (command.respondToQuery) {
      const { queryId, succeeded, failed } = command.respondToQuery;
      this.queryResponses.set(
        queryId ?? '',
        failed
          ? { error: toError(failed) }
          : { value: succeeded?.response ? defaultPayloadConverter.fromPayload(succeeded.response) : undefined },
      );
    } else if (command.completeWorkflowExecution) {
      const payload = command.completeWorkflowExecution.result;
      this.finish({ status: 'completed', value: payload ? defaultPayloadConverter.fromPayload(payload) : undefined });
      this.record({ kind: 'workflow-completed' });
    } else if (command.failWorkflowExecution) {
      const proto = command.failWorkflowExecution.failure ?? { message: 'workflow failed without a failure' };
      const failure = toError(proto);
      this.finish({ status: 'failed', failure }, proto);
      const failureType = failure instanceof ApplicationFailure ? (failure.type ?? undefined) : undefined;
      this.record({ kind: 'workflow-failed', message: failure.message, ...(failureType ? { failureType } : {}) });
    } else if (command.signalExternalWorkflowExecution) {
      const signal = command.signalExternalWorkflowExecution;
      const workflowId = signal.workflowExecution?.workflowId ?? '';
      const name = signal.signalName ?? '';
      const args = (signal.args ?? []).map((p) => defaultPayloadConverter.fromPayload(p));
      const target = this.context.externalWorkflows[workflowId];
      this.record({ kind: 'signal-external', workflowId, name, args, delivered: target !== undefined });
      if (target instanceof HarnessRun) target.deliveredSignals.push({ name, args });
      this.externalSignals.push({
        seq: signal.seq ?? 0,
        ...(target === undefined ? { failure: EXTERNAL_NOT_FOUND } : {}),
      });
    } else if (command.continueAsNewWorkflowExecution) {
      const args = (command.continueAsNewWorkflowExecution.arguments ?? []).map((p) =>
        defaultPayloadConverter.fromPayload(p),
      );
      // No outcome: the next run (a test starts it with these arguments) goes on where this one stopped.
      this.continuedAsNewWith = args;
      this.status = 'continued-as-new';
      this.record({ kind: 'workflow-continued-as-new', args });
    } else if (command.startChildWorkflowExecution) {
      const start = command.startChildWorkflowExecution;
      this.children.push({
        seq: start.seq ?? 0,
        workflowType: start.workflowType ?? '',
        workflowId: start.workflowId ?? '',
        args: (start.input ?? []).map((p) => defaultPayloadConverter.fromPayload(p)),
        resolved: false,
        cancelRequested: false,
      });
    } else if (command.cancelChildWorkflowExecution) {
      const seq = command.cancelChildWorkflowExecution.childWorkflowSeq ?? 0;
      const child = this.children.find((c) => c.seq === seq);
      if (child) child.cancelRequested = true;
    } else if (command.cancelWorkflowExecution) {
      this.finish(
        { status: 'cancelled', failure: new CancelledFailure('workflow cancelled') },
        { message: 'workflow cancelled', canceledFailureInfo: {} },
      );
      this.record({ kind: 'workflow-cancelled' });
    }
  }

  private finish(outcome: RunOutcome, failure?: ProtoFailure): void {
    this.result = outcome;
    this.status = outcome.status;
    this.failureProto = failure;
  }

  /** The failure the run ended with, as Core carries it (a parent's child resolution wraps it). */
  failureProto: ProtoFailure | undefined;

  private record(entry: DistributiveOmit<TimelineEntry, 'at'>): void {
    this.timeline.push({ ...entry, at: this.now - this.context.startTime } as TimelineEntry);
  }

  private disposed = false;

  /** Frees the run's sandbox (a worker evicts a closed workflow from its cache); safe to call twice. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const { run } of this.activities.values()) run.cancel();
    await Promise.allSettled([...this.activities.values()].map((a) => a.run.outcome));
    await this.workflow.dispose();
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function toError(failure: ProtoFailure | null | undefined): Error {
  if (!failure) return new Error('failure without details');
  return defaultFailureConverter.failureToError(failure, defaultPayloadConverter);
}

/** A connection runs under its connection id (workflows/one-run.ts), as the CLI and intake start it. */
function defaultWorkflowId(workflowType: string, args: unknown[]): string | undefined {
  if (workflowType !== CONNECTION_WORKFLOW) return undefined;
  const request = args[0] as { local?: { environment?: unknown; deploymentId?: unknown }; alias?: unknown } | undefined;
  const { environment, deploymentId } = request?.local ?? {};
  const alias = request?.alias;
  return typeof environment === 'string' && typeof deploymentId === 'string' && typeof alias === 'string'
    ? connectionId({ local: { environment, deploymentId }, alias })
    : undefined;
}
