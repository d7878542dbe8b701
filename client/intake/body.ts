import { type IncomingMessage } from 'node:http';

export type BodyRead =
  | { kind: 'complete'; body: Buffer }
  /**
   * Over the limit. `drained`: the rest was read and dropped, so the 413 can be sent and the
   * connection closed cleanly; otherwise (a declared length past the drain limit) the answer is
   * sent at once and the connection closed, best effort.
   */
  | { kind: 'too-large'; limit: number; drained: boolean }
  /** The client went away before the body ended, or was cut off past the drain limit (nothing to answer). */
  | { kind: 'aborted'; received: number; cutOff: boolean };

/**
 * Reads the raw body (the signature covers these exact bytes), refusing more than `limit` bytes.
 * A refused body is read to its end and dropped before the 413 is answered: a server that closes
 * a connection with unread input resets it (RST), and a client still sending (`Connection:
 * close`, or one that writes the whole request before reading) would then never see the answer.
 */
export function readBody(req: IncomingMessage, limit: number, drainLimit: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > drainLimit) {
    req.resume();
    return Promise.resolve({ kind: 'too-large', limit, drained: false });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number.isFinite(declared) && declared > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > drainLimit) {
        req.socket.destroy(); // a client that keeps sending past the drain limit is cut off
        resolve({ kind: 'aborted', received: size, cutOff: true });
        return;
      }
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.once('end', () =>
      resolve(over ? { kind: 'too-large', limit, drained: true } : { kind: 'complete', body: Buffer.concat(chunks) }),
    );
    // 'close' before 'end' means the client disconnected mid-body; Node also emits an 'error'
    // ("aborted") then, which is expected and needs no stack trace.
    req.once('error', () => undefined);
    req.once('close', () => {
      if (!req.complete) resolve({ kind: 'aborted', received: size, cutOff: false });
    });
  });
}
