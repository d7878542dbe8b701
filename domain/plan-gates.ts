/**
 * What each gate of a plan lets through: the activities it guards, with their inputs (what the
 * `describeChange` activity describes as requests and before -> after). The runner asks this when a
 * gate opens (workflows/engine/plan-runner.ts); a plan of the desired state asks it before any run
 * exists, from the facts preflight (or the inspection) reads now (activities/lifecycle/describe-plan.ts),
 * so both describe a gate the same way.
 */
import { type Side } from './activities';
import { MissingResult, type Plan, type PlanContext, type PlanEntry, type RowEntry } from './plans';
import { type RowId, type SecurityModel, type StepId, rowOf, sidesOf } from './step-catalog';

/** One activity a gate lets through, with its input. */
export interface GuardedCall {
  activity: string;
  input: unknown;
}

/** A row's input for one side (the runner adds the side to a per-side row's input). */
export function rowInput<Extra>(
  entry: RowEntry<RowId, Extra>,
  ctx: PlanContext<Extra>,
  side: Side | undefined,
): unknown {
  const input = entry.input ? entry.input(ctx, side) : ctx.stepInput;
  return side ? { ...(input as object), side } : input;
}

/** The activities an entry runs, with their inputs (what its gate lets through). */
export function guardedCalls<Extra>(
  entry: PlanEntry<Extra>,
  ctx: PlanContext<Extra>,
  model: SecurityModel,
): GuardedCall[] {
  const sidesOfRow = (id: RowId) => sidesOf(id, model) ?? [undefined];
  switch (entry.kind) {
    case 'row': {
      const row = rowOf(entry.row);
      return sidesOfRow(entry.row).map((side) => ({ activity: row.activity.name, input: rowInput(entry, ctx, side) }));
    }
    case 'parallel':
      return entry.rows.flatMap((r) => guardedCalls(r, ctx, model));
    case 'reclaim':
      return reclaimCalls(entry.rows, ctx, model);
    default:
      return [];
  }
}

/** The undos a reclaim runs, newest first, each once per side (the runner passes the rows its run reclaims). */
export function reclaimCalls<Extra>(
  rows: readonly RowId[],
  ctx: PlanContext<Extra>,
  model: SecurityModel,
): GuardedCall[] {
  return [...rows].reverse().flatMap((id) => {
    const undo = rowOf(id).undo;
    return undo
      ? (sidesOf(id, model) ?? [undefined]).map((side) => ({
          activity: undo.name,
          input: side ? { ...ctx.stepInput, side } : ctx.stepInput,
        }))
      : [];
  });
}

/** A gate a plan's run would wait at, what it lets through, and when it waits (a follow-up's gate: only if needed). */
export type PlannedGate =
  | { gate: StepId; calls: GuardedCall[]; condition?: string }
  /** The gate's calls take what an earlier step returns: known only once the run gets there. */
  | { gate: StepId; note: string };

export interface PlannedGatesInput<Extra> {
  plan: Plan<Extra>;
  ctx: PlanContext<Extra>;
  model: SecurityModel;
  /** Whether the step applies (preflight's or the inspection's decisions). */
  applies(step: StepId): boolean;
  /** Whether the policy, the request or a change's rule gates the step. */
  gated(step: StepId): boolean;
}

function callsOrNote(gate: StepId, calls: () => GuardedCall[], condition?: string): PlannedGate {
  try {
    return { gate, calls: calls(), ...(condition ? { condition } : {}) };
  } catch (err) {
    if (!(err instanceof MissingResult)) throw err;
    return { gate, note: `its change takes what ${err.row} returns: it is described when the run reaches it` };
  }
}

/**
 * The gates the plan's run would wait at, in order, with what each lets through, as the runner
 * places them: before a row (a parallel group's gates all before the group), before a row's
 * follow-up (only when the follow-up is needed), or an operation's own gate before the entry after it;
 * a row whose gate another row's approval covers adds none.
 */
export function plannedGates<Extra>(input: PlannedGatesInput<Extra>): PlannedGate[] {
  const { plan, ctx, model } = input;
  const out: PlannedGate[] = [];
  const seen = new Set<StepId>();
  const add = (gate: PlannedGate) => {
    if (seen.has(gate.gate)) return;
    seen.add(gate.gate);
    out.push(gate);
  };
  const row = (entry: RowEntry<RowId, Extra>) => {
    const r = rowOf(entry.row);
    if (entry.unlisted || !input.applies(r.step) || !input.gated(r.step)) return;
    if (typeof entry.gate === 'object') return; // covered by another row's approval
    const inside = entry.gate === 'inside' || (entry.gate === undefined && r.followUp?.gateInside);
    if (inside && r.followUp) {
      const followUp = r.followUp.call.name;
      add(
        callsOrNote(
          r.step,
          () => [{ activity: followUp, input: rowInput(entry, ctx, undefined) }],
          `only if ${r.activity.name} finds it needed`,
        ),
      );
      return;
    }
    add(callsOrNote(r.step, () => guardedCalls(entry, ctx, model)));
  };
  plan.entries.forEach((entry, i) => {
    if (entry.kind === 'row') row(entry);
    else if (entry.kind === 'parallel') entry.rows.forEach(row);
    else if (entry.kind === 'gate') {
      const next = plan.entries[i + 1];
      add(callsOrNote(entry.step, () => (next ? guardedCalls(next, ctx, model) : [])));
    }
  });
  return out;
}
