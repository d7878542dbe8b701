/**
 * The one runner: it executes any operation's plan (domain/plans.ts), a list of the step catalog's
 * rows. For every row that applies it waits for the row's gate (once per step and run; before the
 * step, or before its follow-up where the row says so), marks the step running, registers the
 * row's undo with the very input the step's activity gets (before anything runs: a step may take
 * effect and still fail), runs the activity (once per side for a per-side row, in parallel), its
 * follow-up when the result asks for it, and records what it created. On a failure, a rejection,
 * a deadline or a cancellation it undoes what it registered, newest first, and fails with the
 * original reason; after a `commit` row there is nothing to roll back to, and a failure is reported.
 */
import { ApplicationFailureCategory } from '@temporalio/common';
import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import {
  type ActivityName,
  type AnyCall,
  type CompensationFailure,
  type ConnectionRequest,
  type CreatedResource,
  type CrosslinkActivities,
  type DescribeChangeInput,
  type GateChange,
  type GuardedCall,
  FailureType,
  type GateEntry,
  type KeptResource,
  MissingResult,
  type ParallelEntry,
  type Plan,
  type PlanEntry,
  type PlanContext,
  type ReclaimEntry,
  type RowEntry,
  type RowId,
  type SecurityModel,
  type Side,
  type StepDecision,
  type StepId,
  type StepInput,
  type UndoReport,
  rowOf,
  sidesOf,
  guardedCalls,
  reclaimCalls,
  rowInput,
} from '../../domain';
import { activityOptions } from '../activity-timing';
import { type ApprovalGates } from '../approvals';
import { describeFailure } from '../failures';
import { requestInventoryRefresh } from '../inventory-refresh';
import { stepInputQuery } from '../messages';
import { type Notifier } from '../notifier';
import { type Recorded, type RunView } from '../progress';

/** What the runner needs to run a plan: where it reports, who decides gates, the inputs. */
export interface RunnerOptions<Extra> {
  connectionId: string;
  /** The connection's request; absent for an operation over many connections (an apply): its rows run once, without sides. */
  request?: ConnectionRequest;
  view: RunView;
  gates?: ApprovalGates;
  notifier?: Notifier;
  /** The step input when the facts are known before the plan runs (an inspection); else the facts row sets it. */
  stepInput?: StepInput;
  /** Which steps apply (preflight's or the inspection's decisions); a facts row replaces them. */
  decisions?: readonly StepDecision[];
  extra: Extra;
  /** A `children` entry: runs the child workflows; resolves whether every child succeeded. */
  children?: () => Promise<boolean>;
  /** The operation's name in the inventory's refresh reason; absent: the run does not ask for a refresh (a fan-out: its pairs do). */
  operation?: string;
}

/** Runs recorded before operations asked the inventory to refresh replay without the signal. */
export const REFRESH_INVENTORY_PATCH = 'operations-refresh-inventory';

/**
 * Runs recorded before approvals were bound to the change replay without describing it. From here
 * on a gate shows the exact change it lets through (describeChange), counts only decisions signed
 * for its digest, and describes it again when the step is about to run: a different change asks again.
 */
export const CHANGE_BOUND_APPROVALS_PATCH = 'change-bound-approvals';

const DESCRIBE_CHANGE = {
  name: 'describeChange',
  timing: 'quick',
  signature: {},
  summary: ({ gate }: DescribeChangeInput) => `what gate ${gate} lets through`,
} as const satisfies AnyCall;

/** One undo, registered before its step ran: a step's undo per side, run in order. */
interface Compensation {
  step: StepId;
  activity: string;
  run: Array<() => Promise<UndoReport>>;
}

/** What the undos did: what they removed, what they kept and why, and the ones that failed. */
export interface UndoOutcome {
  removed: CreatedResource[];
  kept: KeptResource[];
  failures: CompensationFailure[];
  details: string[];
}

/** Not every child run succeeded: the plan's rows are undone (their undos decide what is still needed). */
export const CHILDREN_INCOMPLETE = 'ChildrenIncomplete';

export class PlanRunner<Extra = unknown> {
  readonly context: PlanContext<Extra>;
  private stepInputValue: StepInput | undefined;
  private decisions = new Map<StepId, StepDecision>();
  private readonly results = new Map<RowId, unknown[]>();
  private readonly started = new Set<string>();
  private readonly approved = new Set<StepId>();
  private readonly compensations: Compensation[] = [];
  private committed = false;
  /** What the last compensation (a rollback or a reclaim) did. */
  readonly undone: UndoOutcome = { removed: [], kept: [], failures: [], details: [] };

