/** Body limits, routes, liveness and readiness of the intake. */
import { request as httpRequest } from 'node:http';
import { createIntakeServer } from '../../client/intake/server';
import { BODY_LIMIT, SECRET, useIntake } from './intake-harness';
import { sendThenRead } from './intake-raw-client';

const intake = useIntake();

/** Sends `size` bytes with or without Content-Length; resolves with the status or the socket error code. */
function sendRaw(size: number, opts: { contentLength: boolean; expectContinue?: boolean }): Promise<number | string> {
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/cloudevents+json' };
    if (opts.contentLength) headers['content-length'] = size;
    if (opts.expectContinue) headers.expect = '100-continue';
    const req = httpRequest(intake.url, { method: 'POST', headers }, (res) => {
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
    expect(intake.temporal.runs).toHaveLength(0);
  });

  // 4 MiB is past what loopback socket buffers absorb: a server that closes with the body unread resets these.
  test('a client that sends the whole oversize body before reading still reads the 413', async () => {
    const port = Number(new URL(intake.url).port);
    const lines: string[] = [];
    for (let i = 0; i < 3; i++) {
      lines.push(await sendThenRead(port, 4 * 1024 * 1024, false));
      lines.push(await sendThenRead(port, 4 * 1024 * 1024, true));
    }
    expect(lines).toEqual(Array(6).fill('HTTP/1.1 413 Payload Too Large'));
  });

  // Node answers a `Connection: close` request and closes; unread input then resets the connection (EPIPE at the client).
  test.each([2, 6])(
    'a %s MiB body with Connection: close gets its 413 every time, announced or chunked',
    async (mib) => {
      const port = Number(new URL(intake.url).port);
      const lines: string[] = [];
      for (let i = 0; i < 10; i++) {
        lines.push(await sendThenRead(port, mib * 1024 * 1024, false, true));
        lines.push(await sendThenRead(port, mib * 1024 * 1024, true, true));
      }
      expect(lines).toEqual(Array(20).fill('HTTP/1.1 413 Payload Too Large'));
      expect((await fetch(intake.url.replace('/events', '/healthz'))).status).toBe(200);
    },
    60_000,
  );

  test('a client that keeps sending past the drain limit is cut off, and the intake still serves', async () => {
    const small = createIntakeServer({
      gateway: intake.temporal.gateway,
      secrets: [SECRET],
      bodyLimit: 1024,
      drainLimit: 64 * 1024,
    });
    const port = (await small.listen(0)).port;
    try {
      expect(await sendThenRead(port, 8 * 1024 * 1024, true)).toMatch(/^no response/);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      await small.close();
    }
  });

  test('a client that asks 100-continue for a body over the limit gets 413 without sending it', async () => {
    expect(await sendRaw(BODY_LIMIT * 4, { contentLength: true, expectContinue: true })).toBe(413);
  });

  test('a client that disconnects mid-body is one log line without a stack trace', async () => {
    await new Promise<void>((resolve) => {
      const req = httpRequest(intake.url, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json', 'content-length': 1000 },
      });
      req.on('error', () => resolve());
      req.write('{"specversion":', () => setImmediate(() => req.destroy()));
    });
    while (!intake.logLines.some((l) => l.includes('disconnected'))) await new Promise((r) => setTimeout(r, 10));
    const lines = intake.logLines.filter((l) => l.includes('disconnected'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', received: 15 });
    expect(intake.logLines.join('')).not.toMatch(/stack|"level":"error"/);
    expect((await fetch(intake.url.replace('/events', '/healthz'))).status).toBe(200); // still serving
  });

  test('GET /healthz answers 200, other paths 404, other methods on /events 405', async () => {
    const health = await fetch(intake.url.replace('/events', '/healthz'));
    expect(health.status).toBe(200);
    const other = await fetch(intake.url.replace('/events', '/nope'), { method: 'POST', body: '{}' });
    expect(other.status).toBe(404);
    const get = await fetch(intake.url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

describe('liveness and readiness', () => {
  const at = (path: string, method = 'GET') => fetch(intake.url.replace('/events', path), { method });

  test('/readyz answers 200 while Temporal answers and 503 while it does not; /healthz stays 200', async () => {
    expect(await (await at('/readyz')).json()).toEqual({ status: 'ready' });
    intake.temporal.reachable = false;
    const down = await at('/readyz');
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({
      status: 'unavailable',
      error: expect.stringMatching(/^Temporal does not answer: 14 UNAVAILABLE/),
    });
    expect((await at('/healthz')).status).toBe(200);
    intake.temporal.reachable = true;
    expect((await at('/readyz')).status).toBe(200);
  });

  test('both answer HEAD with the status and no body; other methods are 405', async () => {
    const health = await at('/healthz', 'HEAD');
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('');
    intake.temporal.reachable = false;
    const ready = await at('/readyz', 'HEAD');
    expect(ready.status).toBe(503);
    expect(await ready.text()).toBe('');
    const post = await at('/readyz', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
