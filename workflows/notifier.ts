/**
 * Notifications from workflows (docs/notifications.md): only when the worker has a sink (preflight
 * or discovery says so), never failing the run: `sendNotification` retries within
 * NOTIFICATION_ACTIVITY_OPTIONS, and its final failure is logged and left in history.
 * Sends run in a non-cancellable scope, so a cancelled run still says it rolled back.
 */
import { CancellationScope, log, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import {
  type ConnectionRequest,
  type NotificationActivities,
  type NotificationInput,
  type NotificationKind,
} from '../domain';
import { NOTIFICATION_ACTIVITY_OPTIONS } from './activity-timing';

/** Runs recorded before notifications existed replay without them. */
export const NOTIFICATIONS_PATCH = 'notifications';

type Summary = 'workflowId' | 'runId' | 'alias' | 'local' | 'remote';
type Event<K extends NotificationKind = NotificationKind> = K extends NotificationKind
  ? Omit<Extract<NotificationInput, { kind: K }>, Summary>
  : never;

/** Schedules one `sendNotification`; resolves whatever happens to it. */
export function sendNotification(notification: NotificationInput, summary: string): Promise<void> {
  const { sendNotification: send } = proxyActivities<NotificationActivities>({
    ...NOTIFICATION_ACTIVITY_OPTIONS,
    summary: `notify: ${summary}`,
  });
  return CancellationScope.nonCancellable(() => send(notification)).then(
    () => undefined,
    (err: unknown) => log.warn('notification not delivered', { kind: notification.kind, error: String(err) }),
  );
}

/** The connection workflow's notifications about its own run. */
export class Notifier {
  private enabled = false;
  private readonly sending: Promise<void>[] = [];

  constructor(private readonly request: ConnectionRequest) {}

  /** Turns notifications on when the worker has a sink (preflight's `notify`), in runs that are new enough. */
  adopt(notify: boolean | undefined): void {
    this.enabled = notify === true && patched(NOTIFICATIONS_PATCH);
  }

  /** Sends without making the run wait; `settled` waits for every send. */
  send(event: Event, summary: string): void {
    if (!this.enabled) return;
    const { workflowId, runId } = workflowInfo();
    const { local, remote, alias } = this.request;
    this.sending.push(
      sendNotification(
        {
          workflowId,
          runId,
          alias,
          local: { environment: local.environment, deploymentId: local.deploymentId },
          remote: { environment: remote.environment, deploymentId: remote.deploymentId },
          ...event,
        } as NotificationInput,
        summary,
      ),
    );
  }

  /** Waits for every notification sent so far (before the run ends, or they would be dropped). */
  async settled(): Promise<void> {
    await Promise.all(this.sending);
  }
}
