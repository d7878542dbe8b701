/**
 * Running one step: wait for its gate when the policy gates it, register its undos, mark it
 * running, run its activities, record what they created. Parallel branches are always awaited to
 * the end before a failure propagates, so no undo ever runs while its step is still running.
 */
import { type StepId } from '../domain';
import { type ApprovalGates } from './approvals';
import { describeFailure } from './failures';
import { type ConnectionProgress, type Recorded } from './progress';
import { type Compensation, type Saga } from './saga';

export class StepRunner {
  constructor(
    readonly progress: ConnectionProgress,
    readonly gates: ApprovalGates,
    readonly saga: Saga,
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
   * Runs a step whose activities return records. `undos` are registered before anything runs.
   * `records` may be several (one per side, run in parallel by `body`).
   */
  async run<T extends Recorded | Recorded[]>(
    id: StepId,
    undos: Compensation[],
    body: () => Promise<T>,
    detail?: (result: T) => string,
  ): Promise<T> {
    this.saga.register(...undos);
    this.progress.stepStarted(id);
    try {
      const result = await body();
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
export async function allBranches<T extends Recorded>(branches: Promise<T>[]): Promise<T[]> {
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

/** Awaits every step of a parallel group; throws the first failure once all have ended. */
export async function allSteps(steps: Promise<unknown>[]): Promise<void> {
  const settled = await Promise.allSettled(steps);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}
