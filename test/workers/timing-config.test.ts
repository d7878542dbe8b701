/** The environments file's `timing` section: durations become the activities' timing overrides. */
import { EnvironmentsFile, timingOverrides } from '../../domain';
import { loadWorkerConfig } from '../../workers/config';

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

test('planSlotPoll sets how often a write that waits for another plan looks again', () => {
  const file = EnvironmentsFile.safeParse({ ...base, timing: { planSlotPoll: '5s', planPoll: '1s' } });
  if (!file.success) throw new Error(JSON.stringify(file.error.issues));
  expect(timingOverrides(file.data.timing)).toEqual({ planSlotPollMs: 5_000, planPollMs: 1_000 });
});

/** Loads an environments file with this `timing` section the way a worker does, and returns what it refuses with. */
function refusal(timing: unknown): string {
  const text = JSON.stringify({ ...base, timing });
  try {
    loadWorkerConfig({ path: 'environments.json', readFile: () => text, env: { ECE_A_KEY: 'k' } });
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`timing ${JSON.stringify(timing)} was accepted`);
}

test('a timing value that is not a duration, or an unknown field, is refused naming it', () => {
  expect(refusal({ planFirstCheck: 'soon' })).toBe(
    'invalid environments file environments.json: timing.planFirstCheck: must be a duration such as "90s", "30m", "24h" or "7d"',
  );
  expect(refusal({ planFirstCheckSeconds: 2 })).toBe(
    'invalid environments file environments.json: timing: Unrecognized key: "planFirstCheckSeconds"',
  );
});
