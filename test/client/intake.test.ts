import { request as httpRequest } from 'node:http';
import { CloudEvent, HTTP } from 'cloudevents';
import { EVENT_TYPES, connectionId, ConnectionRequest } from '../../domain';
import { type IntakeServer, createIntakeServer } from '../../client/intake/server';
import { signBody } from '../../client/intake/signature';
import { defaultLocalRequest } from '../../scripts/local/default-request';
import { FakeTemporal } from './fakes/fake-gateway';

/** A compact JWS as the intake sees it: the intake forwards it; the workflow's check verifies it. */
const TOKEN = 'eyJhbGciOiJFZERTQSIsInR5cCI6ImNyb3NzbGluay1kZWNpc2lvbitqd3QifQ.eyJpc3MiOiJvcHMtbGVhZCJ9.c2lnbmF0dXJl';

const SECRET = 'test-intake-secret-0123456789';
const BODY_LIMIT = 16 * 1024;

let temporal: FakeTemporal;
let intake: IntakeServer;
let url: string;

beforeEach(async () => {
  temporal = new FakeTemporal();
  intake = createIntakeServer({ gateway: temporal, secret: SECRET, bodyLimit: BODY_LIMIT });
  url = (await intake.listen(0)).url + '/events';
});
afterEach(() => intake.close());

interface Reply {
  status: number;
  body: Record<string, unknown> & { errors?: Array<{ field: string; message: string }> };
}

async function post(body: string, headers: Record<string, string>, secret: string | null = SECRET): Promise<Reply> {
  const signature: Record<string, string> = secret === null ? {} : { 'x-crosslink-signature': signBody(secret, body) };
  const res = await fetch(url, { method: 'POST', body, headers: { ...headers, ...signature } });
  return { status: res.status, body: (await res.json()) as Reply['body'] };
}

function structured(type: string, data: unknown, id = 'evt-1'): { body: string; headers: Record<string, string> } {
  const message = HTTP.structured(new CloudEvent({ id, type, source: 'test/automation', data }));
  return { body: message.body as string, headers: message.headers as Record<string, string> };
}

function binary(type: string, data: unknown, id = 'evt-1'): { body: string; headers: Record<string, string> } {
  const message = HTTP.binary(
    new CloudEvent({ id, type, source: 'test/automation', data, datacontenttype: 'application/json' }),
  );
  return { body: message.body as string, headers: message.headers as Record<string, string> };
}

const request = defaultLocalRequest();
const workflowId = connectionId(ConnectionRequest.parse(request));

describe('intake authentication', () => {
  test('a correctly signed event is accepted', async () => {
    const e = structured(EVENT_TYPES.connectionRequested, request);
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ workflowId, status: 'started', eventId: 'evt-1' });
  });

  test('a missing signature is refused with 401 and starts nothing', async () => {
    const e = structured(EVENT_TYPES.connectionRequested, request);
    const reply = await post(e.body, e.headers, null);
    expect(reply.status).toBe(401);
    expect(reply.body.error).toMatch(/missing x-crosslink-signature/);
    expect(temporal.workflows.size).toBe(0);
  });

  test('a signature made with another secret is refused with 401', async () => {
    const e = structured(EVENT_TYPES.connectionRequested, request);
    const reply = await post(e.body, e.headers, 'another-secret-0123456789');
    expect(reply.status).toBe(401);
    expect(reply.body.error).toMatch(/invalid/);
    expect(temporal.workflows.size).toBe(0);
  });

  test('a body changed after signing is refused with 401', async () => {
    const e = structured(EVENT_TYPES.connectionRequested, request);
    const tampered = e.body.replace('logs-b', 'logs-x');
    const res = await fetch(url, {
      method: 'POST',
      body: tampered,
      headers: { ...e.headers, 'x-crosslink-signature': signBody(SECRET, e.body) },
    });
    expect(res.status).toBe(401);
    expect(temporal.workflows.size).toBe(0);
  });

  test('a malformed signature header is refused with 401', async () => {
    const e = structured(EVENT_TYPES.connectionRequested, request);
    const res = await fetch(url, {
      method: 'POST',
      body: e.body,
      headers: { ...e.headers, 'x-crosslink-signature': 'md5=abc' },
    });
    expect(res.status).toBe(401);
  });
});

