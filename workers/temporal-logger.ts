/**
 * The Temporal Runtime logger backed by pino: SDK, workflow (`log` from @temporalio/workflow) and
 * activity (`log` from @temporalio/activity) messages become JSON lines carrying workflowId, runId,
 * the activity and the crosslink step it belongs to, and the attempt.
 */
import { type LogLevel, type LogMetadata, type Logger as TemporalLogger } from '@temporalio/common';
import { type Logger } from 'pino';
import { stepOfActivity } from '../client/activity-steps';

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

export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly logger: Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.logger[LEVELS[level]](normalizeLogMeta(meta), message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
