/**
 * The CLI's Temporal Schedules (the audit's, the reconcile's): created once, and on a later call
 * brought to what is asked (interval, action, policies) instead of failing because it exists.
 */
import { type Client, type ScheduleOptions, ScheduleAlreadyRunning } from '@temporalio/client';

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
