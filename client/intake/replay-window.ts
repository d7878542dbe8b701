/**
 * Event ids this intake processed recently, each with the digest of its event: a bounded in-memory
 * window that answers a redelivery without asking Temporal ("duplicate, nothing started"), the same
 * id with other content with a conflict, and a delivery of an event still being processed with the
 * first delivery's outcome once it is known (the concurrent copies wait for it).
 *
 * It is a per-process cache. What makes duplicate detection durable, across restarts and replicas,
 * is the start record in the run's memo (client/start-or-find.ts), which the intake checks before
 * every start; signals need no record (the workflow refuses a repeated decision).
 */

export interface ReplayWindowOptions {
  windowMs: number;
  /** Most ids held at once; beyond it new events wait (503) rather than pushing out live ids. */
  maxEntries: number;
  now?: () => number;
}

export interface Outcome {
  workflowId: string;
  runId?: string;
  status: string;
}

/** How the first delivery of an event ended: it took effect, or not (then its answer, for the copies). */
export type Settled<R> = { kind: 'completed'; outcome: Outcome } | { kind: 'released'; answer: R };

export type Claim<R> =
  | { kind: 'new' }
  | { kind: 'duplicate'; outcome: Outcome }
  | { kind: 'conflict' }
  /** The first delivery is still being processed: `settled` resolves when it ends. */
  | { kind: 'in-flight'; settled: Promise<Settled<R>> }
  | { kind: 'full' };

interface Entry<R> {
  digest: string;
  expiresAt: number;
  outcome?: Outcome;
  waiters: Array<(settled: Settled<R>) => void>;
}

export class ReplayWindow<R = unknown> {
  private readonly entries = new Map<string, Entry<R>>();
  private readonly now: () => number;

  constructor(private readonly options: ReplayWindowOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Reserves `id` for this event, or says what became of it (or will: `in-flight`). */
  claim(id: string, digest: string): Claim<R> {
    this.expire();
    const entry = this.entries.get(id);
    if (entry) {
      if (entry.digest !== digest) return { kind: 'conflict' };
      if (entry.outcome) return { kind: 'duplicate', outcome: entry.outcome };
      return { kind: 'in-flight', settled: new Promise((resolve) => entry.waiters.push(resolve)) };
    }
    if (this.entries.size >= this.options.maxEntries) return { kind: 'full' };
    this.entries.set(id, { digest, expiresAt: this.now() + this.options.windowMs, waiters: [] });
    return { kind: 'new' };
  }

  /** The event took effect: redeliveries within the window, and the copies waiting now, get this outcome. */
  complete(id: string, outcome: Outcome): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.outcome = outcome;
    this.settle(entry, { kind: 'completed', outcome });
  }

  /**
   * The event did not take effect (Temporal unavailable, no such workflow): it is forgotten, so a
   * later redelivery tries again; the copies waiting now get the first delivery's `answer`.
   */
  release(id: string, answer: R): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.settle(entry, { kind: 'released', answer });
  }

  private settle(entry: Entry<R>, settled: Settled<R>): void {
    const waiters = entry.waiters.splice(0);
    for (const resolve of waiters) resolve(settled);
  }

  /** Entries are in insertion order and share one window length, so expired ones are at the front. */
  private expire(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      if (!entry.outcome) continue; // in flight: kept until it settles
      this.entries.delete(id);
    }
  }
}