  constructor(private readonly options: RunnerOptions<Extra>) {
    this.stepInputValue = options.stepInput;
    // Activities read the shared step input here once, instead of every history event repeating it.
    setHandler(stepInputQuery, () => this.stepInputValue ?? null);
    this.adoptDecisions(options.decisions ?? []);
    const stepInput = (): StepInput => {
      if (!this.stepInputValue) throw new Error('the step input is not known before the facts');
      return this.stepInputValue;
    };
    const request = (): ConnectionRequest => {
      if (!options.request) throw new Error('this plan runs over many connections: it has no one request');
      return options.request;
    };
    this.context = {
      connectionId: options.connectionId,
      get request(): ConnectionRequest {
        return request();
      },
      get stepInput(): StepInput {
        return stepInput();
      },
      extra: options.extra,
      results: <R extends RowId>(row: R) => (this.results.get(row) ?? []) as never,
      started: (row, part) => this.started.has(part === 'follow-up' ? `${row}:follow-up` : row),
    };
  }

  get view(): RunView {
    return this.options.view;
  }

  /** The security model the rows' sides follow (a plan without a request has no per-side rows). */
  private get model(): SecurityModel {
    return this.options.request?.securityModel ?? 'api_key';
  }

  /** Whether a step applies (decisions held here; progress only shows them). Undecided steps apply. */
  applies(step: StepId): boolean {
    return this.decisions.get(step)?.applies ?? true;
  }

  /**
   * The run ends: its progress says so, and the inventory workflow is asked to read the estate
   * again (the connection changed), in runs new enough to do so.
   */
  async finish(state: Parameters<RunView['finished']>[0]): Promise<void> {
    this.view.finished(state);
    await this.refreshInventory(state);
  }

  private async refreshInventory(outcome: string): Promise<void> {
    const operation = this.options.operation;
    if (operation === undefined || !patched(REFRESH_INVENTORY_PATCH)) return;
    await requestInventoryRefresh(`${operation} ${outcome}`, this.options.connectionId);
  }

  /** The records a row produced (its activity's results; the follow-up's after them). */
  records(row: RowId): Recorded[] {
    return (this.results.get(row) ?? []) as Recorded[];
  }

  /**
   * Runs the plan's entries in order. On a failure before a commit: undoes what was registered
   * and fails with the reason (`rollBack`); after a commit: reports the failure, undoing nothing.
   */
  async run(plan: Plan<Extra>): Promise<void> {
    try {
      for (const [index, entry] of plan.entries.entries()) {
        switch (entry.kind) {
          case 'row':
            await this.step(entry);
            break;
          case 'parallel':
            await this.parallel(entry);
            break;
          case 'gate':
            await this.gate(entry, plan.entries[index + 1]);
            break;
          case 'reclaim':
            await this.reclaim(entry);
            break;
          case 'children':
            if (!(await this.options.children?.())) {
              throw ApplicationFailure.create({
                type: CHILDREN_INCOMPLETE,
                message: 'not every child run succeeded',
                nonRetryable: true,
              });
            }
            break;
        }
      }
    } catch (err) {
      const failure = asWorkflowFailure(err);
      if (this.committed) throw await this.afterCommit(plan, failure);
      return this.rollBack(failure);
    }
  }

  /** A row of the plan, when its step applies: its gate, then its activities. */
  private async step(entry: RowEntry<RowId, Extra>, gateDecided = false): Promise<void> {
    const row = rowOf(entry.row);
    if (!entry.unlisted && !this.applies(row.step)) return;
    // A row added after runs were recorded: those runs replay without it (README "Changing workflow code").
    if (entry.patch !== undefined && !patched(entry.patch)) return;
    if (!gateDecided && gatePlacement(entry) !== 'inside') await this.approve(entry);
    await this.perform(entry);
  }

