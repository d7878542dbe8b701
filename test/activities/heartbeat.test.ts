/**
 * Every activity heartbeats while it runs (activities/heartbeat.ts): the interceptor's beat repeats
 * the step's own last progress, never erasing what a retry resumes from, and stops with the activity.
 */
import { type Context } from '@temporalio/activity';
import { HEARTBEAT_EVERY_MS, heartbeatWithDetails, keepBeating } from '../../activities/heartbeat';

function fakeContext(previousAttempt?: unknown) {
  const beats: unknown[] = [];
  const ctx = { heartbeat: (d: unknown) => beats.push(d), info: { heartbeatDetails: previousAttempt } };
  return { ctx: ctx as unknown as Context, beats };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

it('beats every few seconds while the activity runs, carrying the previous attempt’s details until the step sends its own', () => {
  const { ctx, beats } = fakeContext({ step: 'deployment-trust', adding: 'c1' });
  const stop = keepBeating(ctx);
  expect(beats).toEqual([]); // nothing at once: most activities end within a beat
  jest.advanceTimersByTime(HEARTBEAT_EVERY_MS);
  expect(beats).toEqual([{ step: 'deployment-trust', adding: 'c1' }]);
  heartbeatWithDetails(ctx, { plan: 'p-1', polls: 3 });
  jest.advanceTimersByTime(2 * HEARTBEAT_EVERY_MS);
  expect(beats.slice(1)).toEqual([
    { plan: 'p-1', polls: 3 },
    { plan: 'p-1', polls: 3 },
    { plan: 'p-1', polls: 3 },
  ]);
  stop();
  jest.advanceTimersByTime(10 * HEARTBEAT_EVERY_MS);
  expect(beats).toHaveLength(4);
});

it('beats well within the shortest heartbeat timeout', async () => {
  const { HEARTBEAT_TIMEOUT } = await import('../../workflows/activity-timing');
  expect(Number.parseInt(HEARTBEAT_TIMEOUT, 10) * 1000).toBeGreaterThanOrEqual(4 * HEARTBEAT_EVERY_MS);
});
