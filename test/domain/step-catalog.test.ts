import { readFileSync } from 'node:fs';
import { README, readmeTableRows, stepTableRows } from '../../scripts/docs/step-table';
import {
  CATALOG_ACTIVITIES,
  ROW_IDS,
  STEP_CATALOG,
  STEP_IDS,
  UNDO_ACTIVITIES,
  rowActivities,
  rowOf,
} from '../../domain';
import { stepOfActivity } from '../../domain/activity-steps';
import { stepImplementations } from '../../activities';

describe('the step catalog', () => {
  it("is what the README's step table says (regenerate with npm run docs:steps)", () => {
    expect(readmeTableRows(readFileSync(README, 'utf8'))).toEqual(stepTableRows());
  });

  it('has a row for every step id, keyed by the step it shows as', () => {
    for (const id of STEP_IDS) expect(rowOf(id).step).toBe(id);
    for (const id of ROW_IDS) expect(STEP_IDS).toContain(STEP_CATALOG[id].step);
  });

  it('names no activity as both a step and an undo, and the CLI maps each back to its step', () => {
    const performing = ROW_IDS.flatMap((id) => rowActivities(id));
    expect(performing.filter((name) => UNDO_ACTIVITIES.includes(name))).toEqual([]);
    for (const id of ROW_IDS) {
      for (const name of rowActivities(id)) expect(stepOfActivity(name)?.undo).toBe(false);
    }
    for (const id of STEP_IDS) {
      for (const name of rowActivities(id)) expect(stepOfActivity(name)).toEqual({ step: id, undo: false });
    }
    expect(UNDO_ACTIVITIES.map((name) => stepOfActivity(name)?.undo)).toEqual(UNDO_ACTIVITIES.map(() => true));
  });

  it("has one implementation per activity, found in its row's step file (activities/steps/<row id>.ts)", () => {
    const found = stepImplementations();
    expect([...found.keys()].sort()).toEqual(CATALOG_ACTIVITIES.map((call) => call.name).sort());
  });
});
