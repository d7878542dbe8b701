/**
 * `sendNotification`: the activity a workflow calls when a gate opens, a run connects, rolls back or
 * fails, or an audit finds drift. Without a configured sink it does nothing and says so.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  FailureType,
  Notification,
  type NotificationActivities,
  type NotificationResult,
  fieldErrors,
} from '../../domain';
import { type ResolvedNotificationSink } from './config';
import { deliverNotification } from './send';

export type { NotificationActivities, NotificationResult };

export function createNotificationActivities(sink: ResolvedNotificationSink | undefined): NotificationActivities {
  return {
    async sendNotification(input) {
      const parsed = Notification.safeParse(input);
      if (!parsed.success) {
        const errors = fieldErrors(parsed.error).map((e) => `${e.field}: ${e.message}`);
        throw ApplicationFailure.create({
          type: FailureType.BadRequest,
          nonRetryable: true,
          message: `invalid notification: ${errors.join('; ')}`,
        });
      }
      if (!sink) return { delivered: false, detail: `${parsed.data.kind}: no notification sink configured` };
      const sent = await deliverNotification(sink, parsed.data, Context.current().cancellationSignal);
      return { delivered: true, detail: `${parsed.data.kind}: ${sent.type} ${sent.id} answered ${sent.status}` };
    },
  };
}
