/** Standard Webhooks authentication at the intake: signatures, their syntax, timestamps, several secrets. */
import { createIntakeServer } from '../../client/intake/server';
import { signedEventRequest } from '../../client/intake/send';
import { loadIntakeConfig } from '../../client/intake/config';
import { generateWebhookSecret, signatureHeaders, webhookKey } from '../../common/webhook-signature';
import { InMemoryTemporal } from './fakes/in-memory-temporal';
import { rawRequest } from './intake-raw-client';
import { MINUTE, SECRET, post, requested, signRaw, signed, useIntake, workflowId } from './intake-harness';

const intake = useIntake();

describe('intake authentication (Standard Webhooks)', () => {
  test('a correctly signed event is accepted', async () => {
    const e = signed(requested);
    const reply = await post(intake.url, e.body, e.headers);
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ workflowId, status: 'started', eventId: 'evt-1' });
  });

  test('missing signature headers are refused with 401 and start nothing', async () => {
    const e = signed(requested);
    const { 'webhook-signature': _signature, ...unsigned } = e.headers;
    const reply = await post(intake.url, e.body, unsigned);
    expect(reply.status).toBe(401);
    expect(reply.body.error).toMatch(/missing webhook-signature/);
    const { 'webhook-id': _id, 'webhook-timestamp': _ts, ...none } = unsigned;
    const bare = await post(intake.url, e.body, none);
    expect(bare.status).toBe(401);
    expect(bare.body.error).toBe('missing webhook-id header (Standard Webhooks signature)');
    expect(intake.temporal.runs).toHaveLength(0);
  });

  test('a signature made with another secret is refused with 401', async () => {
    const e = signedEventRequest(generateWebhookSecret(), { ...requested, id: 'evt-1' });
    const reply = await post(intake.url, e.body, e.headers);
    expect(reply.status).toBe(401);
    expect(reply.body.error).toMatch(/invalid webhook-signature/);
    expect(intake.temporal.runs).toHaveLength(0);
  });

  test('a body changed after signing is refused with 401', async () => {
    const e = signed(requested);
    const reply = await post(intake.url, e.body.replace('logs-b', 'logs-x'), e.headers);
    expect(reply.status).toBe(401);
    expect(intake.temporal.runs).toHaveLength(0);
  });

  test('a webhook-id changed after signing is refused with 401', async () => {
    const e = signed(requested);
    const reply = await post(intake.url, e.body, { ...e.headers, 'webhook-id': 'evt-2' });
    expect(reply.status).toBe(401);
  });

  test('a stale event (signed more than 5 minutes ago) is refused and starts nothing', async () => {
    const e = signed(requested, 'structured', new Date(Date.now() - 10 * MINUTE));
    const reply = await post(intake.url, e.body, e.headers);
    expect(reply.status).toBe(401);
    expect(reply.body.error).toMatch(/more than 300 seconds old/);
    expect(intake.temporal.runs).toHaveLength(0);
  });

  test('an event signed for the future is refused', async () => {
    const e = signed(requested, 'structured', new Date(Date.now() + 10 * MINUTE));
    const reply = await post(intake.url, e.body, e.headers);
    expect(reply.status).toBe(401);
    expect(reply.body.error).toMatch(/in the future/);
  });

  test('a signature under a webhook-id other than the CloudEvent id is refused', async () => {
    const e = signed(requested);
    const reply = await post(intake.url, e.body, signRaw('evt-other', e.body, e.headers));
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.[0]).toMatchObject({ field: 'id', message: expect.stringMatching(/webhook-id/) });
    expect(intake.temporal.runs).toHaveLength(0);
  });

  test('a secret that is not a Standard Webhooks secret is refused at start', () => {
    expect(() =>
      createIntakeServer({ gateway: new InMemoryTemporal().gateway, secrets: ['just-a-long-password-0123456789'] }),
    ).toThrow(/whsec_/);
  });

  test('an intake without any authentication method is refused at start', () => {
    expect(() => createIntakeServer({ gateway: new InMemoryTemporal().gateway, secrets: [] })).toThrow(
      /needs an authentication method/,
    );
  });
});

describe('the signature header is read strictly', () => {
  test('a repeated webhook-signature header (a valid signature plus another) is refused with 401', async () => {
    const e = signed(requested);
    const headers: Array<[string, string]> = Object.entries(e.headers);
    headers.push(['webhook-signature', `v1,${Buffer.alloc(32).toString('base64')}`]);
    const reply = await rawRequest(intake.url, headers, e.body);
    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.body)).toEqual({ error: 'webhook-signature appears more than once' });
    expect(intake.temporal.runs).toHaveLength(0);
  });

  test('the same repeat joined into one header line, as a proxy may join it, is refused with 401', async () => {
    const e = signed(requested);
    const joined = `${e.headers['webhook-signature']}, v1,${Buffer.alloc(32).toString('base64')}`;
    const reply = await post(intake.url, e.body, { ...e.headers, 'webhook-signature': joined });
    expect(reply.status).toBe(401);
    expect(reply.body.error).toMatch(/space-separated "v1,<base64 signature>" entries/);
  });

  test.each([
    ['a valid signature with a trailing part', (valid: string) => `${valid},junk`],
    ['a valid signature with an empty entry', (valid: string) => `${valid}  v1,AAAA`],
    ['a signature without a version', (valid: string) => valid.slice(3)],
  ])('%s is refused with 401', async (_name, mangle) => {
    const e = signed(requested);
    const reply = await post(intake.url, e.body, {
      ...e.headers,
      'webhook-signature': mangle(e.headers['webhook-signature']!),
    });
    expect(reply.status).toBe(401);
    expect(intake.temporal.runs).toHaveLength(0);
  });

  test('several well-formed signatures, one of them valid, are accepted (the sender rotates)', async () => {
    const e = signed(requested);
    const other = signatureHeaders(webhookKey(generateWebhookSecret()), 'evt-1', e.body)['webhook-signature'];
    const reply = await post(intake.url, e.body, {
      ...e.headers,
      'webhook-signature': `${other} ${e.headers['webhook-signature']}`,
    });
    expect(reply.status).toBe(202);
  });
});

describe('several secrets (the intake rotates)', () => {
  const NEXT = generateWebhookSecret();
  const rotating = useIntake({ secrets: [NEXT, SECRET] });

  test('an event signed with either secret is accepted; one signed with neither is not', async () => {
    const old = signed({ ...requested, id: 'evt-old' });
    expect((await post(rotating.url, old.body, old.headers)).status).toBe(202);
    const next = signedEventRequest(NEXT, { ...requested, id: 'evt-next', source: 'test/automation' });
    expect((await post(rotating.url, next.body, next.headers)).body).toMatchObject({ status: 'already-running' });
    const neither = signedEventRequest(generateWebhookSecret(), { ...requested, id: 'evt-x' });
    expect((await post(rotating.url, neither.body, neither.headers)).status).toBe(401);
  });

  test('the configuration takes a list (spaces or commas; one per line in the file) and checks each', () => {
    const config = loadIntakeConfig({ CROSSLINK_INTAKE_SECRET: `${NEXT}, ${SECRET}` });
    expect(config.secrets).toEqual([NEXT, SECRET]);
    expect(() => loadIntakeConfig({ CROSSLINK_INTAKE_SECRET: `${NEXT} not-a-secret` })).toThrow(
      /CROSSLINK_INTAKE_SECRET \(entry 2\) must be a Standard Webhooks secret/,
    );
    expect(() => loadIntakeConfig({})).toThrow(/needs a way to authenticate senders/);
  });
});
