/**
 * What a run would put in workflow history and logs, captured around the real activities: each
 * attempt's input and its result or failure (as the worker would serialize it), and every activity
 * log line before any scrubbing.
 */
import { Context } from '@temporalio/activity';
import {
  type LogLevel,
  type LogMetadata,
  type Logger,
  defaultFailureConverter,
  defaultPayloadConverter,
} from '@temporalio/common';
import { type Tap } from './taps';

export interface ActivityRecord {
  activity: string;
  activityId: string;
  attempt: number;
  input: unknown;
  result?: unknown;
  /** The failure as the worker would send it to the server (message, type, details, causes). */
  failure?: unknown;
}

/** Records every attempt's input and outcome. */
export function recordActivities(records: ActivityRecord[]): Tap {
  return async (call, next) => {
    const activityId = Context.current().info.activityId;
    const record: ActivityRecord = { activity: call.activity, activityId, attempt: call.attempt, input: call.input };
    records.push(record);
    try {
      record.result = await next();
      return record.result;
    } catch (err) {
      record.failure = defaultFailureConverter.errorToFailure(err, defaultPayloadConverter);
      throw err;
    }
  };
}

/** A Temporal logger that keeps each line (message and metadata, unscrubbed) and forwards it. */
export class CapturingLogger implements Logger {
  constructor(
    readonly lines: string[],
    private readonly forward?: Logger,
  ) {}
  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.lines.push(JSON.stringify({ level, message, meta }));
    this.forward?.log(level, message, meta);
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

/**
 * Routes the activity logger (`Context.current().log`, which crosslink's activities log through)
 * to `logger` for the duration of each attempt.
 */
export function captureActivityLogs(logger: Logger): Tap {
  return (_call, next) => {
    Context.current().log = logger;
    return next();
  };
}

/** JSON text of anything the harness or SDK holds, with payload bytes decoded as UTF-8 (JSON payloads). */
export function asText(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    if (raw instanceof Uint8Array) return Buffer.from(raw).toString('utf8');
    if (typeof raw === 'bigint') return raw.toString();
    if (raw && typeof raw === 'object' && typeof (raw as { toNumber?: unknown }).toNumber === 'function') {
      return (raw as { toNumber(): number }).toNumber();
    }
    return v;
  });
}
