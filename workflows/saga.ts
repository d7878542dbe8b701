/**
 * Compensation. Each step registers its undo BEFORE it runs (the step may take effect and still
 * fail, e.g. a lost response), and every undo takes the step's own input and is idempotent, so
 * running it for a step that changed nothing is harmless. Undos run in reverse order in a
 * non-cancellable scope, so a cancelled run still cleans up. A failed undo is recorded and the
 * remaining undos still run; it is never swallowed.
 */
import { CancellationScope } from '@temporalio/workflow';
import { type ActivityName, type CompensationFailure, type StepId, type UndoReport } from '../domain';
import { type ConnectionProgress } from './progress';
import { describeFailure } from './failures';

export interface Compensation {
  step: StepId;
  activity: ActivityName;
  run: () => Promise<UndoReport>;
}

export class Saga {
  private readonly compensations: Compensation[] = [];

  constructor(private readonly progress: ConnectionProgress) {}

  register(...compensations: Compensation[]): void {
    this.compensations.push(...compensations);
  }

  /** Runs every registered undo, newest first; returns the ones that still failed after their retries. */
  async compensate(): Promise<CompensationFailure[]> {
    return CancellationScope.nonCancellable(async () => {
      const failures: CompensationFailure[] = [];
      for (const undo of [...this.compensations].reverse()) {
        this.progress.undoStarted(undo.step);
        try {
          const report = await undo.run();
          this.progress.undoSucceeded(undo.step, report.detail);
        } catch (err) {
          const failure = { step: undo.step, activity: undo.activity, message: describeFailure(err).message };
          this.progress.undoFailed(failure);
          failures.push(failure);
        }
      }
      this.compensations.length = 0;
      return failures;
    });
  }
}
