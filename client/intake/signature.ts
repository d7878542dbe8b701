/**
 * @deprecated Superseded by webhook-signature.ts: the intake verifies Standard Webhooks signatures
 * and REFUSES this body-only HMAC (it covers no timestamp or id, so it cannot stop replays). Kept
 * only so callers outside the intake (scripts/local/send-event.ts, test/proof/secrets-audit.test.ts)
 * compile until they move to send.ts (`sendSignedEvent`, `signedEventRequest`); delete it then.
 */
import { createHmac } from 'node:crypto';

/** @deprecated see the module comment. */
export const SIGNATURE_HEADER = 'x-crosslink-signature';

/** @deprecated see the module comment. */
export function signBody(secret: string, body: string | Buffer): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}
