import { ReplayWindow } from '../../client/intake/replay-window';

describe('the replay window', () => {
  let now = 0;
  const window = () => new ReplayWindow({ windowMs: 600_000, maxEntries: 2, now: () => now });

  test('an id is a duplicate while remembered, new again after the window', () => {
    now = 0;
    const w = window();
    expect(w.claim('a', 'd1')).toEqual({ kind: 'new' });
    expect(w.claim('a', 'd1')).toEqual({ kind: 'in-flight' });
    w.complete('a', { workflowId: 'wf', status: 'started' });
    expect(w.claim('a', 'd1')).toEqual({ kind: 'duplicate', outcome: { workflowId: 'wf', status: 'started' } });
    expect(w.claim('a', 'd2')).toEqual({ kind: 'conflict' });
    now = 600_000;
    expect(w.claim('a', 'd2')).toEqual({ kind: 'new' });
  });

  test('a released id can be claimed again; a full window refuses rather than forgetting live ids', () => {
    now = 0;
    const w = window();
    w.claim('a', 'd');
    w.release('a');
    expect(w.claim('a', 'd')).toEqual({ kind: 'new' });
    w.claim('b', 'd');
    expect(w.claim('c', 'd')).toEqual({ kind: 'full' });
    now = 600_001;
    expect(w.claim('c', 'd')).toEqual({ kind: 'new' });
    expect(w.size).toBe(1);
  });
});
