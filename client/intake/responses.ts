/** The intake's answers: a status, a JSON body, extra headers; and writing one to the client. */
import { type ServerResponse } from 'node:http';
import { type FieldError } from '../../domain';

export interface IntakeResponse {
  status: number;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export function tooLarge(limit: number): IntakeResponse {
  return { status: 413, body: { error: `request body exceeds ${limit} bytes` } };
}

export function invalidEvent(errors: FieldError[], status: 400 | 415 = 400): IntakeResponse {
  return { status, body: { error: status === 415 ? 'unsupported media type' : 'invalid event', errors } };
}

export function retryLater(error: string, seconds: number): IntakeResponse {
  return { status: 503, headers: { 'retry-after': String(seconds) }, body: { error } };
}

/** Writes the answer unless the client is gone; a HEAD request gets the headers only. */
export function sendResponse(
  res: ServerResponse,
  out: IntakeResponse,
  extraHeaders: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const payload = out.body ? JSON.stringify(out.body) : '';
  res.writeHead(out.status, {
    ...(out.body ? { 'content-type': 'application/json' } : {}),
    'content-length': Buffer.byteLength(payload),
    ...out.headers,
    ...extraHeaders,
  });
  res.end(res.req.method === 'HEAD' ? undefined : payload);
}
