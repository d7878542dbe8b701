/**
 * A Temporal history assembled from a harness run: the started event with the workflow input, and
 * for each command the events the server would record (activity scheduled / started / completed or
 * failed with the payloads the worker sent, search attribute upserts, accepted updates, signals, the
 * close). It feeds `crosslink history` (auditTrailFromHistory + renderHistory) in the secrets audit.
 */
import { type Payload, defaultPayloadConverter } from '@temporalio/common';
import { type temporal } from '@temporalio/proto';
import { type HarnessRun } from '../../harness/workflow-harness';
import { type ActivityRecord } from './recorder';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
/** Event ids are int64 (Long) in the proto types; plain numbers serve every reader used here. */
const int64 = (n: number) => n as unknown as NonNullable<HistoryEvent['eventId']>;

export interface SentMessage {
  name: string;
  args: unknown[];
}

export function historyOf(input: {
  request: unknown;
  run: HarnessRun;
  records: readonly ActivityRecord[];
  updates: readonly SentMessage[];
  signals: readonly SentMessage[];
}): temporal.api.history.v1.IHistory {
  const events: HistoryEvent[] = [];
  const toPayload = (v: unknown): Payload => defaultPayloadConverter.toPayload(v);
  const push = (event: HistoryEvent): number => {
    const eventId = events.length + 1;
    events.push({
      ...event,
      eventId: int64(eventId),
      eventTime: { seconds: int64(1_767_225_600 + eventId), nanos: 0 },
    });
    return eventId;
  };
  push({ workflowExecutionStartedEventAttributes: { input: { payloads: [toPayload(input.request)] } } });
  const updates = [...input.updates];
  for (const command of input.run.commands) {
    if (command.scheduleActivity) {
      const s = command.scheduleActivity;
      const activityId = s.activityId ?? String(s.seq);
      const scheduledEventId = push({
        activityTaskScheduledEventAttributes: {
          activityId,
          activityType: { name: s.activityType ?? '' },
          input: { payloads: s.arguments ?? [] },
        },
      });
      const attempts = input.records.filter((r) => r.activityId === activityId && r.activity === s.activityType);
      const last = attempts.at(-1);
      if (!last) continue;
      push({
        activityTaskStartedEventAttributes: { scheduledEventId: int64(scheduledEventId), attempt: last.attempt },
      });
      if (last.failure) {
        push({
          activityTaskFailedEventAttributes: {
            scheduledEventId: int64(scheduledEventId),
            failure: last.failure as temporal.api.failure.v1.IFailure,
          },
        });
      } else {
        push({
          activityTaskCompletedEventAttributes: {
            scheduledEventId: int64(scheduledEventId),
            result: { payloads: [toPayload(last.result)] },
          },
        });
      }
    } else if (command.upsertWorkflowSearchAttributes) {
      push({
        upsertWorkflowSearchAttributesEventAttributes: {
          searchAttributes: command.upsertWorkflowSearchAttributes.searchAttributes ?? null,
        },
      });
    } else if (command.updateResponse?.completed) {
      const sent = updates.shift();
      if (!sent) continue;
      const updateId = command.updateResponse.protocolInstanceId ?? '';
      push({
        workflowExecutionUpdateAcceptedEventAttributes: {
          acceptedRequest: {
            meta: { updateId, identity: 'secrets-audit' },
            input: { name: sent.name, args: { payloads: sent.args.map(toPayload) } },
          },
        },
      });
      push({
        workflowExecutionUpdateCompletedEventAttributes: {
          meta: { updateId },
          outcome: { success: { payloads: [command.updateResponse.completed] } },
        },
      });
    } else if (command.completeWorkflowExecution || command.failWorkflowExecution) {
      for (const signal of input.signals) {
        push({
          workflowExecutionSignaledEventAttributes: {
            signalName: signal.name,
            input: { payloads: signal.args.map(toPayload) },
            identity: 'secrets-audit',
          },
        });
      }
      if (command.completeWorkflowExecution) {
        push({
          workflowExecutionCompletedEventAttributes: {
            result: { payloads: [command.completeWorkflowExecution.result ?? toPayload(null)] },
          },
        });
      } else {
        push({ workflowExecutionFailedEventAttributes: { failure: command.failWorkflowExecution!.failure ?? null } });
      }
    }
  }
  return { events };
}
