/** The intake's configuration, from environment variables (one schema, errors name the variable). */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseOrThrow } from '../../domain';
import { DEFAULT_BODY_LIMIT, DEFAULT_REPLAY_WINDOW_SECONDS, MIN_REPLAY_WINDOW_SECONDS } from './server';
import { webhookKey } from '../../common/webhook-signature';

export const DEFAULT_INTAKE_PORT = 8080;

const IntakeEnv = z.object({
  CROSSLINK_INTAKE_SECRET: z.string().min(1).optional(),
  CROSSLINK_INTAKE_SECRET_FILE: z.string().min(1).optional(),
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

export interface IntakeConfig {
  secret: string;
  port: number;
  host: string;
  bodyLimit: number;
  /** Seconds an event id is remembered for duplicate detection. */
  replayWindowSeconds: number;
}

export function loadIntakeConfig(env: Record<string, string | undefined> = process.env): IntakeConfig {
  const vars = parseOrThrow(IntakeEnv, env, 'intake configuration');
  let secret = vars.CROSSLINK_INTAKE_SECRET;
  if (!secret && vars.CROSSLINK_INTAKE_SECRET_FILE) {
    try {
      secret = readFileSync(vars.CROSSLINK_INTAKE_SECRET_FILE, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new Error(`cannot read CROSSLINK_INTAKE_SECRET_FILE: ${(err as Error).message}`);
    }
  }
  if (!secret) {
    throw new Error(
      'the intake needs a signing secret: set CROSSLINK_INTAKE_SECRET (or CROSSLINK_INTAKE_SECRET_FILE) to a ' +
        'Standard Webhooks secret (echo "whsec_$(openssl rand -base64 32)"); senders sign each event with it (docs/intake.md)',
    );
  }
  webhookKey(secret, 'CROSSLINK_INTAKE_SECRET');
  return {
    secret,
    port: vars.CROSSLINK_INTAKE_PORT,
    host: vars.CROSSLINK_INTAKE_HOST,
    bodyLimit: vars.CROSSLINK_INTAKE_BODY_LIMIT,
    replayWindowSeconds: vars.CROSSLINK_INTAKE_REPLAY_WINDOW,
  };
}
