import { type IncomingMessage } from 'node:http';

export type BodyRead =
  | { kind: 'complete'; body: Buffer }
  | { kind: 'too-large'; limit: number }
  /** The client went away before the body ended (nothing to answer). */
  | { kind: 'aborted'; received: number };

/**
 * Reads the raw body (the signature covers these exact bytes), refusing more than `limit` bytes:
 * by Content-Length before reading anything, or as soon as a chunked body passes the limit. Past
 * the limit the rest is read and dropped (see `discardRest`), never left unread on the socket.
 */
export function readBody(req: IncomingMessage, limit: number, drainLimit: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    discardRest(req, drainLimit, 0);
    return Promise.resolve({ kind: 'too-large', limit });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        discardRest(req, drainLimit, size);
        resolve({ kind: 'too-large', limit });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve({ kind: 'complete', body: Buffer.concat(chunks) }));
    // 'close' before 'end' means the client disconnected mid-body; Node also emits an 'error'
    // ("aborted") then, which is expected and needs no stack trace.
    req.once('error', () => undefined);
    req.once('close', () => {
      if (!req.complete) resolve({ kind: 'aborted', received: size });
    });
  });
}

/**
 * Reads and drops what is left of a refused body, so the 413 is read by the client instead of
 * being lost to a reset (closing a socket with unread input sends RST). A client that keeps
 * sending past `drainLimit` bytes is cut off.
 */
function discardRest(req: IncomingMessage, drainLimit: number, alreadyRead: number): void {
  let dropped = alreadyRead;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > drainLimit) req.socket.destroy();
  });
  req.on('error', () => undefined);
  req.resume();
}
