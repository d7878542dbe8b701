/**
 * Standard Webhooks (standardwebhooks.com) signatures, for the intake's inbound events and the
 * notifications crosslink sends: HMAC-SHA256 over `webhook-id.webhook-timestamp.body` with a
 * `whsec_` secret, a timestamp tolerance against replays, and the `standardwebhooks` library
 * doing the cryptography (constant-time compare, several signatures for key rotation).
 */
import { randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export const WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/** The library's fixed tolerance: a timestamp more than 5 minutes off the receiver's clock is refused. */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Checks a `whsec_<base64>` secret (the standard's serialization, 24 to 64 random bytes) and returns
 * a signer/verifier for it. Throws with a message that says how to make one.
 */
export function webhookKey(secret: string, what = 'the signing secret'): Webhook {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : undefined;
  const bytes = encoded !== undefined && BASE64.test(encoded) ? Buffer.from(encoded, 'base64').length : 0;
  if (bytes < 24 || bytes > 64) {
    throw new Error(
      `${what} must be a Standard Webhooks secret: "whsec_" followed by 24 to 64 random bytes in base64 ` +
        `(make one with: echo "whsec_$(openssl rand -base64 32)")`,
    );
  }
  return new Webhook(secret);
}

/** A fresh secret in the standard's format (32 random bytes). */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** The three headers that sign `body` as message `id` at time `at`. */
export function signatureHeaders(key: Webhook, id: string, body: string, at = new Date()): Record<string, string> {
  return {
    [WEBHOOK_HEADERS.id]: id,
    [WEBHOOK_HEADERS.timestamp]: String(Math.floor(at.getTime() / 1000)),
    [WEBHOOK_HEADERS.signature]: key.sign(id, at, body),
  };
}

export type SignatureCheck =
  | { ok: true; id: string; timestamp: number }
  | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'future' | 'mismatch'; message: string };

type HeaderValues = Record<string, string | string[] | undefined>;

/**
 * Verifies the signature headers against the exact body bytes. The header checks here only give
 * precise refusals (which header, stale or from the future); the library decides validity.
 */
export function checkSignature(key: Webhook, headers: HeaderValues, body: string): SignatureCheck {
  const values: Record<string, string> = {};
  for (const name of Object.values(WEBHOOK_HEADERS)) {
    const value = headers[name];
    if (value === undefined || value === '') {
      return { ok: false, reason: 'missing', message: `missing ${name} header (Standard Webhooks signature)` };
    }
    if (Array.isArray(value)) return { ok: false, reason: 'malformed', message: `${name} appears more than once` };
    values[name] = value;
  }
  const id = values[WEBHOOK_HEADERS.id]!;
  const stamp = values[WEBHOOK_HEADERS.timestamp]!;
  if (!/^[0-9]{1,12}$/.test(stamp)) {
    return { ok: false, reason: 'malformed', message: `${WEBHOOK_HEADERS.timestamp} must be integer Unix seconds` };
  }
  const timestamp = Number(stamp);
  const skew = Math.floor(Date.now() / 1000) - timestamp;
  if (skew > TIMESTAMP_TOLERANCE_SECONDS) {
    return {
      ok: false,
      reason: 'stale',
      message: `${WEBHOOK_HEADERS.timestamp} is more than ${TIMESTAMP_TOLERANCE_SECONDS} seconds old: a replayed or stale event is never processed`,
    };
  }
  if (-skew > TIMESTAMP_TOLERANCE_SECONDS) {
    return {
      ok: false,
      reason: 'future',
      message: `${WEBHOOK_HEADERS.timestamp} is more than ${TIMESTAMP_TOLERANCE_SECONDS} seconds in the future; check the sender's clock`,
    };
  }
  try {
    key.verify(body, values, { jsonParse: false });
  } catch (err) {
    if (!(err instanceof WebhookVerificationError)) throw err;
    // Re-checked after our own checks: only a clock tick between them could make this stale.
    return { ok: false, reason: 'mismatch', message: `invalid ${WEBHOOK_HEADERS.signature}` };
  }
  return { ok: true, id, timestamp };
}
