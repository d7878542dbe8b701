/** Which crosslink step an activity type performs or undoes (for logs and the audit trail). */
import { STEP_CATALOG, STEP_IDS, type StepId } from '../domain';

export interface ActivityStep {
  step: StepId;
  /** True for the activity that undoes the step. */
  undo: boolean;
}

const STEP_OF_ACTIVITY: ReadonlyMap<string, ActivityStep> = new Map(
  STEP_IDS.flatMap((id) => {
    const row = STEP_CATALOG[id];
    const pairs: Array<[string, ActivityStep]> = row.activities.map((a) => [a, { step: id, undo: false }]);
    if (row.undo) pairs.push([row.undo, { step: id, undo: true }]);
    return pairs;
  }),
);

export function stepOfActivity(activityType: string): ActivityStep | undefined {
  return STEP_OF_ACTIVITY.get(activityType);
}
