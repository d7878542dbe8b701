import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { ValueError } from '@temporalio/common';
import { CloudEvent, HTTP } from 'cloudevents';
import { EVENT_TYPES, connectionId, ConnectionRequest } from '../../domain';
import { type IntakeServer, createIntakeServer } from '../../client/intake/server';
import { type EventToSend, signedEventRequest } from '../../client/intake/send';
import { generateWebhookSecret, signatureHeaders, webhookKey } from '../../common/webhook-signature';
import { defaultLocalRequest } from '../../scripts/local/default-request';
import { createLogger } from '../../common/logging';
import { FakeTemporal } from './fakes/fake-gateway';
import { sendThenRead } from './intake-raw-client';

/** A compact JWS as the intake sees it: the intake forwards it; the workflow's check verifies it. */
const TOKEN = 'eyJhbGciOiJFZERTQSIsInR5cCI6ImNyb3NzbGluay1kZWNpc2lvbitqd3QifQ.eyJpc3MiOiJvcHMtbGVhZCJ9.c2lnbmF0dXJl';

const SECRET = generateWebhookSecret();
const BODY_LIMIT = 16 * 1024;

let temporal: FakeTemporal;
let intake: IntakeServer;
let url: string;
let logLines: string[];

beforeEach(async () => {
  temporal = new FakeTemporal();
  logLines = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ name: 'intake', level: 'info', destination });
  intake = createIntakeServer({ gateway: temporal, secret: SECRET, bodyLimit: BODY_LIMIT, logger });
  url = (await intake.listen(0)).url + '/events';
});
afterEach(() => intake.close());

interface Reply {
  status: number;
  body: Record<string, unknown> & { errors?: Array<{ field: string; message: string }> };
}

async function post(body: string | Buffer, headers: Record<string, string>): Promise<Reply> {
  const res = await fetch(url, { method: 'POST', body, headers });
  return { status: res.status, body: (await res.json()) as Reply['body'] };
}

/** A request signed as a sender signs it; `at` moves the signature time. */
function signed(event: EventToSend, mode: 'structured' | 'binary' = 'structured', at?: Date) {
  return signedEventRequest(SECRET, { source: 'test/automation', id: 'evt-1', ...event }, mode, at);
}

/** Signs hand-made headers and body under `id` (for requests no SDK would produce). */
function signRaw(id: string, body: string, headers: Record<string, string>): Record<string, string> {
  return { ...headers, ...signatureHeaders(webhookKey(SECRET), id, body) };
}

const request = defaultLocalRequest();
const workflowId = connectionId(ConnectionRequest.parse(request));
const requested = { type: EVENT_TYPES.connectionRequested, data: request };
const MINUTE = 60_000;

describe('intake authentication (Standard Webhooks)', () => {
  test('a correctly signed event is accepted', async () => {
    const e = signed(requested);
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ workflowId, status: 'started', eventId: 'evt-1' });
  });

  test('missing signature headers are refused with 401 and start nothing', async () => {
    const e = signed(requested);
    const { 'webhook-signature': _signature, ...unsigned } = e.headers;
    const reply = await post(e.body, unsigned);
    expect(reply.status).toBe(401);
    expect(reply.body.error).toMatch(/missing webhook-signature/);
    expect(temporal.workflows.size).toBe(0);
  });

  test('a signature made with another secret is refused with 401', async () => {
    const e = signedEventRequest(generateWebhookSecret(), { ...requested, id: 'evt-1' });
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(401);
    expect(reply.body.error).toMatch(/invalid webhook-signature/);
    expect(temporal.workflows.size).toBe(0);
  });

  test('a body changed after signing is refused with 401', async () => {
    const e = signed(requested);
    const reply = await post(e.body.replace('logs-b', 'logs-x'), e.headers);
    expect(reply.status).toBe(401);
    expect(temporal.workflows.size).toBe(0);
  });

  test('a webhook-id changed after signing is refused with 401', async () => {
    const e = signed(requested);
    const reply = await post(e.body, { ...e.headers, 'webhook-id': 'evt-2' });
    expect(reply.status).toBe(401);
  });

  test('a stale event (signed more than 5 minutes ago) is refused and starts nothing', async () => {
    const e = signed(requested, 'structured', new Date(Date.now() - 10 * MINUTE));
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(401);
    expect(reply.body.error).toMatch(/more than 300 seconds old/);
    expect(temporal.workflows.size).toBe(0);
  });

  test('an event signed for the future is refused', async () => {
    const e = signed(requested, 'structured', new Date(Date.now() + 10 * MINUTE));
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(401);
    expect(reply.body.error).toMatch(/in the future/);
  });

  test('a signature under a webhook-id other than the CloudEvent id is refused', async () => {
    const e = signed(requested);
    const reply = await post(e.body, signRaw('evt-other', e.body, e.headers));
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.[0]).toMatchObject({ field: 'id', message: expect.stringMatching(/webhook-id/) });
    expect(temporal.workflows.size).toBe(0);
  });

  test('a secret that is not a Standard Webhooks secret is refused at start', () => {
    expect(() => createIntakeServer({ gateway: temporal, secret: 'just-a-long-password-0123456789' })).toThrow(
      /whsec_/,
    );
  });
});

