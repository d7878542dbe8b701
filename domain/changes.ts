/**
 * What an approval gate guards: the exact change the steps behind it will make, read from the
 * systems when the gate opens (`describeChange`, activities/changes.ts): per activity, the ECE and
 * Elasticsearch requests it sends (secrets redacted; a read-modify-write shows the part this step
 * sets) and what it modifies, before -> after. The approver's token signs the change's digest
 * (common/change-digest.ts); the worker refuses a token signed for another change, and a change
 * that differs when the step is about to run opens the gate again.
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import { StepId } from './step-catalog';

export const ChangeRequest = lazySchema(() =>
  z.object({
    system: z.enum(['ece', 'elasticsearch']),
    environment: z.string(),
    deploymentId: z.string().optional(),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    path: z.string(),
    /** What this step sets (secrets as "[redacted]"); for a whole-object rewrite, only its own part. */
    body: z.unknown().optional(),
  }),
);
export type ChangeRequest = z.infer<typeof ChangeRequest>;

export const FieldChange = lazySchema(() =>
  z.object({
    /** What is modified, e.g. `access of key abc`, `cluster.remote.logs.proxy_address`. */
    what: z.string(),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
  }),
);
export type FieldChange = z.infer<typeof FieldChange>;

/** One activity's part of the change. */
export const ActivityChange = lazySchema(() =>
  z.object({
    activity: z.string(),
    /** One line, for prompts and the Web UI. */
    summary: z.string(),
    requests: z.array(ChangeRequest),
    changes: z.array(FieldChange),
  }),
);
export type ActivityChange = z.infer<typeof ActivityChange>;

/** The change a gate guards, and its digest (SHA-256 of its canonical JSON: common/change-digest.ts). */
export const GateChange = lazySchema(() =>
  z.object({
    gate: StepId,
    activities: z.array(ActivityChange),
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  }),
);
export type GateChange = z.infer<typeof GateChange>;

/** Input of the `describeChange` activity: the calls the gate lets through. */
export interface DescribeChangeInput {
  gate: StepId;
  calls: Array<{ activity: string; input: unknown }>;
}

/** The value that stands for a secret in a described request. */
export const REDACTED = '[redacted]';
