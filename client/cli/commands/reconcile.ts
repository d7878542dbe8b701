/**
 * `crosslink reconcile schedule|run|report`: the Temporal Schedule that plans the declared state
 * (where the worker's `desiredState` says) against the estate, records drift on the inventory and
 * notifies; it applies only what the operator's policy (`desiredState.autoApply`) allows, and every
 * run it starts waits at its gates. Like the audit's schedule (commands/audit.ts).
 */
import { type Client, type ScheduleOptions } from '@temporalio/client';
import { type Command, InvalidArgumentError } from 'commander';
import { Duration, RECONCILE_SCHEDULE_ID, RECONCILE_WORKFLOW, TASK_QUEUE } from '../../../domain';
import { type ReconcileReport } from '../../../workflows/reconcile-desired-state';
import { type CliContext, cliCommand } from '../context';
import { type CliSchedule, createOrUpdateSchedule, latestCompletedRun, triggerSchedule } from '../schedules';
import { EXIT, type ExitCode } from '../exit-codes';
import { requestRefresh } from '../inventory-client';
import { declaredDriftLines } from '../render/desired-plan';

/** The schedule `reconcile schedule` creates: one reconcile per interval, never two at once. */
export function reconcileSchedule(every: string, taskQueue = TASK_QUEUE): ScheduleOptions {
  return {
    scheduleId: RECONCILE_SCHEDULE_ID,
    spec: { intervals: [{ every: every as `${number}h` }] },
    action: {
      type: 'startWorkflow',
      workflowType: RECONCILE_WORKFLOW,
      taskQueue,
      workflowId: 'crosslink-reconcile',
      args: [],
    },
    policies: { overlap: 'SKIP', catchupWindow: '1m' },
  };
}

/** Creates the reconcile schedule, or updates its interval: running it twice changes nothing more. */
export async function scheduleReconcile(
  client: Client,
  every: string,
  taskQueue = TASK_QUEUE,
): Promise<'created' | 'updated'> {
  return createOrUpdateSchedule(client, reconcileSchedule(every, taskQueue));
}

const RECONCILE: CliSchedule = { id: RECONCILE_SCHEDULE_ID, command: 'reconcile' };

async function scheduleCommand(ctx: CliContext, opts: { every: string; json?: boolean }): Promise<ExitCode> {
  const client = await ctx.client();
  const outcome = await scheduleReconcile(client, opts.every);
  // The reconcile records its findings on the inventory workflow: make sure there is one.
  await requestRefresh(client, { reason: `reconcile schedule ${outcome}` });
  ctx.out(
    opts.json
      ? JSON.stringify({ scheduleId: RECONCILE_SCHEDULE_ID, outcome, every: opts.every })
      : `Reconcile schedule ${RECONCILE_SCHEDULE_ID} ${outcome}: every ${opts.every}. It plans the worker's desiredState source against the estate and records drift; it applies only the kinds desiredState.autoApply names, and their runs wait at their gates.`,
  );
  return EXIT.OK;
}

async function runCommand(ctx: CliContext, opts: { json?: boolean }): Promise<ExitCode> {
  const client = await ctx.client();
  await triggerSchedule(ctx, client, RECONCILE);
  ctx.out(
    opts.json
      ? JSON.stringify({ scheduleId: RECONCILE_SCHEDULE_ID, triggered: true })
      : `Reconcile triggered on schedule ${RECONCILE_SCHEDULE_ID}; \`${cliCommand(ctx)} reconcile report\` shows it once it completes.`,
  );
  return EXIT.OK;
}

async function reportCommand(ctx: CliContext, opts: { json?: boolean }): Promise<ExitCode> {
  const run = await latestCompletedRun(await ctx.client(), RECONCILE, ctx);
  const latest = run && { report: run.result as ReconcileReport };
  if (!latest) {
    ctx.out(opts.json ? 'null' : `No completed reconcile yet: \`${cliCommand(ctx)} reconcile run\` starts one now.`);
    return EXIT.OK;
  }
  if (opts.json) {
    ctx.out(JSON.stringify(latest.report));
    return EXIT.OK;
  }
  const { record } = latest.report;
  const lines = record.connections.length
    ? declaredDriftLines(record)
    : [
        `As declared: ${record.source} (${record.revision ?? ''}) matches the estate (reconcile ${record.reconcile} at ${record.at}).`,
      ];
  if (latest.report.notApplied) lines.push(`Not applied: ${latest.report.notApplied}.`);
  ctx.out(lines.join('\n').trimEnd());
  return EXIT.OK;
}

function duration(value: string): string {
  const parsed = Duration.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? 'not a duration');
  return parsed.data;
}

export function registerReconcileCommand(
  program: Command,
  ctx: CliContext,
  run: (p: Promise<ExitCode>) => Promise<void>,
): void {
  const reconcile = program
    .command('reconcile')
    .description(
      "scheduled plan of the declared state (the worker's desiredState) against the estate: drift, notified",
    );
  reconcile
    .command('schedule')
    .description('create the reconcile schedule, or update its interval')
    .option('--every <duration>', 'how often the reconcile runs', duration, '1h')
    .option('--json', 'print the outcome as JSON')
    .action((opts: { every: string; json?: boolean }) => run(scheduleCommand(ctx, opts)));
  reconcile
    .command('run')
    .description('run the scheduled reconcile now')
    .option('--json', 'print the outcome as JSON')
    .action((opts: { json?: boolean }) => run(runCommand(ctx, opts)));
  reconcile
    .command('report')
    .description("the latest completed reconcile's findings")
    .option('--json', 'print the report as JSON')
    .action((opts: { json?: boolean }) => run(reportCommand(ctx, opts)));
  for (const cmd of reconcile.commands) {
    cmd.exitOverride().configureOutput({
      writeOut: (s) => ctx.out(s.replace(/\n$/, '')),
      writeErr: (s) => ctx.err(s.replace(/\n$/, '')),
    });
  }
}
