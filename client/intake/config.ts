/** The intake's configuration, from environment variables (one schema, errors name the variable). */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseOrThrow } from '../../domain';
import { webhookKey } from '../../common/webhook-signature';
import { type BearerTokenOptions } from './bearer-token';
import { DEFAULT_BODY_LIMIT, DEFAULT_REPLAY_WINDOW_SECONDS, MIN_REPLAY_WINDOW_SECONDS } from './server';
import { handshakePolicy } from './webhook-handshake';

export const DEFAULT_INTAKE_PORT = 8080;

const IntakeEnv = z.object({
  CROSSLINK_INTAKE_SECRET: z.string().min(1).optional(),
  CROSSLINK_INTAKE_SECRET_FILE: z.string().min(1).optional(),
  CROSSLINK_INTAKE_OIDC_ISSUER: z.string().min(1).optional(),
  CROSSLINK_INTAKE_OIDC_AUDIENCE: z.string().min(1).optional(),
  CROSSLINK_INTAKE_OIDC_SUBJECTS: z.string().min(1).optional(),
  CROSSLINK_INTAKE_OIDC_JWKS_URL: z.string().min(1).optional(),
  CROSSLINK_INTAKE_OIDC_CA_FILE: z.string().min(1).optional(),
  CROSSLINK_INTAKE_WEBHOOK_ORIGINS: z.string().min(1).optional(),
  CROSSLINK_INTAKE_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_INTAKE_PORT),
  CROSSLINK_INTAKE_HOST: z.string().min(1).default('127.0.0.1'),
  CROSSLINK_INTAKE_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024, 'must be at least 1024 bytes')
    .default(DEFAULT_BODY_LIMIT),
  CROSSLINK_INTAKE_REPLAY_WINDOW: z.coerce
    .number()
    .int()
    .min(
      MIN_REPLAY_WINDOW_SECONDS,
      `must be at least ${MIN_REPLAY_WINDOW_SECONDS} seconds (twice the signature tolerance)`,
    )
    .default(DEFAULT_REPLAY_WINDOW_SECONDS),
});
type IntakeEnv = z.infer<typeof IntakeEnv>;

export interface IntakeConfig {
  /** Standard Webhooks secrets; an event signed with any of them is accepted (empty: not accepted). */
  secrets: string[];
  /** OIDC bearer tokens (unset: not accepted). */
  bearer?: BearerTokenOptions;
  /** Origins allowed by the CloudEvents webhook handshake (empty: OPTIONS is 405). */
  webhookOrigins: string[];
  port: number;
  host: string;
  bodyLimit: number;
  /** Seconds an event id is remembered for duplicate detection. */
  replayWindowSeconds: number;
}

const NO_AUTHENTICATION =
  'the intake needs a way to authenticate senders: set CROSSLINK_INTAKE_SECRET (or CROSSLINK_INTAKE_SECRET_FILE) to a ' +
  'Standard Webhooks secret (echo "whsec_$(openssl rand -base64 32)"), or CROSSLINK_INTAKE_OIDC_ISSUER, ' +
  '_AUDIENCE and _SUBJECTS for OIDC bearer tokens, or both (docs/intake.md)';

export function loadIntakeConfig(env: Record<string, string | undefined> = process.env): IntakeConfig {
  const vars = parseOrThrow(IntakeEnv, env, 'intake configuration');
  const secrets = readSecrets(vars);
  const bearer = readBearer(vars);
  if (secrets.length === 0 && !bearer) throw new Error(NO_AUTHENTICATION);
  const webhookOrigins = list(vars.CROSSLINK_INTAKE_WEBHOOK_ORIGINS);
  handshakePolicy(webhookOrigins);
  return {
    secrets,
    ...(bearer ? { bearer } : {}),
    webhookOrigins,
    port: vars.CROSSLINK_INTAKE_PORT,
    host: vars.CROSSLINK_INTAKE_HOST,
    bodyLimit: vars.CROSSLINK_INTAKE_BODY_LIMIT,
    replayWindowSeconds: vars.CROSSLINK_INTAKE_REPLAY_WINDOW,
  };
}

/**
 * The variable holds one secret or several separated by spaces or commas; the file one per line
 * (blank lines and `#` comments skipped). During a rotation it lists the new and the old secret.
 */
function readSecrets(vars: IntakeEnv): string[] {
  let text = vars.CROSSLINK_INTAKE_SECRET;
  if (!text && vars.CROSSLINK_INTAKE_SECRET_FILE) {
    try {
      text = readFileSync(vars.CROSSLINK_INTAKE_SECRET_FILE, 'utf8')
        .split(/\r?\n/)
        .filter((line) => !line.trim().startsWith('#'))
        .join('\n');
    } catch (err) {
      throw new Error(`cannot read CROSSLINK_INTAKE_SECRET_FILE: ${(err as Error).message}`);
    }
  }
  const secrets = list(text);
  secrets.forEach((secret, i) =>
    webhookKey(secret, secrets.length > 1 ? `CROSSLINK_INTAKE_SECRET (entry ${i + 1})` : 'CROSSLINK_INTAKE_SECRET'),
  );
  return secrets;
}

function readBearer(vars: IntakeEnv): BearerTokenOptions | undefined {
  const issuer = vars.CROSSLINK_INTAKE_OIDC_ISSUER;
  const audience = vars.CROSSLINK_INTAKE_OIDC_AUDIENCE;
  const subjects = list(vars.CROSSLINK_INTAKE_OIDC_SUBJECTS);
  const any = issuer ?? audience ?? vars.CROSSLINK_INTAKE_OIDC_SUBJECTS ?? vars.CROSSLINK_INTAKE_OIDC_JWKS_URL;
  if (any === undefined) return undefined;
  if (!issuer || !audience || subjects.length === 0) {
    throw new Error(
      'OIDC bearer tokens need CROSSLINK_INTAKE_OIDC_ISSUER, CROSSLINK_INTAKE_OIDC_AUDIENCE and ' +
        'CROSSLINK_INTAKE_OIDC_SUBJECTS (the token subjects allowed to send events) together',
    );
  }
  let caPem: string | undefined;
  if (vars.CROSSLINK_INTAKE_OIDC_CA_FILE) {
    try {
      caPem = readFileSync(vars.CROSSLINK_INTAKE_OIDC_CA_FILE, 'utf8');
    } catch (err) {
      throw new Error(`cannot read CROSSLINK_INTAKE_OIDC_CA_FILE: ${(err as Error).message}`);
    }
  }
  return {
    issuer,
    audience,
    subjects,
    ...(vars.CROSSLINK_INTAKE_OIDC_JWKS_URL ? { jwksUrl: vars.CROSSLINK_INTAKE_OIDC_JWKS_URL } : {}),
    ...(caPem ? { caPem } : {}),
  };
}

function list(text: string | undefined): string[] {
  return (text ?? '').split(/[\s,]+/).filter((item) => item.length > 0);
}
