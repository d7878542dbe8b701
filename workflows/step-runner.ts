/**
 * Running the rows of the step catalog: wait for a step's gate when the policy gates it, mark it
 * running, register the row's undo with the very input the step's activity gets, run the row's
 * activity, record what it created. Parallel branches are always awaited to the end before a
 * failure propagates, so no undo ever runs while its step is still running.
 */
import { proxyActivities } from '@temporalio/workflow';
import {
  type ActivityCall,
  type ActivityName,
  type ConnectionRequest,
  type CrosslinkActivities,
  type InputOf,
  type ResultOf,
  type Side,
  type StepId,
  type StepRow,
  type UndoReport,
} from '../domain';
import { activityOptions } from './activity-timing';
import { type ApprovalGates } from './approvals';
import { describeFailure } from './failures';
import { type ConnectionProgress, type Recorded } from './progress';
import { type Saga } from './saga';

export interface RunOptions<R, T> {
  /** Continues the step with the activity's result (e.g. restart's follow-up); the step's records are what it returns. */
  then?: (result: R) => Promise<T> | T;
  /** The step's progress line, when the records' details are not the right one. */
  detail?: (result: T) => string;
}

export class StepRunner {
  constructor(
    readonly progress: ConnectionProgress,
    readonly gates: ApprovalGates,
    readonly saga: Saga,
    private readonly request: ConnectionRequest,
  ) {}

  applies(id: StepId): boolean {
    return this.progress.applies(id);
  }

  /** Waits, one gate at a time in the order given, for the approvals of the steps that apply and are gated. */
  async approve(...ids: StepId[]): Promise<void> {
    for (const id of ids) {
      if (this.applies(id) && this.gates.gated(id)) await this.gates.waitFor(id);
    }
  }

  /**
   * The step of `row`, when it applies: its gate, then its activity with `input()` (built once the
   * gate is passed). Returns undefined for a step that does not apply.
   */
  async step<Do extends ActivityName, Undo extends ActivityName, T extends Recorded | Recorded[] = ResultOf<Do>>(
    row: StepRow<Do, Undo>,
    input: () => InputOf<Do>,
    options: RunOptions<ResultOf<Do>, T> = {},
  ): Promise<T | undefined> {
    if (!this.applies(row.id)) return undefined;
    await this.approve(row.id);
    return this.run(row, input(), options);
  }

  /** The step of `row` on each side in parallel, when it applies: its gate, then one activity per side. */
  async stepPerSide<Do extends ActivityName, Undo extends ActivityName>(
    row: StepRow<Do, Undo>,
    sides: readonly Side[],
    input: (side: Side) => InputOf<Do>,
  ): Promise<ResultOf<Do>[]> {
    if (!this.applies(row.id)) return [];
    await this.approve(row.id);
    return this.perform(
      row,
      () => sides.map(input),
      (results) => results,
    );
  }

  /** The step of `row` without its gate (the caller decided it): its activity with `input`. */
  run<Do extends ActivityName, Undo extends ActivityName, T extends Recorded | Recorded[] = ResultOf<Do>>(
    row: StepRow<Do, Undo>,
    input: InputOf<Do>,
    options: RunOptions<ResultOf<Do>, T> = {},
  ): Promise<T> {
    const then = options.then ?? ((result: ResultOf<Do>) => result as unknown as T);
    return this.perform(
      row,
      () => [input],
      ([result]) => then(result!),
      options.detail,
    );
  }

  /**
   * Schedules one activity of the catalog with its timing's options and its Web UI summary; an
   * undo's summary says so and names the step it undoes.
   */
  call<N extends ActivityName>(activity: ActivityCall<N>, input: InputOf<N>, undoOf?: StepId): Promise<ResultOf<N>> {
    const summary = `${activity.name}: ${activity.summary(input)}`;
    const run = proxyActivities<CrosslinkActivities>({
      ...activityOptions(activity.timing, undoOf !== undefined, this.request),
      summary: undoOf ? `undo ${undoOf}: ${summary}` : summary,
    })[activity.name] as (input: InputOf<N>) => Promise<ResultOf<N>>;
    return run(input);
  }

  /**
   * Marks the step running, registers one undo per input (before anything runs: a step may take
   * effect and still fail), runs one activity per input in parallel, then `finish`.
   * Everything up to the activities' scheduling is synchronous, so parallel steps keep their order.
   */
  private async perform<Do extends ActivityName, Undo extends ActivityName, T extends Recorded | Recorded[]>(
    row: StepRow<Do, Undo>,
    inputs: () => InputOf<Do>[],
    finish: (results: ResultOf<Do>[]) => Promise<T> | T,
    detail?: (result: T) => string,
  ): Promise<T> {
    const id = row.id;
    this.progress.stepStarted(id);
    try {
      const branches = inputs();
      const undo = row.undo;
      if (undo) {
        // The row's type guarantees that the undo takes its step's input (domain/step-catalog.ts).
        const undoInputs = branches as unknown as InputOf<Undo>[];
        this.saga.register(
          ...undoInputs.map((input) => ({
            step: id,
            activity: undo.name,
            run: () => this.call(undo, input, id) as Promise<UndoReport>,
          })),
        );
      }
      const results = await allBranches(branches.map((input) => this.call(row.activity, input)));
      const result = await finish(results);
      const records: Recorded[] = Array.isArray(result) ? result : [result];
      this.progress.stepSucceeded(id, records, detail?.(result));
      return result;
    } catch (err) {
      if (err instanceof PartialFailure) {
        this.progress.stepPartlyDone(id, err.records);
        this.progress.stepFailed(id, describeFailure(err.cause).message);
        throw err.cause;
      }
      this.progress.stepFailed(id, describeFailure(err).message);
      throw err;
    }
  }
}

/** Some parallel branches of a step succeeded and at least one failed. */
class PartialFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly records: Recorded[],
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
  if (failure) throw new PartialFailure(failure.reason, done as Recorded[]);
  return done;
}

/** Awaits every step of a parallel group; throws the first failure once all have ended. */
export async function allSteps(steps: Promise<unknown>[]): Promise<void> {
  const settled = await Promise.allSettled(steps);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}
