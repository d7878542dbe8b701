/**
 * Standard Webhooks (standardwebhooks.com) signatures, for the intake's inbound events and the
 * notifications crosslink sends: HMAC-SHA256 over `webhook-id.webhook-timestamp.body` with a
 * `whsec_` secret, a timestamp tolerance against replays, and the `standardwebhooks` library
 * doing the cryptography (constant-time compare). Key rotation works both ways the standard
 * allows: a sender may send several signatures, and a receiver may hold several secrets; one
 * valid signature under one of them suffices.
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

/** Signers/verifiers for several secrets (a receiver's list during a rotation); at least one. */
export function webhookKeys(secrets: readonly string[], what = 'the signing secret'): Webhook[] {
  if (secrets.length === 0) throw new Error(`${what}: at least one secret is needed`);
  return secrets.map((secret, i) => webhookKey(secret, secrets.length > 1 ? `${what} #${i + 1}` : what));
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

/** Header values as Node gives them: `req.headers` (repeats joined) or `req.headersDistinct` (arrays). */
type HeaderValues = Record<string, string | string[] | undefined>;

/**
 * One signature of the space-separated list: `<version>,<base64>`, exactly one comma. The library
 * reads only the first two comma-separated parts, so `v1,<valid>,junk` and a repeated header that
 * Node joined into `v1,<a>, v1,<b>` would pass it; they are refused here.
 */
const SIGNATURE_ENTRY = /^v[0-9]+[a-z]*,[A-Za-z0-9+/]+={0,2}$/;
/** More than this many signatures in one header is not a key rotation. */
const MAX_SIGNATURES = 8;

function signatureSyntaxError(header: string): string | undefined {
  const entries = header.split(' ');
  if (entries.length > MAX_SIGNATURES)
    return `${WEBHOOK_HEADERS.signature} carries more than ${MAX_SIGNATURES} signatures`;
  if (entries.every((e) => SIGNATURE_ENTRY.test(e))) return undefined;
  return `${WEBHOOK_HEADERS.signature} must be space-separated "v1,<base64 signature>" entries`;
}

/**
 * Verifies the signature headers against the exact body bytes under any of `keys` (one valid
 * signature under one key suffices). The header checks here give precise refusals (which header,
 * its syntax, stale or from the future); the library decides validity.
 */
export function checkSignature(
  keys: Webhook | readonly Webhook[],
  headers: HeaderValues,
  body: string,
): SignatureCheck {
  const values: Record<string, string> = {};
  for (const name of Object.values(WEBHOOK_HEADERS)) {
    const raw = headers[name];
    if (Array.isArray(raw) && raw.length > 1) {
      return { ok: false, reason: 'malformed', message: `${name} appears more than once` };
    }
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined || value === '') {
      return { ok: false, reason: 'missing', message: `missing ${name} header (Standard Webhooks signature)` };
    }
    values[name] = value;
  }
  const syntax = signatureSyntaxError(values[WEBHOOK_HEADERS.signature]!);
  if (syntax) return { ok: false, reason: 'malformed', message: syntax };
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
  const list: readonly Webhook[] = keys instanceof Webhook ? [keys] : keys;
  if (list.some((key) => verifies(key, body, values))) return { ok: true, id, timestamp };
  return { ok: false, reason: 'mismatch', message: `invalid ${WEBHOOK_HEADERS.signature}` };
}

function verifies(key: Webhook, body: string, headers: Record<string, string>): boolean {
  try {
    key.verify(body, headers, { jsonParse: false });
    return true;
  } catch (err) {
    // The library re-checks the timestamp after ours: only a clock tick between them could fail it here.
    if (err instanceof WebhookVerificationError) return false;
    throw err;
  }
}
