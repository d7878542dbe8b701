/** Which crosslink step an activity type performs or undoes (for logs and the audit trail), from the step catalog. */
import { type ActivityName, STEP_CATALOG, STEP_IDS, type StepId, type StepRow, stepActivities } from '../domain';

export interface ActivityStep {
  step: StepId;
  /** True for the activity that undoes the step. */
  undo: boolean;
}

const STEP_OF_ACTIVITY: ReadonlyMap<string, ActivityStep> = new Map(
  STEP_IDS.flatMap((id) => {
    const undo: StepRow['undo'] = STEP_CATALOG[id].undo;
    const pairs: Array<[ActivityName, ActivityStep]> = stepActivities(id).map((a) => [a, { step: id, undo: false }]);
    if (undo) pairs.push([undo.name, { step: id, undo: true }]);
    return pairs;
  }),
);

export function stepOfActivity(activityType: string): ActivityStep | undefined {
  return STEP_OF_ACTIVITY.get(activityType);
}
