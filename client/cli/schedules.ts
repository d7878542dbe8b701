/**
 * The CLI's Temporal Schedules (the audit's, the reconcile's): created once, and on a later call
 * brought to what is asked (interval, action, policies) instead of failing because it exists;
 * triggered; and read back as the result of their newest completed run. A missing schedule is
 * said as the command that creates it.
 */
import { type Client, type ScheduleOptions, ScheduleAlreadyRunning, ScheduleNotFoundError } from '@temporalio/client';
import { type CliContext, cliCommand } from './context';
import { CliError } from './errors';
import { EXIT } from './exit-codes';

/** One of the CLI's schedules: its id, and the command (`audit`, `reconcile`) whose `schedule` creates it. */
export interface CliSchedule {
  id: string;
  command: string;
}

/** Creates the schedule, or updates it in place: running the command twice changes nothing more. */
export async function createOrUpdateSchedule(client: Client, wanted: ScheduleOptions): Promise<'created' | 'updated'> {
  try {
    await client.schedule.create(wanted);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(wanted.scheduleId).update((previous) => ({
    ...previous,
    spec: wanted.spec,
    action: wanted.action,
    policies: { ...previous.policies, ...wanted.policies },
  }));
  return 'updated';
}

/** Runs `fn` on the schedule; a schedule that does not exist is a NOT_FOUND naming the command that creates it. */
async function onSchedule<T>(ctx: CliContext | undefined, schedule: CliSchedule, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
    const create = `${ctx ? cliCommand(ctx) : 'crosslink'} ${schedule.command} schedule`;
    throw new CliError(
      EXIT.NOT_FOUND,
      `no ${schedule.command} schedule "${schedule.id}": create it with \`${create}\``,
    );
  }
}

/** Starts the schedule's workflow now. */
export async function triggerSchedule(ctx: CliContext, client: Client, schedule: CliSchedule): Promise<void> {
  await onSchedule(ctx, schedule, () => client.schedule.getHandle(schedule.id).trigger());
}

/** The result of the newest completed run among the schedule's recent actions (undefined: none yet). */
export async function latestCompletedRun(
  client: Client,
  schedule: CliSchedule,
  ctx?: CliContext,
): Promise<{ result: unknown; workflowId: string; runId: string } | undefined> {
  const description = await onSchedule(ctx, schedule, () => client.schedule.getHandle(schedule.id).describe());
  const actions = [...description.info.recentActions].sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime());
  for (const action of actions) {
    const { workflowId, firstExecutionRunId: runId } = action.action.workflow;
    const handle = client.workflow.getHandle(workflowId, runId);
    if ((await handle.describe()).status.name !== 'COMPLETED') continue;
    return { result: await handle.result(), workflowId, runId };
  }
  return undefined;
}
