/** The notification sink with its secret references read (at worker start, like every other secret). */
import { readFileSync } from 'node:fs';
import { type NotificationsConfig, type SecretRef } from '../../domain';
import { webhookKey } from '../../client/intake/webhook-signature';

export interface ResolvedNotificationSink {
  url: string;
  signingSecret: string;
  caCert?: string;
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  readFile?: (path: string) => string;
}

export function resolveNotificationSink(
  config: NotificationsConfig,
  opts: ResolveOptions = {},
): ResolvedNotificationSink {
  const env = opts.env ?? process.env;
  const read = opts.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const readText = (path: string, field: string): string => {
    try {
      return read(path);
    } catch (err) {
      throw new Error(`${field}: cannot read file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  };
  // Same reading rules as the environments' secrets (activities/environments.ts).
  const secret = (ref: SecretRef, field: string): string => {
    if (typeof ref === 'string') return ref;
    if ('value' in ref) return ref.value;
    if ('env' in ref) {
      const v = env[ref.env];
      if (v === undefined || v === '') throw new Error(`${field}: environment variable ${ref.env} is not set`);
      return v;
    }
    return readText(ref.file, field).replace(/\r?\n$/, '');
  };
  const field = 'notifications.sink';
  const signingSecret = secret(config.sink.signingSecret, `${field}.signingSecret`);
  webhookKey(signingSecret, `${field}.signingSecret`);
  const ca = config.sink.caCert;
  let caCert: string | undefined;
  if (ca !== undefined) {
    caCert = typeof ca === 'string' ? ca : 'pem' in ca ? ca.pem : readText(ca.file, `${field}.caCert`);
    if (!caCert.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`${field}.caCert holds no PEM certificate`);
  }
  return { url: config.sink.url, signingSecret, caCert };
}
