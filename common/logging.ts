/**
 * Structured JSON logs (pino) for the worker, the intake and the local run. Secrets are removed
 * twice: by key (pino `redact` paths for fields that hold credentials) and by value (every
 * configured secret is replaced in the final line, wherever it appears).
 */
import pino, { type DestinationStream, type Level, type Logger } from 'pino';

export const REDACTED = '[redacted]';

/** Field names that carry credentials in crosslink's own objects, ECE/ES bodies and HTTP headers. */
export const REDACT_PATHS = [
  'password',
  'apiKey',
  'api_key',
  'encoded',
  'secret',
  'sealingKey',
  'authorization',
  '*.password',
  '*.apiKey',
  '*.api_key',
  '*.encoded',
  '*.secret',
  '*.sealingKey',
  '*.authorization',
  '*.*.password',
  '*.*.apiKey',
  '*.*.encoded',
  'headers.authorization',
  '*.headers.authorization',
  '*.headers["x-crosslink-signature"]',
  'headers["x-crosslink-signature"]',
  'req.headers.authorization',
  'req.headers["x-crosslink-signature"]',
];

export interface LoggerOptions {
  /** Component name (`worker`, `intake`, `local-run`). */
  name: string;
  /** pino level; CROSSLINK_LOG_LEVEL or `info` when omitted. */
  level?: Level | 'silent';
  /** Secret values to scrub from every line (configured credentials, the sealing key, the intake secret). */
  secrets?: readonly string[];
  /** Where lines go (stdout by default); tests pass a stream they can read. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const scrub = valueRedactor(options.secrets ?? []);
  return pino(
    {
      name: options.name,
      level: options.level ?? (process.env.CROSSLINK_LOG_LEVEL as Level | undefined) ?? 'info',
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: scrub },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * Replaces each secret (raw, and as it appears inside a JSON string) in a serialized line. Very
 * short values are skipped: they would shred ordinary words and are not credentials anyway.
 */
export function valueRedactor(secrets: readonly string[]): (line: string) => string {
  const needles = new Set<string>();
  for (const s of secrets) {
    if (s.length < 6) continue;
    needles.add(s);
    needles.add(JSON.stringify(s).slice(1, -1));
  }
  const sorted = [...needles].sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return (line) => line;
  return (line) => {
    let out = line;
    for (const needle of sorted) out = out.split(needle).join(REDACTED);
    return out;
  };
}