  /** Every gate of the group first (nothing is created until the group is approved), then all rows at once. */
  private async parallel(entry: ParallelEntry<Extra>): Promise<void> {
    const rows = entry.rows.filter(
      (e) => this.applies(rowOf(e.row).step) && (e.patch === undefined || patched(e.patch)),
    );
    for (const e of rows) if (gatePlacement(e) !== 'inside') await this.approve(e);
    const runs = rows.map((e) => this.perform(e));
    const settled = await Promise.allSettled(runs);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** A gate the operation always waits at; it guards the entry after it. A committing gate ends the rollback once approved. */
  private async gate(entry: GateEntry, guarded: PlanEntry<Extra> | undefined): Promise<void> {
    await this.waitForGate(entry.step, () => (guarded ? this.callsOf(guarded) : []), true);
    if (entry.commit) this.committed = true;
  }

  /** Waits for the step's approval when the policy or the request gates it; once per step and run. */
  private async approve(entry: RowEntry<RowId, Extra>): Promise<void> {
    const step = rowOf(entry.row).step;
    const placement = gatePlacement(entry);
    if (typeof placement === 'object' && this.context.started(placement.coveredBy)) return;
    await this.waitForGate(step, () => this.callsOf(entry));
  }

  /**
   * The gate of `step`, when the policy or the request gates it (or `always`): it shows the exact
   * change `calls` would make and counts only decisions signed for it; approved, the change is read
   * again, and a different one that still writes something asks again (in runs new enough:
   * CHANGE_BOUND_APPROVALS_PATCH).
   */
  private async waitForGate(step: StepId, calls: () => GuardedCall[], always = false): Promise<void> {
    const gates = this.options.gates;
    if (!gates || this.approved.has(step) || (!always && !gates.gated(step))) return;
    this.approved.add(step);
    if (!patched(CHANGE_BOUND_APPROVALS_PATCH)) return gates.waitFor(step);
    let change = await this.describe(step, calls());
    for (;;) {
      await gates.waitFor(step, change);
      const now = await this.describe(step, calls());
      // The same change, or one that now writes nothing (another run made it meanwhile): go on.
      if (now.digest === change.digest || writesNothing(now)) return;
      gates.superseded(step, change, now);
      change = now;
    }
  }

  private describe(gate: StepId, calls: GuardedCall[]): Promise<GateChange> {
    return this.call(DESCRIBE_CHANGE, { gate, calls } satisfies DescribeChangeInput) as Promise<GateChange>;
  }

  /** The activities an entry runs, with their inputs (what its gate lets through: domain/plan-gates.ts). */
  private callsOf(entry: PlanEntry<Extra>): GuardedCall[] {
    if (entry.kind === 'reclaim') return reclaimCalls(this.reclaimed(entry), this.context, this.model);
    return guardedCalls(entry, this.context, this.model);
  }

  /**
   * Marks the step running, registers one undo per input, runs one activity per input in
   * parallel, the follow-up when asked for, checks the result, and records it. Everything up to
   * the activities' scheduling is synchronous, so parallel rows keep their order.
   */
  private async perform(entry: RowEntry<RowId, Extra>): Promise<void> {
    const row = rowOf(entry.row);
    const step = row.step;
    const shown = !entry.unlisted;
    if (shown) this.view.stepStarted(step);
    try {
      const sides = sidesOf(entry.row, this.model);
      const inputs = (sides ?? [undefined]).map((side) => this.inputOf(entry, side));
      this.register(entry, inputs);
      this.started.add(entry.row);
      const results = await allBranches(inputs.map((input) => this.call(row.activity, input)));
      const records: Recorded[] = [...(results as Recorded[])];
      this.results.set(entry.row, [...results]);
      const followUp = row.followUp;
      if (followUp && followUp.when(results[0] as never)) {
        if (followUp.gateInside)
          await this.waitForGate(step, () => [{ activity: followUp.call.name, input: inputs[0] }]);
        this.started.add(`${entry.row}:follow-up`);
        records.push((await this.call(followUp.call, inputs[0])) as Recorded);
      }
      const refusal = row.refuse?.(results[0] as never);
      if (refusal !== undefined) {
        throw ApplicationFailure.create({ type: FailureType.VerificationFailed, message: refusal, nonRetryable: true });
      }
      if (entry.facts) this.adoptFacts(results[0] as FactsResult);
      if (shown) this.view.stepSucceeded(step, records, entry.detail?.(this.context, results as never));
      if (entry.commit) this.committed = true;
    } catch (err) {
      if (!shown) throw err;
      if (err instanceof PartialFailure) {
        this.results.set(entry.row, err.done);
        this.view.stepPartlyDone(step, err.done as Recorded[]);
        this.view.stepFailed(step, describeFailure(asWorkflowFailure(err.cause)).message);
        throw err.cause;
      }
      this.view.stepFailed(step, describeFailure(asWorkflowFailure(err)).message);
      throw err;
    }
  }

  private inputOf(entry: RowEntry<RowId, Extra>, side: Side | undefined): unknown {
    return rowInput(entry, this.context, side);
  }

  /** The row's undo, once per input, before the step runs; its input built when it runs. */
  private register(entry: RowEntry<RowId, Extra>, inputs: unknown[]): void {
    const row = rowOf(entry.row);
    const undo = row.undo;
    if (!undo) return;
    this.compensations.push({
      step: row.step,
      activity: undo.name,
      run: inputs.map((input) => () => {
        const kept = entry.keepOnUndo?.(this.context);
        if (kept !== undefined) return Promise.resolve({ attempt: 1, removed: [], detail: kept });
        const undoInput = entry.undoInput ? entry.undoInput(this.context, input as never) : input;
        return this.call(undo, undoInput, row.step) as Promise<UndoReport>;
      }),
    });
  }

  /** The rows a reclaim undoes: a row added to the connect plan later, only in runs new enough for it. */
  private reclaimed(entry: ReclaimEntry): RowId[] {
    return entry.rows.filter((id) => {
      const patch = entry.patches?.[id];
      return patch === undefined || patched(patch);
    });
  }

  /** The undos of the rows, newest first, to the end: what a disconnect does. Not cancellable once started. */
  private async reclaim(entry: ReclaimEntry): Promise<void> {
    const model = this.model;
    for (const id of this.reclaimed(entry)) {
      const row = rowOf(id);
      const undo = row.undo;
      if (!undo) continue;
      const sides = sidesOf(id, model);
      const inputs = (sides ?? [undefined]).map((side) =>
        side ? { ...this.context.stepInput, side } : this.context.stepInput,
      );
      this.compensations.push({
        step: row.step,
        activity: undo.name,
        run: inputs.map((input) => () => this.call(undo, input, row.step) as Promise<UndoReport>),
      });
    }
    await this.compensate();
  }

  /**
   * Schedules one activity of the catalog with its timing's options and its Web UI summary; an
   * undo's summary says so and names the step it undoes.
   */
  call(activity: AnyCall, input: unknown, undoOf?: StepId): Promise<unknown> {
    return scheduleActivity(activity, input, {
      request: this.options.request,
      ...(undoOf ? { undoOf } : {}),
      wire: (value) => this.byReference(value),
    });
  }

  /**
   * An input that carries the run's step input (the request, preflight's facts) goes by reference:
   * its own fields and `stepInput: 'query'`; the worker reads the rest with the stepInput query.
   */
  private byReference(input: unknown): unknown {
    const shared = this.stepInputValue;
    if (!shared || typeof input !== 'object' || input === null) return input;
    if (isDescribeInput(input))
      return { ...input, calls: input.calls.map((c) => ({ ...c, input: this.byReference(c.input) })) };
    const { request, preflight, reclaim: _reclaim, ...own } = input as Partial<StepInput>;
    if (request !== shared.request || preflight !== shared.preflight) return input;
    return { ...own, connectionId: shared.connectionId, stepInput: 'query' };
  }

  /** preflight's facts without the workflow's own fields (the step input's `preflight`). */
  static stepFacts = withoutWorkflowFields;

  /** The facts row's result (preflight): the step input, the decisions, the gates' policy, notifications. */
  private adoptFacts(result: FactsResult): void {
    this.stepInputValue = {
      connectionId: this.options.connectionId,
      request: this.context.request,
      preflight: withoutWorkflowFields(result),
    };
    this.adoptDecisions(result.steps);
    this.options.gates?.adopt(result.approvals);
    this.options.notifier?.adopt(result.notify);
  }

  private adoptDecisions(decisions: readonly StepDecision[]): void {
    if (decisions.length === 0) return;
    this.decisions = new Map(decisions.map((d) => [d.id, d]));
    this.view.applyDecisions(decisions);
  }

  /** Runs every registered undo, newest first, in a non-cancellable scope; a failure is recorded and the rest still run. */
  private async compensate(): Promise<UndoOutcome> {
    return CancellationScope.nonCancellable(async () => {
      for (const undo of [...this.compensations].reverse()) {
        this.view.undoStarted(undo.step);
        const details: string[] = [];
        let failed = false;
        // Newest first within a step too: a per-side step's sides were registered local, then remote.
        for (const run of [...undo.run].reverse()) {
          try {
            const report = await run();
            this.undone.removed.push(...report.removed);
            this.undone.kept.push(...(report.kept ?? []));
            details.push(report.detail);
          } catch (err) {
            const failure = { step: undo.step, activity: undo.activity, message: describeFailure(err).message };
            this.view.undoFailed(failure);
            this.undone.failures.push(failure);
            failed = true;
          }
        }
        this.undone.details.push(...details);
        if (!failed || details.length > 0) this.view.undoSucceeded(undo.step, details.join('; '));
      }
      this.compensations.length = 0;
      return this.undone;
    });
  }

  /**
   * Undo what was registered, then fail with the original reason (or CompensationFailed). A complete
   * rollback is a designed outcome (rejection, deadline, refusal, cancellation): its failure says so,
   * is BENIGN, and carries no workflow stack trace. The run still ends failed, so that "failed" in
   * Temporal keeps meaning "not connected" for every client and the reason's type stays the failure type.
   */
  async rollBack(err: unknown): Promise<never> {
    const { view, options } = this;
    const notifier = options.notifier;
    const reason = describeFailure(err);
    const step = view.firstFailedStep ?? view.currentStep;
    view.compensating({ ...reason, ...(step ? { step } : {}) });
    const { failures } = await this.compensate();
    await this.finish(failures.length > 0 ? 'failed' : 'rolled-back');
    const where = step ? { step } : {};
    if (failures.length > 0) {
      const failedSteps = failures.map((f) => f.step);
      notifier?.send(
        {
          kind: 'failed',
          failureType: reason.type,
          message: reason.message.slice(0, 2000),
          ...where,
          leftBehind: view.created
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
        details: [view.snapshot()],
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
      details: [view.snapshot()],
      category: ApplicationFailureCategory.BENIGN,
    });
    // No workflow-code stack trace in the Web UI: the message is the whole story.
    rolledBack.stack = `${reason.type}: ${rolledBack.message}`;
    throw rolledBack;
  }

  /** A failure once the plan committed: nothing to roll back to; the run ends failed and says what to do. */
  private async afterCommit(plan: Plan<Extra>, err: unknown): Promise<ApplicationFailure> {
    const reason = describeFailure(err);
    await this.finish('failed');
    return ApplicationFailure.create({
      ...(plan.afterCommit ? plan.afterCommit(reason.message, reason.type) : reason),
      nonRetryable: true,
      details: [this.view.snapshot()],
    });
  }
}

/**
 * Schedules one activity of the catalog with its timing's options and its Web UI summary; an
 * undo's summary says so and names the step it undoes.
 */
export function scheduleActivity(
  activity: AnyCall,
  input: unknown,
  options: { request?: ConnectionRequest; undoOf?: StepId; wire?: (input: unknown) => unknown } = {},
): Promise<unknown> {
  // The summary reads the whole input; the history event holds what `wire` makes of it.
  const summary = `${activity.name}: ${activity.summary(input as never)}`;
  const run = proxyActivities<CrosslinkActivities>({
    ...activityOptions(activity.timing, options.undoOf !== undefined, options.request),
    summary: options.undoOf ? `undo ${options.undoOf}: ${summary}` : summary,
  })[activity.name as ActivityName] as (input: unknown) => Promise<unknown>;
  return run(options.wire ? options.wire(input) : input);
}

function isDescribeInput(input: object): input is DescribeChangeInput {
  return 'gate' in input && 'calls' in input && Array.isArray((input as DescribeChangeInput).calls);
}

type FactsResult = {
  steps: StepDecision[];
  approvals?: Parameters<ApprovalGates['adopt']>[0];
  notify?: boolean;
} & Parameters<typeof withoutWorkflowFields>[0];

/** preflight without the workflow's own fields: they stay out of every activity input, and so out of history. */
function withoutWorkflowFields<T extends { steps?: unknown; approvals?: unknown; notify?: unknown }>(
  preflight: T,
): StepInput['preflight'] {
  const { steps: _steps, approvals: _approvals, notify: _notify, ...facts } = preflight;
  return facts as unknown as StepInput['preflight'];
}

function writesNothing(change: GateChange): boolean {
  return change.activities.every((a) => a.requests.length === 0);
}

function gatePlacement<Extra>(entry: RowEntry<RowId, Extra>): 'before' | 'inside' | { coveredBy: RowId } {
  if (entry.gate) return entry.gate;
  return rowOf(entry.row).followUp?.gateInside ? 'inside' : 'before';
}

/** A plan's missing result (a step input that needs a row that did not run) is a refusal, not a workflow bug. */
function asWorkflowFailure(err: unknown): unknown {
  if (err instanceof MissingResult) {
    return ApplicationFailure.create({ type: FailureType.PreflightRefused, message: err.message, nonRetryable: true });
  }
  return err;
}

/** Some parallel branches of a step succeeded and at least one failed. */
class PartialFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly done: unknown[],
  ) {
    super('a parallel branch failed');
  }
}

/** Awaits every branch; then returns all results, or throws the first failure (with the successes). */
async function allBranches<T>(branches: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(branches);
  const done: T[] = [];
  let failure: { reason: unknown } | undefined;
  for (const s of settled) {
    if (s.status === 'fulfilled') done.push(s.value);
    else failure ??= { reason: s.reason };
  }
  if (failure) throw new PartialFailure(failure.reason, done);
  return done;
}