describe('intake CloudEvents modes', () => {
  test('structured mode starts the connection workflow with the validated request', async () => {
    const e = structured(EVENT_TYPES.connectionRequested, request);
    expect(e.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
    expect((await post(e.body, e.headers)).status).toBe(202);
    const wf = temporal.workflows.get(workflowId);
    expect(wf?.request.approval.gates).toEqual(['platform-trust', 'proxy-ca', 'restart']);
    expect(wf?.request.requestedBy).toBe(request.requestedBy);
  });

  test('binary mode starts the same workflow', async () => {
    const e = binary(EVENT_TYPES.connectionRequested, request);
    expect(e.headers['ce-type']).toBe(EVENT_TYPES.connectionRequested);
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ workflowId, status: 'started' });
  });

  test('binary mode with a charset in the content type still reads the JSON data', async () => {
    const e = binary(EVENT_TYPES.connectionRequested, request);
    const reply = await post(e.body, { ...e.headers, 'content-type': 'application/json; charset=utf-8' });
    expect(reply.status).toBe(202);
  });

  test('an approval event without a signed decision token answers 400 naming data.token', async () => {
    const e = structured(EVENT_TYPES.approvalGranted, { workflowId, gate: 'proxy-ca', approver: 'ops-oncall' });
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body)).toMatch(/data\.token/);
  });

  test('approval granted and denied events reach the workflow as signals, token and all', async () => {
    const start = structured(EVENT_TYPES.connectionRequested, request);
    await post(start.body, start.headers);
    const granted = binary(
      EVENT_TYPES.approvalGranted,
      { workflowId, gate: 'proxy-ca', approver: 'ops-oncall', comment: 'ok', token: TOKEN },
      'evt-2',
    );
    const grantedReply = await post(granted.body, granted.headers);
    expect(grantedReply).toEqual({ status: 202, body: { workflowId, status: 'signalled', eventId: 'evt-2' } });
    const denied = structured(
      EVENT_TYPES.approvalDenied,
      { workflowId, gate: 'restart', approver: 'ops-oncall', reason: 'change freeze', token: TOKEN },
      'evt-3',
    );
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
    const e = structured(EVENT_TYPES.approvalGranted, {
      workflowId: 'crosslink.nope',
      gate: 'proxy-ca',
      approver: 'ops',
      token: TOKEN,
    });
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(404);
    expect(reply.body.error).toMatch(/crosslink\.nope/);
  });
});

describe('intake validation', () => {
  test('a bad connection request answers 400 naming each field, and starts nothing', async () => {
    const bad = { ...request, alias: 'Bad Alias', remote: { environment: 'ece-b', deploymentId: 'xyz' } };
    const e = structured(EVENT_TYPES.connectionRequested, bad);
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(400);
    const fields = reply.body.errors?.map((x) => x.field);
    expect(fields).toEqual(expect.arrayContaining(['data.alias', 'data.remote.deploymentId']));
    expect(temporal.workflows.size).toBe(0);
  });

  test('an unknown event type answers 400 on the type field', async () => {
    const e = structured('com.example.other', request);
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.[0]?.field).toBe('type');
  });

  test('a structured event without id or source answers 400 naming them', async () => {
    const body = JSON.stringify({ specversion: '1.0', type: EVENT_TYPES.connectionRequested, data: request });
    const reply = await post(body, { 'content-type': 'application/cloudevents+json' });
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.map((x) => x.field)).toEqual(expect.arrayContaining(['id', 'source']));
  });

  test('a plain JSON post that is no CloudEvent answers 400', async () => {
    const body = JSON.stringify(request);
    const reply = await post(body, { 'content-type': 'application/json' });
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.[0]?.message).toMatch(/no CloudEvent/);
  });

  test('an approval without a gate or with an unknown approver form answers 400', async () => {
    const e = structured(EVENT_TYPES.approvalGranted, { workflowId, approver: 'not valid!' });
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.map((x) => x.field)).toEqual(expect.arrayContaining(['data.gate', 'data.approver']));
  });

  test('a denial without a reason answers 400', async () => {
    const e = structured(EVENT_TYPES.approvalDenied, { workflowId, gate: 'proxy-ca', approver: 'ops' });
    const reply = await post(e.body, e.headers);
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.map((x) => x.field)).toContain('data.reason');
  });

  test('invalid JSON answers 400', async () => {
    const reply = await post('{not json', { 'content-type': 'application/cloudevents+json' });
    expect(reply.status).toBe(400);
  });
});

describe('intake idempotency', () => {
  test('the same connection requested twice, with different event ids, returns the same workflow', async () => {
    const first = structured(EVENT_TYPES.connectionRequested, request, 'evt-a');
    const second = binary(EVENT_TYPES.connectionRequested, request, 'evt-b');
    const r1 = await post(first.body, first.headers);
    const r2 = await post(second.body, second.headers);
    expect(r1.body).toMatchObject({ workflowId, status: 'started' });
    expect(r2.body).toMatchObject({ workflowId, status: 'already-running', runId: r1.body.runId });
    expect(temporal.workflows.size).toBe(1);
  });

  test('the same event delivered twice returns the same workflow', async () => {
    const e = structured(EVENT_TYPES.connectionRequested, request);
    await post(e.body, e.headers);
    const again = await post(e.body, e.headers);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ workflowId, status: 'already-running' });
  });
});

describe('intake limits and routes', () => {
  test('a body over the limit answers 413 before any check', async () => {
    const big = structured(EVENT_TYPES.connectionRequested, { ...request, padding: 'x'.repeat(BODY_LIMIT) });
    const reply = await post(big.body, big.headers);
    expect(reply.status).toBe(413);
    expect(temporal.workflows.size).toBe(0);
  });

  test('a chunked body over the limit (no Content-Length) answers 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        url,
        { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 5; i++) req.write('x'.repeat(BODY_LIMIT / 4));
      req.end();
    });
    expect(status).toBe(413);
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
