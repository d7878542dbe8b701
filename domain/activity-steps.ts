/** Which crosslink step an activity type performs or undoes (for logs and the audit trail), from the step catalog. */
import { type ActivityName } from './activities';
import { INSPECT_CONNECTION, ROTATION, STEP_CATALOG, type StepRow, stepActivities } from './step-catalog';
import { STEP_IDS, type StepId } from './step-ids';

export interface ActivityStep {
  step: StepId;
  /** True for the activity that undoes the step. */
  undo: boolean;
}

/** The lifecycle operations' own activities: the inspection stands in for preflight, rotate's around its steps. */
const LIFECYCLE: Array<[string, ActivityStep]> = [
  [INSPECT_CONNECTION.name, { step: 'preflight', undo: false }],
  [ROTATION.createKey.name, { step: 'api-key', undo: false }],
  [ROTATION.invalidateNewKey.name, { step: 'api-key', undo: true }],
  [ROTATION.restoreKeystore.name, { step: 'keystore', undo: true }],
  [ROTATION.reload.name, { step: 'restart', undo: false }],
  [ROTATION.restart.name, { step: 'restart', undo: false }],
  // The old key's invalidation ends the rotation's api-key step (after verify); it undoes nothing.
  [ROTATION.invalidateOldKey.name, { step: 'api-key', undo: false }],
];

const STEP_OF_ACTIVITY: ReadonlyMap<string, ActivityStep> = new Map([
  ...STEP_IDS.flatMap((id) => {
    const undo: StepRow['undo'] = STEP_CATALOG[id].undo;
    const pairs: Array<[ActivityName, ActivityStep]> = stepActivities(id).map((a) => [a, { step: id, undo: false }]);
    if (undo) pairs.push([undo.name, { step: id, undo: true }]);
    return pairs;
  }),
  ...LIFECYCLE,
]);

export function stepOfActivity(activityType: string): ActivityStep | undefined {
  return STEP_OF_ACTIVITY.get(activityType);
}
