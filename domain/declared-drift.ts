/**
 * Drift from the declared state: what the scheduled reconcile (workflows/reconcile-desired-state.ts)
 * found when it planned the desired-state file against the estate. Each connection that differs is
 * a drift record of kind `declared`, with the plan that would repair it (its actions and what they
 * modify); the inventory workflow keeps the latest record (`crosslink connections` shows it).
 */
import { z } from 'zod';
import { ActionKind, type DesiredPlanBody, EntryStatus, PlanCounts, PlannedChange } from './desired-plan';
import { lazySchema } from './lazy-schema';

/** One connection that differs from the declared state. */
export const DeclaredConnectionDrift = lazySchema(() =>
  z.object({
    connectionId: z.string(),
    alias: z.string(),
    local: z.object({ environment: z.string(), deploymentId: z.string() }),
    remote: z.object({ environment: z.string(), deploymentId: z.string() }).optional(),
    status: EntryStatus,
    /**
     * The drift item (a DriftItem of kind `declared`, domain/drift.ts, defined here so the inventory
     * view that holds it does not import the audit's module): what differs, and the repair.
     */
    drift: z.object({
      kind: z.literal('declared'),
      detail: z.string(),
      repair: z.array(z.enum(['apply', 'investigate'])).min(1),
    }),
    /** The plan that repairs it: the actions an apply would start, in order, and what each modifies. */
    plan: z.array(z.object({ kind: ActionKind, reason: z.string(), changes: z.array(PlannedChange) })),
  }),
);
export type DeclaredConnectionDrift = z.infer<typeof DeclaredConnectionDrift>;

/** The latest reconcile's findings, as the inventory workflow keeps them. */
export const DeclaredDriftRecord = lazySchema(() =>
  z.object({
    /** When the reconcile planned (workflow time). */
    at: z.string(),
    /** The reconcile run's workflow id. */
    reconcile: z.string(),
    /** Where the desired state came from, and its revision (a git commit, or the file's sha256). */
    source: z.string(),
    revision: z.string().optional(),
    discoveredAt: z.string(),
    counts: PlanCounts,
    connections: z.array(DeclaredConnectionDrift),
    /** The apply the reconcile started (only the kinds the operator's policy lets it apply), if any. */
    applied: z.object({ applyId: z.string(), kinds: z.array(ActionKind), actions: z.number().int() }).optional(),
  }),
);
export type DeclaredDriftRecord = z.infer<typeof DeclaredDriftRecord>;

/** At most this many changed fields per action in a record (the plan itself has them all). */
const CHANGES_KEPT = 20;

function detailOf(entry: DesiredPlanBody['entries'][number]): string {
  if (entry.status !== 'change') return entry.note ?? entry.status;
  return entry.actions.map((a) => `${a.kind}: ${a.reason}`).join('; ');
}

/** The drift records of a plan: every connection that is not as declared (changed, blocked, or not declared). */
export function declaredDrift(plan: Pick<DesiredPlanBody, 'entries' | 'source'>): DeclaredConnectionDrift[] {
  return plan.entries
    .filter((e) => e.status !== 'unchanged')
    .map((e) => ({
      connectionId: e.connectionId,
      alias: e.alias,
      local: e.local,
      ...(e.remote ? { remote: e.remote } : {}),
      status: e.status,
      drift: {
        kind: 'declared' as const,
        detail: `differs from ${plan.source}: ${detailOf(e)}`.slice(0, 2000),
        repair: e.status === 'blocked' ? ['investigate' as const] : ['apply' as const],
      },
      plan: e.actions.map((a) => ({ kind: a.kind, reason: a.reason, changes: a.changes.slice(0, CHANGES_KEPT) })),
    }));
}
