/**
 * Body authentication: `X-Crosslink-Signature: sha256=<hex HMAC-SHA256 of the raw body>` with a
 * shared secret (the GitHub webhook convention, so senders have ready-made code for it).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-crosslink-signature';
const PREFIX = 'sha256=';

export function signBody(secret: string, body: string | Buffer): string {
  return PREFIX + createHmac('sha256', secret).update(body).digest('hex');
}

export type SignatureCheck = 'valid' | 'missing' | 'malformed' | 'mismatch';

/** Constant-time check of the header against the body; never says how close a wrong signature was. */
export function checkSignature(secret: string, body: Buffer, header: string | string[] | undefined): SignatureCheck {
  if (header === undefined || header === '') return 'missing';
  if (Array.isArray(header)) return 'malformed';
  if (!header.startsWith(PREFIX) || !/^[0-9a-f]{64}$/i.test(header.slice(PREFIX.length))) return 'malformed';
  const given = Buffer.from(header.slice(PREFIX.length), 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(given, expected) ? 'valid' : 'mismatch';
}
