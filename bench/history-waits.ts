/**
 * How long a run waited, read from its history: for each activity, the time from
 * ActivityTaskScheduled to the start of the attempt that closed it (the queue wait, plus, after a
 * lost worker, the dead attempt's heartbeat timeout and the retry interval); for each workflow task,
 * the time from WorkflowTaskScheduled to WorkflowTaskStarted, and the tasks that timed out (a task
 * the lost worker had taken).
 */
import { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

export interface ActivityWait {
  activity: string;
  /** Scheduled to the start of the attempt that closed it, ms. */
  waitMs: number;
  attempts: number;
  /** When the attempt that closed it started (epoch ms, the server's clock). */
  startedAtMs: number;
  /** How it closed: completed, failed, timed-out, cancelled, or open (still running). */
  outcome: string;
}

export interface RunWaits {
  /** The activity that waited longest before the attempt that closed it. */
  longestActivity?: ActivityWait;
  /** Activities that needed more than one attempt. */
  retried: ActivityWait[];
  /** Longest WorkflowTaskScheduled to WorkflowTaskStarted, ms. */
  longestWorkflowTaskWaitMs: number;
  workflowTaskTimeouts: number;
}

function eventMs(e: HistoryEvent): number {
  const t = e.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : NaN;
}

const CLOSE_OUTCOMES = new Map<number, string>([
  [EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, 'completed'],
  [EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED, 'failed'],
  [EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT, 'timed-out'],
  [EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED, 'cancelled'],
]);

function closedScheduledId(e: HistoryEvent): number | undefined {
  const attrs =
    e.activityTaskCompletedEventAttributes ??
    e.activityTaskFailedEventAttributes ??
    e.activityTaskTimedOutEventAttributes ??
    e.activityTaskCanceledEventAttributes;
  return attrs?.scheduledEventId == null ? undefined : Number(attrs.scheduledEventId);
}

export function runWaits(events: readonly HistoryEvent[]): RunWaits {
  const scheduled = new Map<number, { activity: string; at: number }>();
  const started = new Map<number, { at: number; attempts: number }>();
  const closed = new Map<number, string>();
  let workflowTaskScheduledAt: number | undefined;
  let longestWorkflowTaskWaitMs = 0;
  let workflowTaskTimeouts = 0;
  for (const e of events) {
    const id = Number(e.eventId ?? 0);
    switch (e.eventType) {
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        scheduled.set(id, {
          activity: e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?',
          at: eventMs(e),
        });
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const a = e.activityTaskStartedEventAttributes;
        started.set(Number(a?.scheduledEventId ?? 0), { at: eventMs(e), attempts: a?.attempt ?? 1 });
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
        workflowTaskScheduledAt = eventMs(e);
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
        if (workflowTaskScheduledAt !== undefined)
          longestWorkflowTaskWaitMs = Math.max(longestWorkflowTaskWaitMs, eventMs(e) - workflowTaskScheduledAt);
        workflowTaskScheduledAt = undefined;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
        workflowTaskTimeouts += 1;
        break;
      default: {
        const outcome = CLOSE_OUTCOMES.get(e.eventType ?? 0);
        const scheduledId = outcome ? closedScheduledId(e) : undefined;
        if (outcome && scheduledId !== undefined) closed.set(scheduledId, outcome);
      }
    }
  }
  const waits: ActivityWait[] = [...scheduled].map(([id, s]) => {
    const st = started.get(id);
    return {
      activity: s.activity,
      waitMs: st ? st.at - s.at : NaN,
      attempts: st?.attempts ?? 0,
      startedAtMs: st?.at ?? NaN,
      outcome: closed.get(id) ?? 'open',
    };
  });
  const measured = waits.filter((w) => Number.isFinite(w.waitMs));
  return {
    ...(measured.length ? { longestActivity: measured.reduce((a, b) => (b.waitMs > a.waitMs ? b : a)) } : {}),
    retried: waits.filter((w) => w.attempts > 1),
    longestWorkflowTaskWaitMs,
    workflowTaskTimeouts,
  };
}
