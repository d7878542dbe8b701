import { type Client, type ScheduleOptions, ScheduleNotFoundError } from '@temporalio/client';
import { AUDIT_SCHEDULE_ID, AUDIT_WORKFLOW, AuditOptions, AuditReport, INVENTORY_WORKFLOW_ID } from '../../../domain';
import { TASK_QUEUE } from '../../../domain';
import { type CliContext, cliCommand } from '../context';
import { CliError } from '../errors';
import { createOrUpdateSchedule } from '../schedules';
import { EXIT, type ExitCode } from '../exit-codes';
import { requestRefresh } from '../inventory-client';
import { renderAuditReport } from '../render/audit';

export interface AuditScheduleOptions {
  every: string;
  expiryWarning: string;
  json?: boolean;
}

/** The schedule `audit schedule` creates: one audit per interval, never two at once. */
export function auditSchedule(opts: AuditScheduleOptions, taskQueue = TASK_QUEUE): ScheduleOptions {
  const args = [AuditOptions.parse({ expiryWarning: opts.expiryWarning })];
  return {
    scheduleId: AUDIT_SCHEDULE_ID,
    spec: { intervals: [{ every: opts.every as `${number}h` }] },
    action: { type: 'startWorkflow', workflowType: AUDIT_WORKFLOW, taskQueue, workflowId: 'crosslink-audit', args },
    policies: { overlap: 'SKIP', catchupWindow: '1m' },
  };
}

function noSchedule(): CliError {
  return new CliError(
    EXIT.NOT_FOUND,
    `no audit schedule "${AUDIT_SCHEDULE_ID}": create it with \`crosslink audit schedule\``,
  );
}

/** Creates the audit schedule, or updates its interval and options: running it twice changes nothing more. */
export async function scheduleAudit(
  client: Client,
  opts: AuditScheduleOptions,
  taskQueue = TASK_QUEUE,
): Promise<'created' | 'updated'> {
  return createOrUpdateSchedule(client, auditSchedule(opts, taskQueue));
}

export async function auditScheduleCommand(ctx: CliContext, opts: AuditScheduleOptions): Promise<ExitCode> {
  const client = await ctx.client();
  const outcome = await scheduleAudit(client, opts);
  // Each audit asks the inventory workflow to refresh: make sure there is one to ask.
  await requestRefresh(client, { reason: `audit schedule ${outcome}` });
  const summary = { scheduleId: AUDIT_SCHEDULE_ID, outcome, every: opts.every, expiryWarning: opts.expiryWarning };
  ctx.out(
    opts.json
      ? JSON.stringify(summary)
      : `Audit schedule ${AUDIT_SCHEDULE_ID} ${outcome}: every ${opts.every}, key expiry warning ${opts.expiryWarning}. Each audit also refreshes the inventory (${INVENTORY_WORKFLOW_ID}).`,
  );
  return EXIT.OK;
}

export async function auditRunCommand(ctx: CliContext, opts: { json?: boolean }): Promise<ExitCode> {
  const client = await ctx.client();
  try {
    await client.schedule.getHandle(AUDIT_SCHEDULE_ID).trigger();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw noSchedule();
    throw err;
  }
  ctx.out(
    opts.json
      ? JSON.stringify({ scheduleId: AUDIT_SCHEDULE_ID, triggered: true })
      : `Audit triggered on schedule ${AUDIT_SCHEDULE_ID}; \`${cliCommand(ctx)} audit report\` shows it once it completes.`,
  );
  return EXIT.OK;
}

/** The report of the newest completed run among the schedule's recent actions. */
export async function latestAuditReport(
  client: Client,
): Promise<{ report: AuditReport; run: { workflowId: string; runId: string } } | undefined> {
  let description;
  try {
    description = await client.schedule.getHandle(AUDIT_SCHEDULE_ID).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw noSchedule();
    throw err;
  }
  const actions = [...description.info.recentActions].sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime());
  for (const action of actions) {
    const { workflowId, firstExecutionRunId: runId } = action.action.workflow;
    const handle = client.workflow.getHandle(workflowId, runId);
    const { status } = await handle.describe();
    if (status.name !== 'COMPLETED') continue;
    return { report: AuditReport.parse(await handle.result()), run: { workflowId, runId } };
  }
  return undefined;
}

export async function auditReportCommand(ctx: CliContext, opts: { json?: boolean }): Promise<ExitCode> {
  const latest = await latestAuditReport(await ctx.client());
  if (!latest) {
    ctx.out(opts.json ? 'null' : `No completed audit yet: \`${cliCommand(ctx)} audit run\` starts one now.`);
    return EXIT.OK;
  }
  ctx.out(opts.json ? JSON.stringify(latest.report) : renderAuditReport(latest.report, latest.run));
  return EXIT.OK;
}
