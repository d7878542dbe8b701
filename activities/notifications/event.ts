/** A notification as a CloudEvent: type from the kind, the data as given, an id stable across retries. */
import { createHash } from 'node:crypto';
import { CloudEvent } from 'cloudevents';
import { NOTIFICATION_TYPE_BY_KIND, type Notification } from '../../domain';

export const NOTIFICATION_SOURCE = '/crosslink/worker';

/**
 * The id is a digest of the type and data, so an activity retry sends the same id and the sink can
 * drop the repeat; base64url, so it never holds the "." Standard Webhooks forbids in ids.
 */
export function notificationId(notification: Notification): string {
  const type = NOTIFICATION_TYPE_BY_KIND[notification.kind];
  return (
    'ntf_' +
    createHash('sha256')
      .update(JSON.stringify([type, notification]))
      .digest('base64url')
      .slice(0, 32)
  );
}

export function notificationEvent(notification: Notification, now = new Date()): CloudEvent<Notification> {
  return new CloudEvent<Notification>({
    specversion: '1.0',
    id: notificationId(notification),
    source: NOTIFICATION_SOURCE,
    type: NOTIFICATION_TYPE_BY_KIND[notification.kind],
    subject: notification.workflowId,
    time: now.toISOString(),
    datacontenttype: 'application/json',
    data: notification,
  });
}
