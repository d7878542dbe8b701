/** Which crosslink step an activity type performs or undoes (for logs and the audit trail), from the step catalog. */
import { ROW_IDS, type StepId, rowOf } from './step-catalog';

export interface ActivityStep {
  step: StepId;
  /** True for the activity that undoes the step. */
  undo: boolean;
}

const STEP_OF_ACTIVITY: ReadonlyMap<string, ActivityStep> = new Map(
  ROW_IDS.flatMap((id) => {
    const row = rowOf(id);
    const pairs: Array<[string, ActivityStep]> = [
      [row.activity.name, { step: row.step, undo: false }],
      ...(row.followUp ? [[row.followUp.call.name, { step: row.step, undo: false }] as [string, ActivityStep]] : []),
      ...(row.undo ? [[row.undo.name, { step: row.step, undo: true }] as [string, ActivityStep]] : []),
    ];
    return pairs;
  }).reverse(), // a Map keeps the last of duplicates: reversed, the first row that names an activity wins
);

export function stepOfActivity(activityType: string): ActivityStep | undefined {
  return STEP_OF_ACTIVITY.get(activityType);
}
