/**
 * Bad-input corpus, events: every file under test/corpus/events/ is one malformed or unauthenticated
 * request to the intake and the answer it must get. Each is sent over HTTP to a real intake whose
 * Temporal is an in-memory fake: it is refused with the expected status and an error naming the
 * field or the reason, and no workflow starts or is signalled. A new case is one new file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { type IntakeServer, createIntakeServer } from '../../client/intake/server';
import { signatureHeaders, webhookKey } from '../../common/webhook-signature';
import { InMemoryTemporal } from '../client/fakes/in-memory-temporal';

const SECRET = 'whsec_' + Buffer.from('corpus-intake-secret-0123456789-0123').toString('base64');
const OTHER_SECRET = 'whsec_' + Buffer.from('someone-elses-secret-0123456789-0123').toString('base64');
const TEN_MINUTES = 10 * 60_000;

const EventCase = z.object({
  description: z.string().min(1),
  /** Request headers as sent (content type, `ce-*` for binary mode, hand-made signature headers). */
  headers: z.record(z.string(), z.string()),
  /** The body: a string is sent as is, anything else as its JSON. */
  body: z.unknown(),
  /** Spaces appended to the body, for oversized cases (keeps the file small). */
  padBytes: z.number().int().positive().optional(),
  /**
   * Standard Webhooks headers added: valid (the intake's secret, now), invalid (another secret),
   * stale / future (10 minutes off), valid-keep-headers (valid, then the file's headers win),
   * unsigned-with-timestamp (id and current timestamp only: the file brings the signature), missing,
   * valid-with-trailing-part (a valid signature with `,junk` appended).
   */
  signature: z.enum([
    'valid',
    'invalid',
    'stale',
    'future',
    'valid-keep-headers',
    'unsigned-with-timestamp',
    'missing',
    'valid-with-trailing-part',
  ]),
  /** The webhook-id to sign under; by default the event id (body `id` or `ce-id`). */
  webhookId: z.string().optional(),
  expect: z.union([
    z.object({
      status: z.union([z.literal(400), z.literal(415)]),
      field: z.string().min(1),
      message: z.string().min(1),
    }),
    z.object({ status: z.number().int(), reason: z.string().min(1) }),
  ]),
});
type EventCase = z.infer<typeof EventCase>;

function load(): Array<[string, EventCase]> {
  const dir = path.join(__dirname, 'events');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [`events/${f}`, EventCase.parse(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')))]);
}

const cases = load();
const temporal = new InMemoryTemporal();
let intake: IntakeServer;
let url: string;

beforeAll(async () => {
  intake = createIntakeServer({ gateway: temporal.gateway, secrets: [SECRET] });
  url = (await intake.listen(0)).url + '/events';
});
afterAll(() => intake.close());

async function send(c: EventCase): Promise<{ status: number; body: Record<string, unknown> }> {
  const text = (typeof c.body === 'string' ? c.body : JSON.stringify(c.body)) + ' '.repeat(c.padBytes ?? 0);
  const bodyId = typeof c.body === 'object' && c.body !== null ? (c.body as { id?: unknown }).id : undefined;
  const id = c.webhookId ?? (typeof bodyId === 'string' && bodyId ? bodyId : (c.headers['ce-id'] ?? 'corpus-event'));
  const now = Date.now();
  const sign = (secret: string, at: number) => signatureHeaders(webhookKey(secret), id, text, new Date(at));
  const signature: Record<string, string> = {
    valid: () => sign(SECRET, now),
    invalid: () => sign(OTHER_SECRET, now),
    stale: () => sign(SECRET, now - TEN_MINUTES),
    future: () => sign(SECRET, now + TEN_MINUTES),
    'valid-keep-headers': () => sign(SECRET, now),
    'unsigned-with-timestamp': () => ({ 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now / 1000)) }),
    missing: () => ({}),
    'valid-with-trailing-part': () => {
      const headers = sign(SECRET, now);
      return { ...headers, 'webhook-signature': `${headers['webhook-signature']},junk` };
    },
  }[c.signature]();
  const headers =
    c.signature === 'valid-keep-headers' ? { ...signature, ...c.headers } : { ...c.headers, ...signature };
  const res = await fetch(url, { method: 'POST', body: Buffer.from(text), headers }); // a Buffer: fetch adds no content type;
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('bad-input corpus: events', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(25));

  it.each(cases)('%s is refused with the expected status and reason; no workflow starts', async (_file, c) => {
    const reply = await send(c);
    expect(reply.status).toBe(c.expect.status);
    const expectation = c.expect;
    if ('field' in expectation) {
      const errors = (reply.body.errors ?? []) as Array<{ field: string; message: string }>;
      const hit = errors.find((e) => e.field === expectation.field);
      if (!hit)
        throw new Error(`${c.description}: no error for ${expectation.field}; got ${JSON.stringify(reply.body)}`);
      expect(hit.message).toContain(expectation.message);
    } else {
      expect(String(reply.body.error)).toContain(expectation.reason);
    }
    expect(temporal.runs).toHaveLength(0);
  });
});

describe('corpus size', () => {
  it('requests, environment files and events together exceed 50 cases', () => {
    const count = (kind: string) =>
      fs.readdirSync(path.join(__dirname, kind)).filter((f) => f.endsWith('.json')).length;
    expect(count('requests') + count('environments') + count('events')).toBeGreaterThan(50);
  });
});
