/** The lifecycle workflows' activity proxy: discovery reads every deployment, so it heartbeats per deployment. */
import { proxyActivities } from '@temporalio/workflow';
import { type LifecycleActivities, NON_RETRYABLE_FAILURE_TYPES } from '../domain';
import { HEARTBEAT_TIMEOUT } from './activity-timing';

export const lifecycleActivities = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '15m',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  scheduleToCloseTimeout: '30m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES],
  },
});
