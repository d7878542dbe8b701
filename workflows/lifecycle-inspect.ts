/** The lifecycle operations' first activity: the connection rebuilt from its marks (activities/lifecycle/inspect-connection.ts). */
import { proxyActivities } from '@temporalio/workflow';
import { type CrosslinkActivities, INSPECT_CONNECTION, NON_RETRYABLE_FAILURE_TYPES } from '../domain';

export const inspectConnection = proxyActivities<CrosslinkActivities>({
  startToCloseTimeout: '15m',
  heartbeatTimeout: '2m',
  retry: { initialInterval: '2s', maximumInterval: '1m', nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES] },
  summary: `${INSPECT_CONNECTION.name}`,
}).inspectConnection;
