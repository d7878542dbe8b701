/** Turning what a step threw into the reason a run rolls back with. */
import { ActivityFailure, ApplicationFailure, TimeoutFailure, isCancellation } from '@temporalio/workflow';
import { FailureType } from '../domain';

export interface Reason {
  type: string;
  message: string;
}

/** Type used in progress and in the workflow failure when the run was cancelled. */
export const CANCELLED = 'Cancelled';

export function describeFailure(err: unknown): Reason {
  if (isCancellation(err)) return { type: CANCELLED, message: 'the run was cancelled' };
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const activity = err instanceof ActivityFailure ? `${err.activityType}: ` : '';
  if (cause instanceof ApplicationFailure) {
    return { type: cause.type ?? 'Error', message: `${activity}${cause.message}` };
  }
  if (cause instanceof TimeoutFailure) {
    // Timeouts are retried like Transient failures; reaching here means the retry budget ran out.
    return { type: FailureType.Transient, message: `${activity}timed out (${cause.timeoutType})` };
  }
  return { type: 'Error', message: `${activity}${cause instanceof Error ? cause.message : String(cause)}` };
}
