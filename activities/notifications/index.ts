export { type ResolvedNotificationSink, resolveNotificationSink } from './config';
export { type NotificationActivities, type NotificationResult, createNotificationActivities } from './activity';
export { NOTIFICATION_ACTIVITY_OPTIONS } from './options';
export { notificationEvent, notificationId } from './event';
