/** The intake's configuration, from environment variables (one schema, errors name the variable). */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseOrThrow } from '../../domain';
import { DEFAULT_BODY_LIMIT } from './server';

export const DEFAULT_INTAKE_PORT = 8080;

const IntakeEnv = z.object({
  CROSSLINK_INTAKE_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  CROSSLINK_INTAKE_SECRET_FILE: z.string().min(1).optional(),
  CROSSLINK_INTAKE_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_INTAKE_PORT),
  CROSSLINK_INTAKE_HOST: z.string().min(1).default('127.0.0.1'),
  CROSSLINK_INTAKE_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024, 'must be at least 1024 bytes')
    .default(DEFAULT_BODY_LIMIT),
});

export interface IntakeConfig {
  secret: string;
  port: number;
  host: string;
  bodyLimit: number;
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
  if (!secret || secret.length < 16) {
    throw new Error(
      'the intake needs a shared secret of at least 16 characters: set CROSSLINK_INTAKE_SECRET ' +
        '(or CROSSLINK_INTAKE_SECRET_FILE); senders sign each body with it (X-Crosslink-Signature: sha256=<hex HMAC>)',
    );
  }
  return {
    secret,
    port: vars.CROSSLINK_INTAKE_PORT,
    host: vars.CROSSLINK_INTAKE_HOST,
    bodyLimit: vars.CROSSLINK_INTAKE_BODY_LIMIT,
  };
}
