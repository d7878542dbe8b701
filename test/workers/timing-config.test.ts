/** The environments file's `timing` section: durations become the activities' timing overrides. */
import { EnvironmentsFile, timingOverrides } from '../../domain';

const base = {
  environments: {
    'ece-a': {
      coordinatorUrl: 'https://ece-a.example:12443',
      apiKey: { env: 'ECE_A_KEY' },
    },
  },
};

test('planFirstCheck and friends are read as durations, absent fields keep the defaults', () => {
  const file = EnvironmentsFile.safeParse({ ...base, timing: { planFirstCheck: '500ms', planSlotWait: '45m' } });
  if (!file.success) throw new Error(JSON.stringify(file.error.issues));
  expect(timingOverrides(file.data.timing)).toEqual({ planFirstCheckMs: 500, planSlotWaitMs: 45 * 60_000 });
  expect(timingOverrides(undefined)).toEqual({});
});

test('a timing value that is not a duration, or an unknown field, is refused naming it', () => {
  const bad = EnvironmentsFile.safeParse({ ...base, timing: { planFirstCheck: 'soon' } });
  expect(bad.success).toBe(false);
  expect(JSON.stringify(bad.error?.issues)).toContain('planFirstCheck');
  const unknown = EnvironmentsFile.safeParse({ ...base, timing: { planFirstCheckSeconds: 2 } });
  expect(unknown.success).toBe(false);
});
