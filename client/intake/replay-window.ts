/**
 * Event ids seen recently, each with the digest of its event: a bounded in-memory window that turns
 * a redelivery into "duplicate, nothing started" and the same id with other content into a conflict.
 * It must cover at least twice the signature tolerance (a timestamp may be up to the tolerance in
 * the past or the future), so a replay either meets its id here or fails the timestamp check.
 * Per process: replicas and restarts each start empty (docs/intake.md says what covers that).
 */

export interface ReplayWindowOptions {
  windowMs: number;
  /** Most ids held at once; beyond it new events wait (503) rather than pushing out live ids. */
  maxEntries: number;
  now?: () => number;
}

export interface Outcome {
  workflowId: string;
  status: string;
}

export type Claim =
  | { kind: 'new' }
  | { kind: 'duplicate'; outcome: Outcome }
  | { kind: 'conflict' }
  | { kind: 'in-flight' }
  | { kind: 'full' };

interface Entry {
  digest: string;
  expiresAt: number;
  outcome?: Outcome;
}

export class ReplayWindow {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: ReplayWindowOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Reserves `id` for this event, or says why it cannot be processed now. */
  claim(id: string, digest: string): Claim {
    this.expire();
    const entry = this.entries.get(id);
    if (entry) {
      if (entry.digest !== digest) return { kind: 'conflict' };
      return entry.outcome ? { kind: 'duplicate', outcome: entry.outcome } : { kind: 'in-flight' };
    }
    if (this.entries.size >= this.options.maxEntries) return { kind: 'full' };
    this.entries.set(id, { digest, expiresAt: this.now() + this.options.windowMs });
    return { kind: 'new' };
  }

  /** The event took effect: redeliveries within the window answer with this outcome. */
  complete(id: string, outcome: Outcome): void {
    const entry = this.entries.get(id);
    if (entry) entry.outcome = outcome;
  }

  /** The event did not take effect (Temporal unavailable, no such workflow): a redelivery may try again. */
  release(id: string): void {
    this.entries.delete(id);
  }

  /** Entries are in insertion order and share one window length, so expired ones are at the front. */
  private expire(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(id);
    }
  }
}