describe('intake replay protection', () => {
  test('a byte-identical replay after the run ended starts nothing and says duplicate', async () => {
    const e = signed(requested);
    expect((await post(e.body, e.headers)).status).toBe(202);
    temporal.workflows.clear(); // the run completed: a new start would begin a new run
    const replay = await post(e.body, e.headers);
    expect(replay).toEqual({
      status: 200,
      body: { workflowId, status: 'duplicate', first: 'started', eventId: 'evt-1' },
    });
    expect(temporal.workflows.size).toBe(0);
  });

  test('a sender retry (same id and event, fresh signature) is a duplicate', async () => {
    const first = signed(requested);
    await post(first.body, first.headers);
    const resigned = signatureHeaders(webhookKey(SECRET), 'evt-1', first.body, new Date(Date.now() - MINUTE));
    const reply = await post(first.body, { ...first.headers, ...resigned });
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('duplicate');
  });

  test('the same id with a different event is refused with 409', async () => {
    const first = signed(requested);
    expect((await post(first.body, first.headers)).status).toBe(202);
    temporal.workflows.clear();
    const other = signed({ ...requested, data: { ...request, alias: 'other-alias' } });
    const reply = await post(other.body, other.headers);
    expect(reply.status).toBe(409);
    expect(reply.body.error).toMatch(/already used for a different event/);
    expect(temporal.workflows.size).toBe(0);
  });

  test('a replayed approval is not signalled twice', async () => {
    const start = signed(requested);
    expect((await post(start.body, start.headers)).status).toBe(202);
    const approval = signed({
      type: EVENT_TYPES.approvalGranted,
      data: { workflowId, gate: 'proxy-ca', approver: 'ops-oncall', token: TOKEN },
      id: 'evt-approve',
    });
    expect((await post(approval.body, approval.headers)).status).toBe(202);
    expect((await post(approval.body, approval.headers)).status).toBe(200);
    expect(temporal.workflows.get(workflowId)?.signals).toHaveLength(1);
  });

  test('an event that failed to reach Temporal is processed when the sender retries', async () => {
    const start = temporal.startConnection.bind(temporal);
    temporal.startConnection = () => Promise.reject(new Error('connection refused'));
    const e = signed(requested);
    expect((await post(e.body, e.headers)).status).toBe(503);
    temporal.startConnection = start;
    const retry = await post(e.body, e.headers);
    expect(retry.status).toBe(202);
    expect(retry.body.status).toBe('started');
  });
});

