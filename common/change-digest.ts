/**
 * The digest an approval signs: SHA-256 over the canonical JSON (sorted keys) of what a gate's
 * change does (its requests and modifications; not the prose summaries), so the same change has
 * the same digest wherever it is computed: the worker (describeChange), the CLI (which recomputes
 * it from the change it shows before signing) and `crosslink plan`.
 */
import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import { type ActivityChange, type GateChange, type StepId } from '../domain';

export function changeDigest(gate: StepId, activities: readonly ActivityChange[]): string {
  const canonical = stringify({
    gate,
    activities: activities.map((a) => ({ activity: a.activity, requests: a.requests, changes: a.changes })),
  });
  return `sha256:${createHash('sha256')
    .update(canonical ?? '')
    .digest('hex')}`;
}

/** The change with its digest. */
export function gateChange(gate: StepId, activities: readonly ActivityChange[]): GateChange {
  return { gate, activities: [...activities], digest: changeDigest(gate, activities) };
}

/** Whether a change's digest is the digest of what it shows (a change shown must be the change signed). */
export function digestMatches(change: GateChange): boolean {
  return changeDigest(change.gate, change.activities) === change.digest;
}
