/**
 * A plan as text (`crosslink plan`, `crosslink apply -f`): per connection what apply would do, the
 * fields it modifies (before -> after), and per action what each gate of its run would approve;
 * then the counts. And an apply's per-connection status (`crosslink status <apply id>`).
 */
import {
  type ActionKind,
  type ApplyStatus,
  type DeclaredDriftRecord,
  type DesiredPlan,
  type DesiredPlanEntry,
  type PlannedAction,
  type PlannedChange,
} from '../../../domain';
import { renderChange } from './change';

const SYMBOL: Record<ActionKind, string> = {
  create: '+',
  'update-access': '~',
  rotate: '^',
  'migrate-model': '>',
  disconnect: '-',
};

/** A value on one line (JSON), shortened for the terminal. */
export function shown(value: unknown, max = 160): string {
  if (value === undefined) return '(absent)';
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

function changeLine(c: PlannedChange): string {
  if (c.before === undefined) return `${c.field}: ${shown(c.after)}`;
  if (c.after === undefined) return `${c.field}: ${shown(c.before)} -> (removed)`;
  return `${c.field}: ${shown(c.before)} -> ${shown(c.after)}`;
}

function actionLines(entry: DesiredPlanEntry, action: PlannedAction): string[] {
  const lines = [`${SYMBOL[action.kind]} ${action.kind} ${entry.connectionId}`, `    ${action.reason}`];
  for (const c of action.changes) lines.push(`    ${changeLine(c)}`);
  for (const gate of action.gates ?? []) lines.push(renderChange(gate, '    '));
  if (action.gatesNote) lines.push(`    (${action.gatesNote})`);
  return lines;
}

function countsLine(plan: Pick<DesiredPlan, 'counts'>): string {
  const c = plan.counts;
  return (
    `Plan: ${c.create} to create, ${c['update-access']} to update access, ${c.rotate} to rotate, ` +
    `${c['migrate-model']} to migrate, ${c.disconnect} to disconnect; ${c.unchanged} unchanged, ` +
    `${c.blocked} blocked, ${c.undeclared} not declared.`
  );
}

/** The whole plan, for people. */
export function renderPlan(plan: DesiredPlan): string {
  const lines = [
    `Plan ${plan.id} of ${plan.source} against the estate discovered ${plan.discoveredAt}${plan.prune ? ' (--prune)' : ''}:`,
    '',
  ];
  const changed = plan.entries.filter((e) => e.status === 'change');
  for (const entry of changed) {
    for (const action of entry.actions) lines.push(...actionLines(entry, action), '');
  }
  for (const entry of plan.entries.filter((e) => e.status === 'blocked')) {
    lines.push(`! blocked ${entry.connectionId}`, `    ${entry.note ?? ''}`, '');
  }
  const unchanged = plan.entries.filter((e) => e.status === 'unchanged');
  if (unchanged.length > 0) lines.push(`= unchanged: ${unchanged.map((e) => e.connectionId).join(', ')}`, '');
  const undeclared = plan.entries.filter((e) => e.status === 'undeclared');
  if (undeclared.length > 0) {
    lines.push(`? not declared (kept; --prune disconnects): ${undeclared.map((e) => e.connectionId).join(', ')}`, '');
  }
  if (changed.length === 0 && plan.entries.every((e) => e.status !== 'blocked')) {
    lines.push('No changes: the estate is as the file declares.', '');
  }
  lines.push(countsLine(plan));
  return lines.join('\n');
}

/** An apply's status: per connection, each action's state and its run (approve its gates by the connection id). */
export function renderApplyStatus(status: ApplyStatus): string {
  const all = status.connections.flatMap((c) => c.actions);
  const done = all.filter((a) => a.state === 'done').length;
  const lines = [
    `Apply ${status.applyId} of plan ${status.planId} (${status.phase}), requested by ${status.requestedBy}: ${done}/${all.length} action(s) done`,
  ];
  for (const c of status.connections) {
    for (const a of c.actions) {
      lines.push(`  ${a.kind.padEnd(13)} ${a.state.padEnd(8)} ${c.connectionId}${a.runId ? ` (run ${a.runId})` : ''}`);
      if (a.reason) lines.push(`  ${' '.repeat(13)} ${a.reason}`);
    }
  }
  for (const change of status.changedSincePlan ?? []) {
    lines.push(`  changed since the plan: ${change.connectionId}`);
    for (const c of change.changes.slice(0, 10)) lines.push(`    ${changeLine(c)}`);
  }
  return lines.join('\n');
}

/** The scheduled reconcile's findings, under `crosslink connections`: what differs from the declared state. */
export function declaredDriftLines(record: DeclaredDriftRecord | undefined): string[] {
  if (!record || record.connections.length === 0) return [];
  const applied = record.applied ? `; applying ${record.applied.kinds.join(', ')}: ${record.applied.applyId}` : '';
  return [
    `Differs from the declared state (${record.source}${record.revision ? ` ${record.revision.slice(0, 19)}` : ''}; reconcile ${record.reconcile} at ${record.at}${applied}):`,
    ...record.connections.map(
      (c) => `  ${c.connectionId}: ${c.plan.map((a) => a.kind).join(', ') || c.status} (${c.drift.detail})`,
    ),
    'crosslink plan -f <the file> shows the plan; crosslink apply -f <the file> applies it.',
    '',
  ];
}
