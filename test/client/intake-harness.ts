/**
 * What the intake suites share: an intake per test in front of an in-memory Temporal (the real
 * start-or-find helper and gateway run against it), signed senders, and the default request.
 */
import { Writable } from 'node:stream';
import { EVENT_TYPES, connectionId, ConnectionRequest } from '../../domain';
import { type IntakeServer, type IntakeServerOptions, createIntakeServer } from '../../client/intake/server';
import { type EventToSend, signedEventRequest } from '../../client/intake/send';
import { generateWebhookSecret, signatureHeaders, webhookKey } from '../../common/webhook-signature';
import { defaultLocalRequest } from '../../scripts/local/default-request';
import { createLogger } from '../../common/logging';
import { InMemoryTemporal } from './fakes/in-memory-temporal';

/** A compact JWS as the intake sees it: the intake forwards it; the workflow's check verifies it. */
export const TOKEN =
  'eyJhbGciOiJFZERTQSIsInR5cCI6ImNyb3NzbGluay1kZWNpc2lvbitqd3QifQ.eyJpc3MiOiJvcHMtbGVhZCJ9.c2lnbmF0dXJl';

export const SECRET = generateWebhookSecret();
export const BODY_LIMIT = 16 * 1024;
export const MINUTE = 60_000;

export const request = defaultLocalRequest();
export const workflowId = connectionId(ConnectionRequest.parse(request));
export const requested = { type: EVENT_TYPES.connectionRequested, data: request };

export interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { errors?: Array<{ field: string; message: string }> };
}

/** One intake per test, in front of its own in-memory Temporal; the log lines are kept. */
export interface IntakeFixture {
  temporal: InMemoryTemporal;
  intake: IntakeServer;
  /** The events URL. */
  url: string;
  logLines: string[];
  /** Another intake on the same Temporal (a replica, or this one after a restart), closed after the test. */
  replica(options?: Partial<IntakeServerOptions>): Promise<string>;
}

export function useIntake(options: Partial<IntakeServerOptions> = {}): IntakeFixture {
  const fixture = { logLines: [] as string[] } as unknown as IntakeFixture;
  const extra: IntakeServer[] = [];
  beforeEach(async () => {
    fixture.temporal = new InMemoryTemporal();
    fixture.logLines = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        fixture.logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = createLogger({ name: 'intake', level: 'info', destination });
    const make = (more: Partial<IntakeServerOptions> = {}) =>
      createIntakeServer({
        gateway: fixture.temporal.gateway,
        secrets: [SECRET],
        bodyLimit: BODY_LIMIT,
        logger,
        ...options,
        ...more,
      });
    fixture.intake = make();
    fixture.url = (await fixture.intake.listen(0)).url + '/events';
    fixture.replica = async (more) => {
      const replica = make(more);
      extra.push(replica);
      return (await replica.listen(0)).url + '/events';
    };
  });
  afterEach(async () => {
    await Promise.all([fixture.intake.close(), ...extra.splice(0).map((s) => s.close())]);
  });
  return fixture;
}

export async function post(url: string, body: string | Buffer, headers: Record<string, string>): Promise<Reply> {
  const res = await fetch(url, { method: 'POST', body, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Reply['body'] };
}

/** A request signed as a sender signs it (id `evt-1` unless given); `at` moves the signature time. */
export function signed(event: EventToSend, mode: 'structured' | 'binary' = 'structured', at?: Date) {
  return signedEventRequest(SECRET, { source: 'test/automation', id: 'evt-1', ...event }, mode, at);
}

/** Signs hand-made headers and body under `id` (for requests no SDK would produce). */
export function signRaw(id: string, body: string, headers: Record<string, string>, secret = SECRET) {
  return { ...headers, ...signatureHeaders(webhookKey(secret), id, body) };
}

/** Binary-mode CloudEvent headers for `request`, id `evt-b`. */
export function binaryHeaders(): Record<string, string> {
  return {
    'ce-specversion': '1.0',
    'ce-id': 'evt-b',
    'ce-source': 'test/automation',
    'ce-type': EVENT_TYPES.connectionRequested,
    'content-type': 'application/json',
  };
}
