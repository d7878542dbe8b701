/** The CloudEvents HTTP protocol binding (v1.0.2) and JSON event format at the intake, case by case. */
import { request as httpRequest } from 'node:http';
import { CloudEvent, HTTP } from 'cloudevents';
import { EVENT_TYPES } from '../../domain';
import {
  TOKEN,
  binaryHeaders,
  post,
  request,
  requested,
  signRaw,
  signed,
  useIntake,
  workflowId,
} from './intake-harness';

const intake = useIntake();

describe('intake CloudEvents modes', () => {
  test('structured mode starts the connection workflow with the validated request', async () => {
    const e = signed(requested);
    expect(e.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
    expect((await post(intake.url, e.body, e.headers)).status).toBe(202);
    const run = intake.temporal.open(workflowId);
    expect(run?.type).toBe('connectRemoteCluster');
    expect(run?.input).toMatchObject({
      approval: { gates: ['platform-trust', 'proxy-ca', 'restart'] },
      requestedBy: request.requestedBy,
    });
  });

  test('binary mode starts the same workflow', async () => {
    const e = signed(requested, 'binary');
    expect(e.headers['ce-type']).toBe(EVENT_TYPES.connectionRequested);
    const reply = await post(intake.url, e.body, e.headers);
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ workflowId, status: 'started' });
  });

  test('an approval event without a signed decision token answers 400 naming data.token', async () => {
    const e = signed({
      type: EVENT_TYPES.approvalGranted,
      data: { workflowId, gate: 'proxy-ca', approver: 'ops-oncall' },
    });
    const reply = await post(intake.url, e.body, e.headers);
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body)).toMatch(/data\.token/);
  });

  test('approval granted and denied events reach the workflow as signals', async () => {
    const start = signed(requested);
    await post(intake.url, start.body, start.headers);
    const granted = signed(
      {
        type: EVENT_TYPES.approvalGranted,
        data: { workflowId, gate: 'proxy-ca', approver: 'ops-oncall', comment: 'ok', token: TOKEN },
        id: 'evt-2',
      },
      'binary',
    );
    const grantedReply = await post(intake.url, granted.body, granted.headers);
    expect(grantedReply.status).toBe(202);
    expect(grantedReply.body).toEqual({ workflowId, status: 'signalled', eventId: 'evt-2' });
    const denied = signed({
      type: EVENT_TYPES.approvalDenied,
      data: { workflowId, gate: 'restart', approver: 'ops-oncall', reason: 'change freeze', token: TOKEN },
      id: 'evt-3',
    });
    expect((await post(intake.url, denied.body, denied.headers)).status).toBe(202);
    expect(intake.temporal.open(workflowId)?.signals).toEqual([
      { name: 'approvalGranted', arg: { gate: 'proxy-ca', approver: 'ops-oncall', comment: 'ok', token: TOKEN } },
      {
        name: 'approvalDenied',
        arg: { gate: 'restart', approver: 'ops-oncall', reason: 'change freeze', token: TOKEN },
      },
    ]);
  });

  test('an approval for a workflow that does not exist answers 404', async () => {
    const e = signed({
      type: EVENT_TYPES.approvalGranted,
      data: { workflowId: 'crosslink.nope', gate: 'proxy-ca', approver: 'ops', token: TOKEN },
    });
    const reply = await post(intake.url, e.body, e.headers);
    expect(reply.status).toBe(404);
    expect(reply.body.error).toMatch(/crosslink\.nope/);
  });
});

