/**
 * The deliberate change the plan test makes: a row added to the connect plans right after
 * preflight (a second `verify`, as a release might add a check), with or without the row's `patch`.
 */
import { type Plan, type RowEntry, connectPlan } from '../../../domain';

export const PLAN_PATCH_ID = 'early-reachability-check';

export function withAddedRow(patch: string | undefined) {
  return (model: Parameters<typeof connectPlan>[0]): Plan => {
    const plan = connectPlan(model);
    const added: RowEntry = { kind: 'row', row: 'verify', unlisted: true, ...(patch ? { patch } : {}) };
    return { ...plan, entries: [plan.entries[0]!, added, ...plan.entries.slice(1)] };
  };
}
