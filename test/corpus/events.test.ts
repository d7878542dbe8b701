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
import { signBody } from '../../client/intake/signature';
import { FakeTemporal } from '../client/fakes/fake-gateway';

const SECRET = 'corpus-intake-secret-0123456789';
const OTHER_SECRET = 'someone-elses-secret-0123456789';

const EventCase = z.object({
  description: z.string().min(1),
  /** Request headers as sent (content type, `ce-*` for binary mode, a hand-made signature header). */
  headers: z.record(z.string(), z.string()),
  /** The body: a string is sent as is, anything else as its JSON. */
  body: z.unknown(),
  /** Spaces appended to the body, for oversized cases (keeps the file small). */
  padBytes: z.number().int().positive().optional(),
  /** valid: signed with the intake's secret; invalid: with another secret; missing: no signature added. */
  signature: z.enum(['valid', 'invalid', 'missing']),
  expect: z.union([
    z.object({ status: z.literal(400), field: z.string().min(1), message: z.string().min(1) }),
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
const temporal = new FakeTemporal();
let intake: IntakeServer;
let url: string;

beforeAll(async () => {
  intake = createIntakeServer({ gateway: temporal, secret: SECRET });
  url = (await intake.listen(0)).url + '/events';
});
afterAll(() => intake.close());

async function send(c: EventCase): Promise<{ status: number; body: Record<string, unknown> }> {
  const text = (typeof c.body === 'string' ? c.body : JSON.stringify(c.body)) + ' '.repeat(c.padBytes ?? 0);
  const signature: Record<string, string> =
    c.signature === 'missing'
      ? {}
      : { 'x-crosslink-signature': signBody(c.signature === 'valid' ? SECRET : OTHER_SECRET, text) };
  const res = await fetch(url, { method: 'POST', body: text, headers: { ...c.headers, ...signature } });
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
    expect(temporal.workflows.size).toBe(0);
  });
});

describe('corpus size', () => {
  it('requests, environment files and events together exceed 50 cases', () => {
    const count = (kind: string) =>
      fs.readdirSync(path.join(__dirname, kind)).filter((f) => f.endsWith('.json')).length;
    expect(count('requests') + count('environments') + count('events')).toBeGreaterThan(50);
  });
});
