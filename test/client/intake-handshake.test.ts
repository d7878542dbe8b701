/**
 * The CloudEvents HTTP Web Hooks abuse-protection handshake (v1.0.2 §4) as an event bus performs
 * it (Azure Event Grid does in CloudEvents mode): `OPTIONS` with `WebHook-Request-Origin`, answered
 * with `WebHook-Allowed-Origin` only for an allowed origin; deliveries then name their origin.
 */
import { loadIntakeConfig } from '../../client/intake/config';
import { EVENT_TYPES } from '../../domain';
import { SECRET, post, request, signed, useIntake } from './intake-harness';

const ORIGIN = 'eventgrid.azure.net';

function validation(url: string, headers: Record<string, string>) {
  return fetch(url, { method: 'OPTIONS', headers });
}

describe('an intake that allows one origin', () => {
  const intake = useIntake({ webhookOrigins: [ORIGIN] });

  test('the origin asking for permission gets it: WebHook-Allowed-Origin echoes it, with a rate and Allow', async () => {
    const res = await validation(intake.url, { 'WebHook-Request-Origin': ORIGIN, 'WebHook-Request-Rate': '120' });
    expect(res.status).toBe(200);
    expect(res.headers.get('webhook-allowed-origin')).toBe(ORIGIN);
    expect(res.headers.get('webhook-allowed-rate')).toBe('*');
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
  });

  test('another origin gets no WebHook-Allowed-Origin (no consent), and a 403', async () => {
    const res = await validation(intake.url, { 'WebHook-Request-Origin': 'attacker.example' });
    expect(res.status).toBe(403);
    expect(res.headers.get('webhook-allowed-origin')).toBeNull();
    expect(await res.json()).toEqual({ error: 'origin attacker.example may not deliver events to this intake' });
  });

  test('a plain OPTIONS (no handshake) is told the methods', async () => {
    const res = await validation(intake.url, {});
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
    expect(res.headers.get('webhook-allowed-origin')).toBeNull();
  });

  test('a delivery naming the allowed origin is processed; one naming another origin is refused with 403', async () => {
    const e = signed({ type: EVENT_TYPES.connectionRequested, data: request });
    const refused = await post(intake.url, e.body, { ...e.headers, 'WebHook-Request-Origin': 'attacker.example' });
    expect(refused.status).toBe(403);
    expect(intake.temporal.runs).toHaveLength(0);
    const accepted = await post(intake.url, e.body, { ...e.headers, 'WebHook-Request-Origin': ORIGIN });
    expect(accepted.status).toBe(202);
  });

  test('the handshake is not authentication: an allowed origin without a credential is still refused', async () => {
    const e = signed({ type: EVENT_TYPES.connectionRequested, data: request });
    const { 'webhook-signature': _s, 'webhook-id': _i, 'webhook-timestamp': _t, ...unsigned } = e.headers;
    const reply = await post(intake.url, e.body, { ...unsigned, 'WebHook-Request-Origin': ORIGIN });
    expect(reply.status).toBe(401);
  });
});

describe('an intake that allows any origin', () => {
  const intake = useIntake({ webhookOrigins: ['*'] });

  test('echoes whichever origin asks', async () => {
    const res = await validation(intake.url, { 'WebHook-Request-Origin': 'events.example.org' });
    expect(res.status).toBe(200);
    expect(res.headers.get('webhook-allowed-origin')).toBe('events.example.org');
  });
});

describe('an intake without allowed origins', () => {
  const intake = useIntake();

  test('does not take part in the handshake: OPTIONS is 405, as for a target that does not handle it', async () => {
    const res = await validation(intake.url, { 'WebHook-Request-Origin': ORIGIN });
    expect(res.status).toBe(405);
    expect(res.headers.get('webhook-allowed-origin')).toBeNull();
    expect(res.headers.get('allow')).toBe('POST');
  });
});

describe('configuration', () => {
  test('origins are DNS names or "*", comma-separated', () => {
    const env = { CROSSLINK_INTAKE_SECRET: SECRET };
    expect(
      loadIntakeConfig({ ...env, CROSSLINK_INTAKE_WEBHOOK_ORIGINS: `${ORIGIN}, events.example.org` }).webhookOrigins,
    ).toEqual([ORIGIN, 'events.example.org']);
    expect(() =>
      loadIntakeConfig({ ...env, CROSSLINK_INTAKE_WEBHOOK_ORIGINS: 'https://eventgrid.azure.net/' }),
    ).toThrow(/webhook origins must be DNS names or "\*"/);
  });
});
