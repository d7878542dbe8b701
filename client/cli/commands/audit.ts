import { type Client, type ScheduleOptions } from '@temporalio/client';
import { AUDIT_SCHEDULE_ID, AUDIT_WORKFLOW, AuditOptions, AuditReport, INVENTORY_WORKFLOW_ID } from '../../../domain';
import { TASK_QUEUE } from '../../../domain';
import { type CliContext, cliCommand } from '../context';
import { type CliSchedule, createOrUpdateSchedule, latestCompletedRun, triggerSchedule } from '../schedules';
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

const AUDIT: CliSchedule = { id: AUDIT_SCHEDULE_ID, command: 'audit' };

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
  await triggerSchedule(ctx, client, AUDIT);
  ctx.out(
    opts.json
      ? JSON.stringify({ scheduleId: AUDIT_SCHEDULE_ID, triggered: true })
      : `Audit triggered on schedule ${AUDIT_SCHEDULE_ID}; \`${cliCommand(ctx)} audit report\` shows it once it completes.`,
  );
  return EXIT.OK;
}

/** The report of the newest completed audit among the schedule's recent actions. */
export async function latestAuditReport(
  client: Client,
  ctx?: CliContext,
): Promise<{ report: AuditReport; run: { workflowId: string; runId: string } } | undefined> {
  const latest = await latestCompletedRun(client, AUDIT, ctx);
  return (
    latest && { report: AuditReport.parse(latest.result), run: { workflowId: latest.workflowId, runId: latest.runId } }
  );
}

export async function auditReportCommand(ctx: CliContext, opts: { json?: boolean }): Promise<ExitCode> {
  const latest = await latestAuditReport(await ctx.client(), ctx);
  if (!latest) {
    ctx.out(opts.json ? 'null' : `No completed audit yet: \`${cliCommand(ctx)} audit run\` starts one now.`);
    return EXIT.OK;
  }
  ctx.out(opts.json ? JSON.stringify(latest.report) : renderAuditReport(latest.report, latest.run));
  return EXIT.OK;
}
