export { type ResolvedNotificationSink, resolveNotificationSink } from './config';
export { type NotificationActivities, type NotificationResult, createNotificationActivities } from './activity';
export { notificationEvent, notificationId } from './event';
