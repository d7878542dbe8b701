/**
 * docs/operations.md, from the declared plans (domain/plans.ts): one Mermaid diagram per operation
 * (steps, parallel groups, gates, undo edges) and the list of its rows. `npm run docs:operations`
 * rewrites it; test/domain/plans.test.ts fails when it differs from the plans.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ActivityOptions } from '@temporalio/workflow';
import { CATALOG_ACTIVITIES, PLANS, type Plan, UNDO_ACTIVITIES, rowEntries, rowOf, sidesOf } from '../../domain';
import { NOTIFICATION_ACTIVITY_OPTIONS, activityOptions } from '../../workflows/activity-timing';
import { planMermaid } from '../../client/cli/render/plan-diagram';

export const OPERATIONS_DOC = resolve(__dirname, '../../docs/operations.md');

function rowsTable(plan: Plan<never>): string[] {
  const model = plan.model ?? 'api_key';
  const lines = ['| row | step | activity | follow-up | undo | options |', '| --- | --- | --- | --- | --- | --- |'];
  if (plan.facts === 'inspect') lines.push('| `inspect` | `preflight` | `inspectConnection` | | | before the plan |');
  for (const entry of rowEntries(plan)) {
    const row = rowOf(entry.row);
    const sides = sidesOf(entry.row, model);
    const options = [
      sides ? `per side: ${sides.join(', ')}` : '',
      entry.gate && typeof entry.gate === 'object' ? `gate skipped when \`${entry.gate.coveredBy}\` ran` : '',
      row.followUp?.gateInside ? 'gate before the follow-up, only when needed' : '',
      entry.input ? 'input built from earlier rows' : '',
      entry.undoInput ? 'undo input built when it runs' : '',
      entry.keepOnUndo ? 'undo may keep (reason recorded)' : '',
      entry.commit ? 'commit: no rollback after it' : '',
      entry.unlisted ? 'no progress row (a last check)' : '',
      entry.facts ? 'its result is the facts (decisions, policy)' : '',
    ].filter(Boolean);
    lines.push(
      `| \`${entry.row}\` | \`${row.step}\` | \`${row.activity.name}\` | ${row.followUp ? `\`${row.followUp.call.name}\`` : ''} | ${row.undo ? `\`${row.undo.name}\`` : ''} | ${options.join('; ')} |`,
    );
  }
  for (const entry of plan.entries) {
    if (entry.kind === 'gate') lines.push(`| (gate) | \`${entry.step}\` | | | | always waits |`);
    if (entry.kind === 'reclaim')
      lines.push(
        `| (reclaim) | | ${[...entry.rows]
          .reverse()
          .map((r) => `\`${rowOf(r).undo?.name ?? ''}\``)
          .join(', ')} | | | the connect's undos, newest first, to the end |`,
      );
    if (entry.kind === 'children') lines.push(`| (children) | | ${entry.summary} | | | |`);
  }
  return lines;
}

type Duration = string | number | undefined;
const shown = (d: Duration) => (d === undefined ? '' : typeof d === 'number' ? `${Math.round(d / 60_000)}m` : d);

/** Every activity's options, from the catalog's timings (workflows/activity-timing.ts). */
function timeoutsTable(): string[] {
  const lines = [
    '| activity | timing | start-to-close | heartbeat | schedule-to-close (retries end) | first retry, max interval |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  const undos = new Set(UNDO_ACTIVITIES);
  const row = (name: string, timing: string, o: ActivityOptions) =>
    lines.push(
      `| \`${name}\` | ${timing} | ${shown(o.startToCloseTimeout)} | ${shown(o.heartbeatTimeout)} | ${shown(o.scheduleToCloseTimeout) || 'none (bounded by start-to-close per attempt)'} | ${shown(o.retry?.initialInterval)}, ${shown(o.retry?.maximumInterval)}${o.retry?.maximumAttempts ? `, at most ${o.retry.maximumAttempts} attempts` : ''} |`,
    );
  for (const call of CATALOG_ACTIVITIES) {
    const undo = undos.has(call.name);
    row(call.name, `${call.timing}${undo ? ' (undo)' : ''}`, activityOptions(call.timing, undo, undefined));
  }
  row('describeChange', 'quick', activityOptions('quick', false, undefined));
  row('verifyApprovalDecision', 'quick', activityOptions('quick', false, undefined));
  row('sendNotification', 'notification', NOTIFICATION_ACTIVITY_OPTIONS);
  return lines;
}

export function operationsDoc(): string {
  const parts = [
    '# Operations',
    '',
    '<!-- generated from domain/plans.ts by `npm run docs:operations`; test/domain/plans.test.ts checks it -->',
    '',
    'Every operation is a plan: an ordered list of rows of the step catalog (`domain/step-catalog.ts`), run by the',
    'one runner (`workflows/engine/plan-runner.ts`). In the diagrams a hexagon is an approval gate (`policy`: when',
    'the approval policy or the request gates the step, shown here with the default policy; `always`: the',
    'operation always asks), a dashed edge leads to the activity that undoes the step when the run rolls back',
    '(newest first), and a box of rows runs in parallel once all their gates are decided.',
    '`crosslink status <workflow-id> --format mermaid` draws a run the same way, each step coloured by its state.',
  ];
  for (const [name, plan] of Object.entries(PLANS)) {
    parts.push(
      '',
      `## ${name}`,
      '',
      `${plan.summary}.`,
      '',
      '```mermaid',
      planMermaid(plan),
      '```',
      '',
      ...rowsTable(plan),
    );
  }
  parts.push(
    '',
    '## Activity timeouts',
    '',
    "Every activity heartbeats: the worker's interceptor beats every 3 s while it runs (steps that can resume",
    'beat their own progress), so a worker that dies costs its runs the heartbeat timeout plus one retry',
    'interval. Only `Transient` failures are retried; undos get a longer retry budget than steps. `verify`',
    "follows the request's `verifyTimeout` (shown for the default, 5m).",
    '',
    ...timeoutsTable(),
  );
  return `${parts.join('\n')}\n`;
}

/** docs/operations.md as `npm run format` leaves it (the repository's prettier settings). */
export async function formattedOperationsDoc(): Promise<string> {
  const prettier = await import('prettier');
  const config = await prettier.resolveConfig(OPERATIONS_DOC);
  return prettier.format(operationsDoc(), { ...config, filepath: OPERATIONS_DOC });
}

async function main(): Promise<void> {
  writeFileSync(OPERATIONS_DOC, await formattedOperationsDoc());
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
