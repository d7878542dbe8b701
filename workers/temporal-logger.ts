/**
 * The Temporal Runtime logger backed by pino: SDK, workflow (`log` from @temporalio/workflow) and
 * activity (`log` from @temporalio/activity) messages become JSON lines carrying workflowId, runId,
 * the activity and the crosslink step it belongs to, and the attempt.
 */
import { type LogLevel, type LogMetadata } from '@temporalio/common';
import { DefaultLogger } from '@temporalio/worker';
import { type Logger } from 'pino';
import { stepOfActivity } from '../domain/activity-steps';

/** Flattens the SDK's log attributes into the names every crosslink log line uses. */
export function normalizeLogMeta(meta: LogMetadata = {}): Record<string, unknown> {
  const { taskToken: _taskToken, sdkComponent, workflowRunId, activityType, ...rest } = meta as Record<string, unknown>;
  const out: Record<string, unknown> = { ...rest };
  if (sdkComponent !== undefined) out.component = sdkComponent;
  if (out.runId === undefined && workflowRunId !== undefined) out.runId = workflowRunId;
  if (typeof activityType === 'string') {
    out.activity = activityType;
    const step = stepOfActivity(activityType);
    if (step && out.step === undefined) out.step = step.step;
    if (step?.undo) out.undo = true;
  }
  return out;
}

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** The SDK's logger shape, every entry handed to pino (which does its own level filtering). */
export class PinoTemporalLogger extends DefaultLogger {
  constructor(logger: Logger) {
    super('TRACE', (entry) => logger[LEVELS[entry.level]](normalizeLogMeta(entry.meta), entry.message));
  }
}