describe('intake CloudEvents modes', () => {
  test('structured mode starts the connection workflow with the validated request', async () => {
    const e = signed(requested);
    expect(e.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
    expect((await post(e.body, e.headers)).status).toBe(202);
    const wf = temporal.workflows.get(workflowId);
    expect(wf?.request.approval.gates).toEqual(['platform-trust', 'proxy-ca', 'restart']);
    expect(wf?.request.requestedBy).toBe(request.requestedBy);
  });

  test('binary mode starts the same workflow', async () => {
    const e = signed(requested, 'binary');
    expect(e.headers['ce-type']).toBe(EVENT_TYPES.connectionRequested);
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ workflowId, status: 'started' });
  });

  test('an approval event without a signed decision token answers 400 naming data.token', async () => {
    const e = signed({
      type: EVENT_TYPES.approvalGranted,
      data: { workflowId, gate: 'proxy-ca', approver: 'ops-oncall' },
    });
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body)).toMatch(/data\.token/);
  });

  test('approval granted and denied events reach the workflow as signals', async () => {
    const start = signed(requested);
    await post(start.body, start.headers);
    const granted = signed(
      {
        type: EVENT_TYPES.approvalGranted,
        data: { workflowId, gate: 'proxy-ca', approver: 'ops-oncall', comment: 'ok', token: TOKEN },
        id: 'evt-2',
      },
      'binary',
    );
    const grantedReply = await post(granted.body, granted.headers);
    expect(grantedReply).toEqual({ status: 202, body: { workflowId, status: 'signalled', eventId: 'evt-2' } });
    const denied = signed({
      type: EVENT_TYPES.approvalDenied,
      data: { workflowId, gate: 'restart', approver: 'ops-oncall', reason: 'change freeze', token: TOKEN },
      id: 'evt-3',
    });
    expect((await post(denied.body, denied.headers)).status).toBe(202);
    expect(temporal.workflows.get(workflowId)?.signals).toEqual([
      { name: 'approvalGranted', decision: { gate: 'proxy-ca', approver: 'ops-oncall', comment: 'ok', token: TOKEN } },
      {
        name: 'approvalDenied',
        decision: { gate: 'restart', approver: 'ops-oncall', reason: 'change freeze', token: TOKEN },
      },
    ]);
  });

  test('an approval for a workflow that does not exist answers 404', async () => {
    const e = signed({
      type: EVENT_TYPES.approvalGranted,
      data: { workflowId: 'crosslink.nope', gate: 'proxy-ca', approver: 'ops', token: TOKEN },
    });
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(404);
    expect(reply.body.error).toMatch(/crosslink\.nope/);
  });
});

/** The HTTP protocol binding, case by case (CloudEvents http-protocol-binding v1.0.2). */
describe('intake follows the CloudEvents HTTP binding', () => {
  const body = JSON.stringify(request);
  const ce = {
    'ce-specversion': '1.0',
    'ce-id': 'evt-b',
    'ce-source': 'test/automation',
    'ce-type': EVENT_TYPES.connectionRequested,
    'content-type': 'application/json',
  };
  const withoutHeader = (name: string) => Object.fromEntries(Object.entries(ce).filter(([k]) => k !== name));

  test.each(['ce-specversion', 'ce-id', 'ce-source', 'ce-type'])('binary mode without %s answers 400', async (name) => {
    const reply = await post(body, signRaw('evt-b', body, withoutHeader(name)));
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.map((e) => e.field)).toContain(name.slice(3));
    expect(temporal.workflows.size).toBe(0);
  });

  test('binary mode with a blank ce-specversion answers 400', async () => {
    const reply = await post(body, signRaw('evt-b', body, { ...ce, 'ce-specversion': ' ' }));
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.[0]?.field).toBe('specversion');
  });

  test('binary mode with ce-specversion 0.3 answers 400', async () => {
    const reply = await post(body, signRaw('evt-b', body, { ...ce, 'ce-specversion': '0.3' }));
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.[0]).toMatchObject({ field: 'specversion', message: expect.stringMatching(/1\.0/) });
  });

  test('header names in any case are the same headers', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const headers = signRaw('evt-b', body, {
        'CE-SpecVersion': '1.0',
        'Ce-Id': 'evt-b',
        'CE-SOURCE': 'test/automation',
        'ce-Type': EVENT_TYPES.connectionRequested,
        'Content-TYPE': 'Application/JSON; Charset=UTF-8',
      });
      const req = httpRequest(url, { method: 'POST', headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(202);
  });

  test('structured mode is recognised whatever the case of the media type, with parameters', async () => {
    const e = signed(requested);
    const reply = await post(e.body, { ...e.headers, 'content-type': 'Application/CloudEvents+JSON; charset=utf-8' });
    expect(reply.status).toBe(202);
  });

  test('a JSON suffix media type (+json) is JSON data in binary mode', async () => {
    const reply = await post(body, signRaw('evt-b', body, { ...ce, 'content-type': 'application/vnd.example+json' }));
    expect(reply.status).toBe(202);
  });

  test.each([
    ['text/plain', /text\/plain is not application\/json/],
    ['application/xml', /application\/xml is not application\/json/],
  ])('binary mode with data declared as %s answers 415 (the data must be JSON)', async (type, message) => {
    const reply = await post(body, signRaw('evt-b', body, { ...ce, 'content-type': type }));
    expect(reply.status).toBe(415);
    expect(reply.body.errors?.[0]?.message).toMatch(message);
    expect(temporal.workflows.size).toBe(0);
  });

  test('binary mode without a Content-Type answers 415', async () => {
    const reply = await post(Buffer.from(body), signRaw('evt-b', body, withoutHeader('content-type')));
    expect(reply.status).toBe(415);
  });

  test('a charset other than UTF-8 answers 415', async () => {
    const reply = await post(
      body,
      signRaw('evt-b', body, { ...ce, 'content-type': 'application/json; charset=latin1' }),
    );
    expect(reply.status).toBe(415);
  });

  test('a ce-datacontenttype header in binary mode answers 400', async () => {
    const reply = await post(body, signRaw('evt-b', body, { ...ce, 'ce-datacontenttype': 'application/json' }));
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.[0]?.field).toBe('datacontenttype');
  });

  test('percent-encoded header values are decoded; invalid UTF-8 in them answers 400', async () => {
    const ok = await post(body, signRaw('evt-b', body, { ...ce, 'ce-subject': 'Euro%20%E2%82%AC' }));
    expect(ok.status).toBe(202);
    const overlong = await post(body, signRaw('evt-c', body, { ...ce, 'ce-id': 'evt-c', 'ce-subject': '%C0%A0' }));
    expect(overlong.status).toBe(400);
    expect(overlong.body.errors?.[0]?.field).toBe('subject');
  });

  test('batched mode answers 415', async () => {
    const batch = JSON.stringify([JSON.parse(signed(requested).body)]);
    const reply = await post(batch, signRaw('evt-1', batch, { 'content-type': 'application/cloudevents-batch+json' }));
    expect(reply.status).toBe(415);
    expect(reply.body.errors?.[0]?.message).toMatch(/batched content mode/);
  });

  test('a structured event format other than JSON answers 415', async () => {
    const e = signed(requested);
    const reply = await post(e.body, { ...e.headers, 'content-type': 'application/cloudevents+avro' });
    expect(reply.status).toBe(415);
  });

  test('a structured event with data_base64 or non-JSON datacontenttype answers 400', async () => {
    const base = { specversion: '1.0', id: 'evt-1', source: 'test', type: EVENT_TYPES.connectionRequested };
    for (const [event, field] of [
      [{ ...base, data_base64: Buffer.from(body).toString('base64') }, 'data_base64'],
      [{ ...base, datacontenttype: 'text/plain', data: body }, 'datacontenttype'],
    ] as const) {
      const text = JSON.stringify(event);
      const reply = await post(text, signRaw('evt-1', text, { 'content-type': 'application/cloudevents+json' }));
      expect(reply.status).toBe(400);
      expect(reply.body.errors?.[0]?.field).toBe(field);
    }
  });
});

