/**
 * Notifications over loopback: the `sendNotification` activity (in the SDK's mock activity
 * environment) sends to a real sink, which verifies the Standard Webhooks signature and prints one
 * line; a tampered or replayed delivery is refused or dropped; a sink that is down or answers 5xx
 * is a retryable Transient failure, a 4xx a non-retryable one.
 */
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { HTTP } from 'cloudevents';
import { generateWebhookSecret, signatureHeaders, webhookKey } from '../../common/webhook-signature';
import { type NotificationSink, createNotificationSink } from '../../client/notifications/sink';
import { type NotificationInput, NOTIFICATION_TYPES } from '../../domain';
import { createNotificationActivities, notificationEvent } from '../../activities/notifications';
import { loadWorkerConfig } from '../../workers/config';

const SECRET = generateWebhookSecret();
const connection = {
  workflowId: 'crosslink.ece-a.a9000000000000000000000000000000.logs-b',
  runId: 'run-1',
  alias: 'logs-b',
  local: { environment: 'ece-a', deploymentId: 'a9000000000000000000000000000000' },
  remote: { environment: 'ece-b', deploymentId: 'b9000000000000000000000000000000' },
};
const gateOpened: NotificationInput = {
  ...connection,
  kind: 'gate-opened',
  gate: 'proxy-ca',
  requestedBy: 'ci-pipeline',
  approvers: ['ops-oncall'],
  deadline: '2030-01-01T00:00:00.000Z',
};

let sink: NotificationSink;
let sinkUrl: string;
let lines: string[];

beforeEach(async () => {
  lines = [];
  sink = createNotificationSink({ secret: SECRET, print: (l) => lines.push(l) });
  sinkUrl = (await sink.listen(0)).url;
});
afterEach(() => sink.close());

function send(input: NotificationInput, url = sinkUrl, secret = SECRET) {
  const { sendNotification } = createNotificationActivities({ url, signingSecret: secret });
  return new MockActivityEnvironment().run(sendNotification, input);
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('notifications to a sink over loopback', () => {
  test('each kind arrives, verifies and prints one line; the payload carries no secret', async () => {
    const inputs: NotificationInput[] = [
      gateOpened,
      { ...connection, kind: 'connected' },
      {
        ...connection,
        kind: 'rolled-back',
        failureType: 'ApprovalRejected',
        message: 'proxy-ca rejected',
        step: 'proxy-ca',
      },
      {
        ...connection,
        kind: 'failed',
        failureType: 'CompensationFailed',
        message: 'undo failed',
        leftBehind: ['api-key: k1'],
      },
      { ...connection, kind: 'drift-found', findings: [{ what: 'keystore', detail: 'credentials missing' }] },
    ];
    for (const input of inputs) expect(await send(input)).toMatchObject({ delivered: true });
    expect(sink.received.map((r) => r.type)).toEqual([
      NOTIFICATION_TYPES.gateOpened,
      NOTIFICATION_TYPES.connected,
      NOTIFICATION_TYPES.rolledBack,
      NOTIFICATION_TYPES.failed,
      NOTIFICATION_TYPES.driftFound,
    ]);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toContain('approval needed: gate proxy-ca');
    const wire = JSON.stringify(sink.received);
    expect(wire).not.toContain(SECRET);
    expect(wire).not.toContain(SECRET.slice('whsec_'.length));
  });

  test('a retried delivery (same notification) is printed once', async () => {
    await send(gateOpened);
    await send(gateOpened);
    expect(lines).toHaveLength(1);
  });

  test('a tampered notification is refused by the sink', async () => {
    const event = notificationEvent({ ...gateOpened, approvers: ['ops-oncall'] } as never);
    const body = String(HTTP.structured(event).body);
    const headers = {
      'content-type': 'application/cloudevents+json',
      ...signatureHeaders(webhookKey(SECRET), event.id, body),
    };
    const tampered = body.replace('ops-oncall', 'attacker');
    const res = await fetch(sinkUrl, { method: 'POST', headers, body: tampered });
    expect(res.status).toBe(401);
    expect(sink.received).toHaveLength(0);
    const genuine = await fetch(sinkUrl, { method: 'POST', headers, body });
    expect(genuine.status).toBe(204);
  });

  test('a notification signed with another secret fails without retry (4xx)', async () => {
    const failure = await failureOf(send(gateOpened, sinkUrl, generateWebhookSecret()));
    expect(failure).toMatchObject({ type: 'Unauthorized', nonRetryable: true });
    expect(failure.message).toMatch(/answered 401/);
    expect(sink.received).toHaveLength(0);
  });

  test('a sink that is down is a retryable Transient failure', async () => {
    await sink.close();
    const failure = await failureOf(send(gateOpened));
    expect(failure).toMatchObject({ type: 'Transient', nonRetryable: false });
    expect(failure.message).toMatch(/unreachable/);
  });

  test('a sink answering 503 is Transient; 400 is not retried', async () => {
    for (const [status, type, nonRetryable] of [
      [503, 'Transient', false],
      [400, 'BadRequest', true],
    ] as const) {
      const server = createServer((_req, res) => {
        res.statusCode = status;
        res.end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
        expect(await failureOf(send(gateOpened, url))).toMatchObject({ type, nonRetryable });
      } finally {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    }
  });

  test('an invalid notification is refused before anything is sent', async () => {
    const failure = await failureOf(send({ ...gateOpened, gate: 'no-such-step' } as never));
    expect(failure).toMatchObject({ type: 'BadRequest', nonRetryable: true });
    expect(sink.received).toHaveLength(0);
  });

  test('without a configured sink the activity says so and sends nothing', async () => {
    const { sendNotification } = createNotificationActivities(undefined);
    expect(await new MockActivityEnvironment().run(sendNotification, gateOpened)).toEqual({
      delivered: false,
      detail: 'gate-opened: no notification sink configured',
    });
  });
});

describe('worker configuration of the sink', () => {
  const base = {
    environments: { 'ece-a': { coordinatorUrl: 'https://ece-a.example:12443', apiKey: 'inline-key-for-tests' } },
    sealingKey: Buffer.alloc(32, 7).toString('base64'),
  };

  test('the signing secret is read by reference and joins the secrets the logs redact', () => {
    const config = loadWorkerConfig({
      data: {
        ...base,
        notifications: { sink: { url: 'https://chat.example/hook', signingSecret: { env: 'SINK_SECRET' } } },
      },
      env: { SINK_SECRET: SECRET },
    });
    expect(config.notifications).toEqual({
      url: 'https://chat.example/hook',
      signingSecret: SECRET,
      caCert: undefined,
    });
    expect(config.secrets).toContain(SECRET);
  });

  test('a plain-http sink off loopback, or a secret not in whsec_ form, is refused at start', () => {
    expect(() =>
      loadWorkerConfig({
        data: { ...base, notifications: { sink: { url: 'http://chat.example/hook', signingSecret: SECRET } } },
        env: {},
      }),
    ).toThrow(/https/);
    expect(() =>
      loadWorkerConfig({
        data: { ...base, notifications: { sink: { url: 'https://chat.example/hook', signingSecret: 'password123' } } },
        env: {},
      }),
    ).toThrow(/whsec_/);
  });
});
