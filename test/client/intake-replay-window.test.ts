import { ReplayWindow } from '../../client/intake/replay-window';

describe('the replay window', () => {
  let now = 0;
  const window = () => new ReplayWindow<string>({ windowMs: 600_000, maxEntries: 2, now: () => now });

  test('an id is a duplicate while remembered, new again after the window', () => {
    now = 0;
    const w = window();
    expect(w.claim('a', 'd1')).toEqual({ kind: 'new' });
    expect(w.claim('a', 'd1')).toMatchObject({ kind: 'in-flight' });
    w.complete('a', { workflowId: 'wf', status: 'started' });
    expect(w.claim('a', 'd1')).toEqual({ kind: 'duplicate', outcome: { workflowId: 'wf', status: 'started' } });
    expect(w.claim('a', 'd2')).toEqual({ kind: 'conflict' });
    now = 600_000;
    expect(w.claim('a', 'd2')).toEqual({ kind: 'new' });
  });

  test('copies in flight learn how the first delivery ended: its outcome, or its answer when it failed', async () => {
    now = 0;
    const w = window();
    w.claim('a', 'd');
    const copy = w.claim('a', 'd');
    w.complete('a', { workflowId: 'wf', runId: 'r1', status: 'started' });
    await expect(copy.kind === 'in-flight' && copy.settled).resolves.toEqual({
      kind: 'completed',
      outcome: { workflowId: 'wf', runId: 'r1', status: 'started' },
    });
    w.claim('b', 'd');
    const waiting = w.claim('b', 'd');
    w.release('b', '503: Temporal is unavailable');
    await expect(waiting.kind === 'in-flight' && waiting.settled).resolves.toEqual({
      kind: 'released',
      answer: '503: Temporal is unavailable',
    });
    expect(w.claim('b', 'd')).toEqual({ kind: 'new' });
  });

  test('a released id can be claimed again; a full window refuses rather than forgetting live ids', () => {
    now = 0;
    const w = window();
    w.claim('a', 'd');
    w.release('a', 'failed');
    expect(w.claim('a', 'd')).toEqual({ kind: 'new' });
    w.complete('a', { workflowId: 'wf', status: 'started' });
    w.claim('b', 'd');
    expect(w.claim('c', 'd')).toEqual({ kind: 'full' });
    now = 600_001;
    w.complete('b', { workflowId: 'wf', status: 'started' });
    expect(w.claim('c', 'd')).toEqual({ kind: 'new' });
    expect(w.size).toBe(1);
  });
});