/** The HTTP protocol binding, case by case (CloudEvents http-protocol-binding v1.0.2). */
describe('intake follows the CloudEvents HTTP binding', () => {
  const body = JSON.stringify(request);
  const ce = binaryHeaders();
  const withoutHeader = (name: string) => Object.fromEntries(Object.entries(ce).filter(([k]) => k !== name));

  test.each(['ce-specversion', 'ce-id', 'ce-source', 'ce-type'])('binary mode without %s answers 400', async (name) => {
    const reply = await post(intake.url, body, signRaw('evt-b', body, withoutHeader(name)));
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.map((e) => e.field)).toContain(name.slice(3));
    expect(intake.temporal.runs).toHaveLength(0);
  });

  test('binary mode with a blank ce-specversion answers 400', async () => {
    const reply = await post(intake.url, body, signRaw('evt-b', body, { ...ce, 'ce-specversion': ' ' }));
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.[0]?.field).toBe('specversion');
  });

  test('binary mode with ce-specversion 0.3 answers 400', async () => {
    const reply = await post(intake.url, body, signRaw('evt-b', body, { ...ce, 'ce-specversion': '0.3' }));
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
      const req = httpRequest(intake.url, { method: 'POST', headers }, (res) => {
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
    const reply = await post(intake.url, e.body, {
      ...e.headers,
      'content-type': 'Application/CloudEvents+JSON; charset=utf-8',
    });
    expect(reply.status).toBe(202);
  });

  test('a JSON suffix media type (+json) is JSON data in binary mode', async () => {
    const reply = await post(
      intake.url,
      body,
      signRaw('evt-b', body, { ...ce, 'content-type': 'application/vnd.example+json' }),
    );
    expect(reply.status).toBe(202);
  });

  test.each([
    ['text/plain', /text\/plain is not application\/json/],
    ['application/xml', /application\/xml is not application\/json/],
  ])('binary mode with data declared as %s answers 415 (the data must be JSON)', async (type, message) => {
    const reply = await post(intake.url, body, signRaw('evt-b', body, { ...ce, 'content-type': type }));
    expect(reply.status).toBe(415);
    expect(reply.body.errors?.[0]?.message).toMatch(message);
    expect(intake.temporal.runs).toHaveLength(0);
  });

  test('binary mode without a Content-Type answers 415', async () => {
    const reply = await post(intake.url, Buffer.from(body), signRaw('evt-b', body, withoutHeader('content-type')));
    expect(reply.status).toBe(415);
  });

  test('a charset other than UTF-8 answers 415', async () => {
    const reply = await post(
      intake.url,
      body,
      signRaw('evt-b', body, { ...ce, 'content-type': 'application/json; charset=latin1' }),
    );
    expect(reply.status).toBe(415);
  });

  test('a ce-datacontenttype header in binary mode answers 400', async () => {
    const reply = await post(
      intake.url,
      body,
      signRaw('evt-b', body, { ...ce, 'ce-datacontenttype': 'application/json' }),
    );
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.[0]?.field).toBe('datacontenttype');
  });

  test('percent-encoded header values are decoded; invalid UTF-8 in them answers 400', async () => {
    const ok = await post(intake.url, body, signRaw('evt-b', body, { ...ce, 'ce-subject': 'Euro%20%E2%82%AC' }));
    expect(ok.status).toBe(202);
    const overlong = await post(
      intake.url,
      body,
      signRaw('evt-c', body, { ...ce, 'ce-id': 'evt-c', 'ce-subject': '%C0%A0' }),
    );
    expect(overlong.status).toBe(400);
    expect(overlong.body.errors?.[0]?.field).toBe('subject');
  });

  test.each(['__proto__', '__definegetter__', '__lookupsetter__'])(
    'binary mode with a ce-%s header answers 400 naming it, like any name that is not [a-z0-9]+',
    async (name) => {
      const reply = await post(intake.url, body, signRaw('evt-b', body, { ...ce, [`ce-${name}`]: 'x' }));
      expect(reply.status).toBe(400);
      expect(reply.body.errors?.[0]?.field).toBe(name);
      expect(intake.temporal.runs).toHaveLength(0);
    },
  );

  test('ce-constructor and ce-tostring are ordinary extension attributes (valid names), accepted', async () => {
    const reply = await post(
      intake.url,
      body,
      signRaw('evt-b', body, { ...ce, 'ce-constructor': 'x', 'ce-tostring': 'y' }),
    );
    expect(reply.status).toBe(202);
  });

  test('binary mode with an extension header whose name is not lowercase alphanumeric answers 400', async () => {
    const reply = await post(intake.url, body, signRaw('evt-b', body, { ...ce, 'ce-trace_id': 'x' }));
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.[0]).toMatchObject({
      field: 'trace_id',
      message: expect.stringMatching(/does not name a CloudEvents attribute/),
    });
  });

  test('a structured event with a "__proto__" attribute answers 400 naming it', async () => {
    const text = JSON.stringify({
      specversion: '1.0',
      id: 'evt-1',
      source: 's',
      type: requested.type,
      data: request,
    }).replace('{', '{"__proto__":"x",');
    const reply = await post(
      intake.url,
      text,
      signRaw('evt-1', text, { 'content-type': 'application/cloudevents+json' }),
    );
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.[0]?.field).toBe('__proto__');
    expect(intake.temporal.runs).toHaveLength(0);
  });

  test('batched mode answers 415', async () => {
    const batch = JSON.stringify([JSON.parse(signed(requested).body)]);
    const reply = await post(
      intake.url,
      batch,
      signRaw('evt-1', batch, { 'content-type': 'application/cloudevents-batch+json' }),
    );
    expect(reply.status).toBe(415);
    expect(reply.body.errors?.[0]?.message).toMatch(/batched content mode/);
  });

  test('a structured event format other than JSON answers 415', async () => {
    const e = signed(requested);
    const reply = await post(intake.url, e.body, { ...e.headers, 'content-type': 'application/cloudevents+avro' });
    expect(reply.status).toBe(415);
  });

  test('a structured event with data_base64 or non-JSON datacontenttype answers 400', async () => {
    const base = { specversion: '1.0', id: 'evt-1', source: 'test', type: EVENT_TYPES.connectionRequested };
    for (const [event, field] of [
      [{ ...base, data_base64: Buffer.from(body).toString('base64') }, 'data_base64'],
      [{ ...base, datacontenttype: 'text/plain', data: body }, 'datacontenttype'],
    ] as const) {
      const text = JSON.stringify(event);
      const reply = await post(
        intake.url,
        text,
        signRaw('evt-1', text, { 'content-type': 'application/cloudevents+json' }),
      );
      expect(reply.status).toBe(400);
      expect(reply.body.errors?.[0]?.field).toBe(field);
    }
  });
});

describe('the SDK message shapes senders use still verify', () => {
  test('HTTP.structured output signed by hand is accepted', async () => {
    const message = HTTP.structured(
      new CloudEvent({ id: 'evt-sdk', type: requested.type, source: 's', data: request }),
    );
    const text = message.body as string;
    const reply = await post(intake.url, text, signRaw('evt-sdk', text, message.headers as Record<string, string>));
    expect(reply.status).toBe(202);
  });
});
