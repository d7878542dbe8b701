/**
 * How a workflow should call `sendNotification`: bounded retries with backoff (about 20 minutes in
 * all), and only Transient failures retried. A notification that cannot be delivered must not fail
 * the connection: the caller catches the final failure and records it.
 */
import { type ActivityOptions } from '@temporalio/common';
import { NON_RETRYABLE_FAILURE_TYPES } from '../../domain/failures';

export const NOTIFICATION_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: {
    initialInterval: '5s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    maximumAttempts: 8,
    nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES],
  },
};
