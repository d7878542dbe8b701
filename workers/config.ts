/**
 * The worker's configuration: the environments file (CROSSLINK_ENVIRONMENTS or --environments),
 * validated with its schema (errors name the field), every secret reference resolved at start,
 * and the sealing key required. A worker that cannot act in every configured environment, or
 * cannot open sealed keys, refuses to start instead of failing runs later.
 */
import { readFileSync } from 'node:fs';
import { EnvironmentsFile, type EnvironmentsFileInput, parseOrThrow } from '../domain';
import { type ResolvedEnvironments, resolveEnvironments } from '../activities';
import { type EsCredentials } from '../activities/elasticsearch/client';
import { type ResolvedNotificationSink, resolveNotificationSink } from '../activities/notifications';

export class WorkerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerConfigError';
  }
}

export interface WorkerConfig {
  /** Where the file came from (a path, or "inline" when passed as data). */
  source: string;
  file: EnvironmentsFile;
  resolved: ResolvedEnvironments;
  sealingKey: Buffer;
  /** The notification sink, when the file configures one. */
  notifications?: ResolvedNotificationSink;
  /** Every secret value the configuration holds, for the log value redactor. */
  secrets: string[];
}

export interface LoadWorkerConfigOptions {
  /** Path of the environments file; CROSSLINK_ENVIRONMENTS otherwise. */
  path?: string;
  /** The file's content as data (the local run passes the simulator's ready-line environments). */
  data?: EnvironmentsFileInput;
  /** Variables for secret references and CROSSLINK_* (process.env by default). */
  env?: NodeJS.ProcessEnv;
  readFile?: (path: string) => string;
}

export function loadWorkerConfig(options: LoadWorkerConfigOptions = {}): WorkerConfig {
  const env = options.env ?? process.env;
  const read = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  let raw: unknown = options.data;
  let source = 'inline';
  if (raw === undefined) {
    const path = options.path ?? env.CROSSLINK_ENVIRONMENTS;
    if (!path) {
      throw new WorkerConfigError(
        'no environments file: set CROSSLINK_ENVIRONMENTS (or pass --environments <file>) to the JSON file that lists the ECE environments (docs/configuration.md)',
      );
    }
    source = path;
    let text: string;
    try {
      text = read(path);
    } catch (err) {
      throw new WorkerConfigError(
        `cannot read the environments file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new WorkerConfigError(`the environments file ${path} is not valid JSON: ${(err as Error).message}`);
    }
  }

  const file = parseOrThrow(EnvironmentsFile, raw, `environments file ${source}`);
  let resolved: ResolvedEnvironments;
  try {
    resolved = resolveEnvironments(file, { env, readFile: read });
  } catch (err) {
    throw new WorkerConfigError(`environments file ${source}: ${(err as Error).message}`);
  }
  if (!resolved.sealingKey) {
    throw new WorkerConfigError(
      'no sealing key: set "sealingKey" in the environments file (e.g. {"env": "CROSSLINK_SEALING_KEY"}) or the ' +
        'CROSSLINK_SEALING_KEY variable to 32 random bytes in base64 (openssl rand -base64 32); every worker needs the same key',
    );
  }
  let notifications: ResolvedNotificationSink | undefined;
  try {
    notifications = file.notifications && resolveNotificationSink(file.notifications, { env, readFile: read });
  } catch (err) {
    throw new WorkerConfigError(`environments file ${source}: ${(err as Error).message}`);
  }
  const secrets = secretValues(resolved);
  if (notifications) secrets.push(notifications.signingSecret);
  return { source, file, resolved, sealingKey: resolved.sealingKey, notifications, secrets };
}

function secretValues(resolved: ResolvedEnvironments): string[] {
  const out = new Set<string>();
  const addCredentials = (c: EsCredentials | undefined): void => {
    if (c) out.add(c.kind === 'basic' ? c.password : c.apiKey);
  };
  for (const e of Object.values(resolved.environments)) {
    out.add(e.apiKey);
    addCredentials(e.defaultCredentials);
    for (const d of Object.values(e.deployments)) addCredentials(d.credentials);
  }
  if (resolved.sealingKey) out.add(resolved.sealingKey.toString('base64'));
  return [...out];
}
