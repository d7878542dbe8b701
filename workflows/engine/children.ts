/**
 * A plan's `children` entry runs child workflows; this runs them with a limit on how many hold
 * the same key at once (an apply: the deployments a run writes to), each as soon as every key it
 * needs has room. Deterministic: the wait is a workflow `condition`, and taking the room happens in
 * the same activation step as the check, so two children never both take the last place.
 */
import { condition } from '@temporalio/workflow';

export interface LimitedChild {
  /** What the child holds while it runs; at most `limit` children hold the same key at once. */
  keys: readonly string[];
  /** Called once the child has room (it may start a run, or several in order). */
  run(): Promise<void>;
  /** Told when the child waits for room (its status can say so). */
  waiting?(): void;
}

/** Runs every child, at most `limit` at once per key (undefined: no limit); resolves when all ended, rejects with the first failure. */
export async function runLimited(children: readonly LimitedChild[], limit: number | undefined): Promise<void> {
  const held = new Map<string, number>();
  const hasRoom = (c: LimitedChild) => limit === undefined || c.keys.every((k) => (held.get(k) ?? 0) < limit);
  const take = (c: LimitedChild, by: 1 | -1) => {
    for (const k of new Set(c.keys)) held.set(k, (held.get(k) ?? 0) + by);
  };
  const runOne = async (c: LimitedChild): Promise<void> => {
    if (!hasRoom(c)) c.waiting?.();
    // Checked again after each wake-up: another child may have taken the place in the meantime.
    while (!hasRoom(c)) await condition(() => hasRoom(c));
    take(c, 1);
    try {
      await c.run();
    } finally {
      take(c, -1);
    }
  };
  const settled = await Promise.allSettled(children.map(runOne));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}