describe('intake validation', () => {
  test('a bad connection request answers 400 naming each field, and starts nothing', async () => {
    const bad = { ...request, alias: 'Bad Alias', remote: { environment: 'ece-b', deploymentId: 'xyz' } };
    const e = signed({ ...requested, data: bad });
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(400);
    const fields = reply.body.errors?.map((x) => x.field);
    expect(fields).toEqual(expect.arrayContaining(['data.alias', 'data.remote.deploymentId']));
    expect(temporal.workflows.size).toBe(0);
  });

  test('an unknown event type answers 400 on the type field', async () => {
    const e = signed({ ...requested, type: 'com.example.other' });
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.[0]?.field).toBe('type');
  });

  test('a structured event without id or source answers 400 naming them', async () => {
    const body = JSON.stringify({ specversion: '1.0', type: EVENT_TYPES.connectionRequested, data: request });
    const reply = await post(body, signRaw('evt-1', body, { 'content-type': 'application/cloudevents+json' }));
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.map((x) => x.field)).toEqual(expect.arrayContaining(['id', 'source']));
  });

  test('a plain JSON post that is no CloudEvent answers 400', async () => {
    const body = JSON.stringify(request);
    const reply = await post(body, signRaw('evt-1', body, { 'content-type': 'application/json' }));
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.[0]?.message).toMatch(/no CloudEvent/);
  });

  test('an approval without a gate or with an unknown approver form answers 400', async () => {
    const e = signed({ type: EVENT_TYPES.approvalGranted, data: { workflowId, approver: 'not valid!' } });
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.map((x) => x.field)).toEqual(expect.arrayContaining(['data.gate', 'data.approver']));
  });

  test('a denial without a reason answers 400', async () => {
    const e = signed({ type: EVENT_TYPES.approvalDenied, data: { workflowId, gate: 'proxy-ca', approver: 'ops' } });
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.map((x) => x.field)).toContain('data.reason');
  });

  test('invalid JSON answers 400', async () => {
    const reply = await post(
      '{not json',
      signRaw('evt-1', '{not json', { 'content-type': 'application/cloudevents+json' }),
    );
    expect(reply.status).toBe(400);
  });

  test('deeply nested data answers 400 with the reason, in both modes, and starts nothing', async () => {
    const deep = '['.repeat(5_000) + ']'.repeat(5_000); // within the body limit
    const data = { ...request, access: { search: [{ names: ['logs-*'], query: { bool: 'DEEP' } }] } };
    const structured = signed({ ...requested, data }).body.replace('"DEEP"', deep);
    const s = await post(structured, signRaw('evt-1', structured, { 'content-type': 'application/cloudevents+json' }));
    expect(s.status).toBe(400);
    expect(s.body.errors?.[0]).toMatchObject({ field: '(body)', message: 'is nested deeper than 64 levels' });
    const binary = JSON.stringify(data).replace('"DEEP"', deep);
    const b = await post(binary, signRaw('evt-b', binary, ce()));
    expect(b.status).toBe(400);
    expect(b.body.errors?.[0]).toMatchObject({ field: 'data', message: 'is nested deeper than 64 levels' });
    expect(temporal.workflows.size).toBe(0);
  });

  test('data the Temporal data converter refuses answers 400, not 503', async () => {
    temporal.startConnection = () => Promise.reject(new ValueError('Unable to convert [object Object] to payload'));
    const e = signed(requested);
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.[0]).toMatchObject({
      field: 'data',
      message: expect.stringMatching(/cannot be converted/),
    });
  });
});

