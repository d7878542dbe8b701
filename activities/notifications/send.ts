/**
 * Delivers one notification to the sink: a structured CloudEvent, signed with Standard Webhooks.
 * Network errors, timeouts, 408, 429 and 5xx are Transient (Temporal retries them); any other
 * answer outside 2xx is the sink refusing the event, which a retry cannot change.
 */
import { ApplicationFailure } from '@temporalio/common';
import { HTTP } from 'cloudevents';
import { Agent, request } from 'undici';
import { FailureType, type Notification } from '../../domain';
import { signatureHeaders, webhookKey } from '../../common/webhook-signature';
import { type ResolvedNotificationSink } from './config';
import { notificationEvent } from './event';

/** The sink has this long to answer (Standard Webhooks recommends 15-30 s for receivers). */
export const SINK_TIMEOUT_MS = 15_000;

export interface Delivery {
  id: string;
  type: string;
  status: number;
}

export async function deliverNotification(
  sink: ResolvedNotificationSink,
  notification: Notification,
  signal?: AbortSignal,
): Promise<Delivery> {
  const event = notificationEvent(notification);
  const message = HTTP.structured(event);
  const body = String(message.body);
  const headers = {
    'content-type': 'application/cloudevents+json; charset=utf-8',
    ...signatureHeaders(webhookKey(sink.signingSecret), event.id, body),
  };
  const dispatcher = new Agent({
    connect: sink.caCert ? { ca: sink.caCert } : {},
    headersTimeout: SINK_TIMEOUT_MS,
    bodyTimeout: SINK_TIMEOUT_MS,
  });
  let status: number;
  try {
    const res = await request(sink.url, { method: 'POST', headers, body, dispatcher, signal });
    status = res.statusCode;
    await res.body.dump();
  } catch (err) {
    throw ApplicationFailure.create({
      type: FailureType.Transient,
      message: `notification sink ${origin(sink.url)} unreachable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    });
  } finally {
    void dispatcher.close();
  }
  if (status >= 200 && status < 300) return { id: event.id, type: event.type, status };
  const transient = status === 408 || status === 429 || status >= 500;
  throw ApplicationFailure.create({
    type: transient ? FailureType.Transient : refusal(status),
    nonRetryable: !transient,
    message: `notification sink ${origin(sink.url)} answered ${status} to ${event.type} ${event.id}`,
    details: [{ status }],
  });
}

function refusal(status: number): FailureType {
  if (status === 401) return FailureType.Unauthorized;
  if (status === 403) return FailureType.Forbidden;
  if (status === 404) return FailureType.NotFound;
  return FailureType.BadRequest;
}

/** Only the origin in messages: a sink URL may carry a token in its path or query. */
function origin(url: string): string {
  return new URL(url).origin;
}
