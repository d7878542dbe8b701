/** Sends one signed CloudEvent to the intake, the way an automation would. */
import { randomUUID } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';
import { SIGNATURE_HEADER, signBody } from '../../client/intake/signature';

export interface SentEvent {
  status: number;
  body: Record<string, unknown>;
}

export async function sendSignedEvent(
  url: string,
  secret: string,
  event: { type: string; data: unknown; source?: string; id?: string },
  mode: 'structured' | 'binary' = 'structured',
): Promise<SentEvent> {
  const ce = new CloudEvent({
    id: event.id ?? randomUUID(),
    source: event.source ?? 'crosslink/local-run',
    type: event.type,
    datacontenttype: 'application/json',
    data: event.data,
  });
  const message = mode === 'structured' ? HTTP.structured(ce) : HTTP.binary(ce);
  const body = String(message.body);
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: { ...(message.headers as Record<string, string>), [SIGNATURE_HEADER]: signBody(secret, body) },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
