import { readFileSync } from 'node:fs';
import { README, readmeTableRows, stepTableRows } from '../../scripts/docs/step-table';
import { STEP_IDS, UNDO_ACTIVITIES, stepActivities } from '../../domain';
import { stepOfActivity } from '../../domain/activity-steps';

describe('the step catalog', () => {
  it("is what the README's step table says (regenerate with npm run docs:steps)", () => {
    expect(readmeTableRows(readFileSync(README, 'utf8'))).toEqual(stepTableRows());
  });

  it('names every activity once, and the CLI maps each back to its step', () => {
    const names = STEP_IDS.flatMap((id) => stepActivities(id));
    const all = [...names, ...UNDO_ACTIVITIES];
    expect(new Set(all).size).toBe(all.length);
    for (const id of STEP_IDS) {
      for (const name of stepActivities(id)) expect(stepOfActivity(name)).toEqual({ step: id, undo: false });
    }
    expect(UNDO_ACTIVITIES.map((name) => stepOfActivity(name)?.undo)).toEqual(UNDO_ACTIVITIES.map(() => true));
  });
});
