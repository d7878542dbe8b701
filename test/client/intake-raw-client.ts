/** Clients that behave as some real clients do, below what fetch allows. */
import { connect } from 'node:net';
/**
 * A client that sends the whole request before it reads anything (as many simple clients do),
 * optionally announcing `Connection: close`; resolves with the status line or why there was none.
 */
export function sendThenRead(port: number, size: number, chunked: boolean, close = false): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let response = '';
    let error = '';
    socket.pause();
    socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
    socket.on('close', () => resolve(response.split('\r\n')[0] || `no response (${error})`));
    socket.on('connect', async () => {
      const head =
        `POST /events HTTP/1.1\r\nhost: x\r\ncontent-type: application/cloudevents+json\r\n` +
        (close ? 'connection: close\r\n' : '') +
        (chunked ? 'transfer-encoding: chunked\r\n' : `content-length: ${size}\r\n`) +
        '\r\n';
      const write = (b: Buffer | string) =>
        new Promise<void>((r) => (socket.write(b) ? r() : socket.once('drain', () => r())));
      try {
        await write(head);
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        for (let sent = 0; sent < size && !socket.destroyed; sent += chunk.length) {
          await write(
            chunked
              ? Buffer.concat([Buffer.from(chunk.length.toString(16) + '\r\n'), chunk, Buffer.from('\r\n')])
              : chunk,
          );
        }
        if (chunked && !socket.destroyed) await write('0\r\n\r\n');
      } catch {
        /* reported through 'error' */
      }
      socket.on('data', (d: Buffer) => {
        response += d.toString();
        if (response.includes('\r\n')) socket.destroy(); // the status line is all the test needs
      });
      socket.resume();
    });
  });
}

/**
 * Sends one request exactly as given (header lines may repeat, which no HTTP client library does)
 * and resolves with the status code and body.
 */
export function rawRequest(
  url: string,
  headers: Array<[string, string]>,
  body: string,
): Promise<{ status: number; body: string }> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let response = '';
    socket.on('error', reject);
    socket.on('data', (d: Buffer) => (response += d.toString()));
    socket.on('end', () => {
      const [head = '', text = ''] = response.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body: text });
    });
    const lines = headers.map(([name, value]) => `${name}: ${value}\r\n`).join('');
    socket.end(
      `POST ${pathname} HTTP/1.1\r\nhost: ${hostname}\r\nconnection: close\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\n${lines}\r\n${body}`,
    );
  });
}