function ce(): Record<string, string> {
  return {
    'ce-specversion': '1.0',
    'ce-id': 'evt-b',
    'ce-source': 'test/automation',
    'ce-type': EVENT_TYPES.connectionRequested,
    'content-type': 'application/json',
  };
}

describe('intake idempotency across event ids', () => {
  test('the same connection requested twice, with different event ids, returns the same workflow', async () => {
    const first = signed({ ...requested, id: 'evt-a' });
    const second = signed({ ...requested, id: 'evt-b' }, 'binary');
    const r1 = await post(first.body, first.headers);
    const r2 = await post(second.body, second.headers);
    expect(r1.body).toMatchObject({ workflowId, status: 'started' });
    expect(r2.body).toMatchObject({ workflowId, status: 'already-running', runId: r1.body.runId });
    expect(temporal.workflows.size).toBe(1);
  });
});

/** Sends `size` bytes with or without Content-Length; resolves with the status or the socket error code. */
function sendRaw(size: number, opts: { contentLength: boolean; expectContinue?: boolean }): Promise<number | string> {
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/cloudevents+json' };
    if (opts.contentLength) headers['content-length'] = size;
    if (opts.expectContinue) headers.expect = '100-continue';
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    if (opts.expectContinue) {
      req.on('continue', () => req.end(Buffer.alloc(size, 0x20)));
      return;
    }
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < size) {
        const n = Math.min(chunk.length, size - sent);
        sent += n;
        if (!req.write(chunk.subarray(0, n))) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('intake limits and routes', () => {
  test('bodies over the limit answer 413 every time, never a connection reset', async () => {
    const results: Array<number | string> = [];
    for (let i = 0; i < 3; i++) {
      results.push(await sendRaw(1024 * 1024, { contentLength: true }));
      results.push(await sendRaw(1024 * 1024, { contentLength: false }));
    }
    expect(results).toEqual(Array(6).fill(413));
    expect(temporal.workflows.size).toBe(0);
  });

  // 4 MiB is past what loopback socket buffers absorb: a server that closes with the body unread resets these.
  test('a client that sends the whole oversize body before reading still reads the 413', async () => {
    const port = Number(new URL(url).port);
    const lines: string[] = [];
    for (let i = 0; i < 3; i++) {
      lines.push(await sendThenRead(port, 4 * 1024 * 1024, false));
      lines.push(await sendThenRead(port, 4 * 1024 * 1024, true));
    }
    expect(lines).toEqual(Array(6).fill('HTTP/1.1 413 Payload Too Large'));
  });

  test('a client that keeps sending past the drain limit is cut off', async () => {
    const small = createIntakeServer({ gateway: temporal, secret: SECRET, bodyLimit: 1024, drainLimit: 64 * 1024 });
    const port = (await small.listen(0)).port;
    try {
      expect(await sendThenRead(port, 8 * 1024 * 1024, false)).toMatch(/^no response/);
    } finally {
      await small.close();
    }
  });

  test('a client that asks 100-continue for a body over the limit gets 413 without sending it', async () => {
    expect(await sendRaw(BODY_LIMIT * 4, { contentLength: true, expectContinue: true })).toBe(413);
  });

  test('a client that disconnects mid-body is one log line without a stack trace', async () => {
    await new Promise<void>((resolve) => {
      const req = httpRequest(url, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json', 'content-length': 1000 },
      });
      req.on('error', () => resolve());
      req.write('{"specversion":', () => setImmediate(() => req.destroy()));
    });
    while (!logLines.some((l) => l.includes('disconnected'))) await new Promise((r) => setTimeout(r, 10));
    const lines = logLines.filter((l) => l.includes('disconnected'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', received: 15 });
    expect(logLines.join('')).not.toMatch(/stack|"level":"error"/);
    expect((await fetch(url.replace('/events', '/healthz'))).status).toBe(200); // still serving
  });

  test('GET /healthz answers 200 and other paths 404', async () => {
    const health = await fetch(url.replace('/events', '/healthz'));
    expect(health.status).toBe(200);
    const other = await fetch(url.replace('/events', '/nope'), { method: 'POST', body: '{}' });
    expect(other.status).toBe(404);
    const get = await fetch(url);
    expect(get.status).toBe(405);
  });
});

describe('the SDK message shapes senders use still verify', () => {
  test('HTTP.structured output signed by hand is accepted', async () => {
    const message = HTTP.structured(
      new CloudEvent({ id: 'evt-sdk', type: requested.type, source: 's', data: request }),
    );
    const text = message.body as string;
    const reply = await post(text, signRaw('evt-sdk', text, message.headers as Record<string, string>));
    expect(reply.status).toBe(202);
  });
});

describe('intake lifecycle events (update-access, rotate, disconnect)', () => {
  const local = request.local;
  const alias = request.alias;
  const sealed = { alg: 'A256GCM', kid: 'abcd1234', iv: 'aXY=', ciphertext: 'Y2lwaGVy', tag: 'dGFn' };

  test.each([
    [
      EVENT_TYPES.accessUpdateRequested,
      'update-access',
      { local, alias, access: { search: [{ names: ['logs-*'] }] }, requestedBy: 'alice' },
    ],
    [EVENT_TYPES.rotationRequested, 'rotate', { local, alias, previousCredential: sealed, requestedBy: 'alice' }],
    [EVENT_TYPES.disconnectRequested, 'disconnect', { connectionId: workflowId, requestedBy: 'alice' }],
  ])('%s starts %s under the connection id', async (type, operation, data) => {
    const e = signed({ type, data, id: `evt-${operation}` });
    const reply = await post(e.body, e.headers);
    expect(reply).toMatchObject({ status: 202, body: { workflowId, status: 'started', operation } });
    expect(temporal.workflows.get(workflowId)?.lifecycle).toMatchObject({ operation, request: data });
  });

  test('a second lifecycle event while a run holds the connection starts nothing new', async () => {
    const c = signed(requested);
    await post(c.body, c.headers);
    const first = temporal.workflows.get(workflowId)!.runId;
    const e = signed({
      type: EVENT_TYPES.disconnectRequested,
      data: { connectionId: workflowId, requestedBy: 'alice' },
      id: 'evt-2',
    });
    const reply = await post(e.body, e.headers);
    expect(reply).toMatchObject({ status: 202, body: { status: 'already-running', runId: first } });
    expect(temporal.workflows.get(workflowId)?.lifecycle).toBeUndefined();
  });

  test('a rotation without the previous credential or noRestore is refused, naming the field', async () => {
    const e = signed({
      type: EVENT_TYPES.rotationRequested,
      data: { local, alias, requestedBy: 'alice' },
      id: 'evt-3',
    });
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body)).toContain('data.previousCredential');
    expect(temporal.workflows.size).toBe(0);
  });

  test('an update-access for the certificate-only fields (remote roles) is refused', async () => {
    const data = {
      local,
      alias,
      access: { search: [{ names: ['logs-*'] }] },
      roles: [{ name: 'r', local: {}, remote: { indices: [{ names: ['x'], privileges: ['read'] }] } }],
      requestedBy: 'alice',
    };
    const e = signed({ type: EVENT_TYPES.accessUpdateRequested, data, id: 'evt-4' });
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body)).toContain('data.roles[0].remote');
  });
});
