/** Sends one CloudEvent to the intake signed the Standard Webhooks way, as an automation would. */
import { randomUUID } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';
import { signatureHeaders, webhookKey } from '../../common/webhook-signature';

export interface EventToSend {
  type: string;
  data: unknown;
  source?: string;
  id?: string;
}

export interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

/** Headers and body of a signed request; `at` is the signature time (tests sign in the past to make a stale event). */
export function signedEventRequest(
  secret: string,
  event: EventToSend,
  mode: 'structured' | 'binary' = 'structured',
  at = new Date(),
): SignedRequest {
  const ce = new CloudEvent({
    id: event.id ?? randomUUID(),
    source: event.source ?? 'crosslink/local-run',
    type: event.type,
    datacontenttype: 'application/json',
    data: event.data,
  });
  const message = mode === 'structured' ? HTTP.structured(ce) : HTTP.binary(ce);
  const body = String(message.body);
  return {
    body,
    headers: {
      ...(message.headers as Record<string, string>),
      ...signatureHeaders(webhookKey(secret), ce.id, body, at),
    },
  };
}

export interface SentEvent {
  status: number;
  body: Record<string, unknown>;
}

export async function sendSignedEvent(
  url: string,
  secret: string,
  event: EventToSend,
  mode: 'structured' | 'binary' = 'structured',
): Promise<SentEvent> {
  const { headers, body } = signedEventRequest(secret, event, mode);
  const res = await fetch(url, { method: 'POST', body, headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
