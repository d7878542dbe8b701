/**
 * What a run did to the systems, read from its workflow history: what each step created (the
 * `created` of every completed step activity), what each undo removed (the `removed` of every
 * completed undo), and the undos that failed. Pure: takes a history (live or recorded). For a run
 * that ended without undoing (terminated, timed out), "created" minus "undone" is what it left,
 * as far as its own record goes; what is there now is the inventory's to say.
 */
import { type Payload, defaultPayloadConverter } from '@temporalio/common';
import { type temporal } from '@temporalio/proto';
import { CreatedResource } from '../../../domain';
import { stepOfActivity } from '../../../domain/activity-steps';

type History = temporal.api.history.v1.IHistory;
type Failure = temporal.api.failure.v1.IFailure;

export interface RunEffects {
  created: CreatedResource[];
  undone: CreatedResource[];
  undoFailures: Array<{ activity: string; message: string }>;
}

function decode(payload: Payload | null | undefined): unknown {
  if (!payload) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(payload);
  } catch {
    return undefined;
  }
}

function resources(value: unknown): CreatedResource[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((r) => {
    const parsed = CreatedResource.safeParse(r);
    return parsed.success ? [parsed.data] : [];
  });
}

function innermost(failure: Failure | null | undefined): string {
  let f = failure;
  while (f?.cause && !f.applicationFailureInfo) f = f.cause;
  return f?.message ?? failure?.message ?? 'failed';
}

export function runEffectsFromHistory(history: History): RunEffects {
  const activities = new Map<string, string>();
  const effects: RunEffects = { created: [], undone: [], undoFailures: [] };
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      activities.set(String(event.eventId ?? ''), scheduled.activityType?.name ?? '');
      continue;
    }
    const completed = event.activityTaskCompletedEventAttributes;
    const failed = event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes;
    const activity = activities.get(String((completed ?? failed)?.scheduledEventId ?? '')) ?? '';
    const step = stepOfActivity(activity);
    if (!step) continue;
    if (completed) {
      const result = decode(completed.result?.payloads?.[0]) as { created?: unknown; removed?: unknown } | undefined;
      if (step.undo) effects.undone.push(...resources(result?.removed));
      else effects.created.push(...resources(result?.created));
    } else if (failed && step.undo) {
      effects.undoFailures.push({ activity, message: innermost(failed.failure) });
    }
  }
  return effects;
}
