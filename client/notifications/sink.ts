/**
 * A small notification receiver for the local run and tests: verifies the Standard Webhooks
 * signature, reads the CloudEvent, drops repeats of an id, and prints one line per notification.
 * A real deployment points the sink URL at a chat or paging integration instead.
 */
import { listenOn } from '../listen';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import { NOTIFICATION_TYPES, Notification } from '../../domain';
import { decodeHttpEvent } from '../intake/binding';
import { readBody } from '../intake/body';
import { ReplayWindow } from '../intake/replay-window';
import { MIN_REPLAY_WINDOW_SECONDS } from '../intake/server';
import { checkSignature, webhookKey } from '../../common/webhook-signature';

export interface ReceivedNotification {
  id: string;
  type: string;
  notification: Notification;
}

export interface NotificationSinkOptions {
  /** The same `whsec_` secret the worker signs with. */
  secret: string;
  /** Where the one-line summaries go (stdout by default). */
  print?: (line: string) => void;
}

export interface NotificationSink {
  readonly server: Server;
  /** Every notification accepted, in order (repeats not included). */
  readonly received: ReceivedNotification[];
  listen(port?: number, host?: string): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

const KNOWN_TYPES: readonly string[] = Object.values(NOTIFICATION_TYPES);
const BODY_LIMIT = 256 * 1024;

export function createNotificationSink(options: NotificationSinkOptions): NotificationSink {
  const key = webhookKey(options.secret, 'the notification sink secret');
  const print = options.print ?? ((line: string) => process.stdout.write(line + '\n'));
  const seen = new ReplayWindow({ windowMs: MIN_REPLAY_WINDOW_SECONDS * 1000, maxEntries: 10_000 });
  const received: ReceivedNotification[] = [];

  async function handle(req: IncomingMessage): Promise<{ status: number; error?: string }> {
    if (req.method !== 'POST') return { status: 405, error: 'POST notifications' };
    const read = await readBody(req, BODY_LIMIT, BODY_LIMIT * 4);
    if (read.kind !== 'complete') return { status: 413, error: 'body too large or incomplete' };
    const signature = checkSignature(key, req.headers, read.body.toString('utf8'));
    if (!signature.ok) return { status: 401, error: signature.message };
    const decoded = decodeHttpEvent(req.headersDistinct, read.body);
    if (!decoded.ok) return { status: decoded.status, error: decoded.errors.map((e) => e.message).join('; ') };
    const { attributes } = decoded;
    if (attributes.id !== signature.id) return { status: 400, error: 'the event id must equal webhook-id' };
    if (!KNOWN_TYPES.includes(attributes.type)) return { status: 400, error: `unknown type ${attributes.type}` };
    const notification = Notification.safeParse(decoded.data);
    if (!notification.success) return { status: 400, error: 'data is not a crosslink notification' };
    // A retry re-sends the same id and data with a new `time`: compare what the notification says.
    const claim = seen.claim(attributes.id, JSON.stringify([attributes.type, notification.data]));
    if (claim.kind === 'conflict') return { status: 409, error: 'id reused for another notification' };
    if (claim.kind !== 'new') return { status: 200 };
    seen.complete(attributes.id, { workflowId: notification.data.workflowId, status: 'received' });
    received.push({ id: attributes.id, type: attributes.type, notification: notification.data });
    print(summary(notification.data));
    return { status: 204 };
  }

  const server = createServer((req, res) => {
    handle(req)
      .catch(() => ({ status: 500, error: 'internal error' }))
      .then((out) => {
        if (res.headersSent || res.destroyed) return;
        const payload = out.error ? JSON.stringify({ error: out.error }) : '';
        res.writeHead(out.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
        res.end(payload);
      });
  });

  return {
    server,
    received,
    listen: async (port = 0, host = '127.0.0.1') => {
      const bound = await listenOn(server, port, host);
      return { url: `${bound.url}/`, port: bound.port };
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** One line an operator can read at a glance. */
export function summary(n: Notification): string {
  if (n.kind === 'declared-drift') {
    const list = n.connections.map((c) => `${c.connectionId}: ${c.actions.join(', ') || c.status}`).join('; ');
    return `[notification] differs from ${n.source}: ${list}${n.applied ? `; applying: ${n.applied}` : ''}`;
  }
  const where = `${n.workflowId} (${n.local.environment}/${n.local.deploymentId} -> ${n.remote.environment}/${n.remote.deploymentId} as ${n.alias})`;
  switch (n.kind) {
    case 'gate-opened':
      return `[notification] approval needed: gate ${n.gate} of ${where}, requested by ${n.requestedBy}; approvers ${n.approvers.join(', ') || '(any)'}; deadline ${n.deadline}`;
    case 'connected':
      return `[notification] connected: ${where}`;
    case 'rolled-back':
      return `[notification] rolled back: ${where}: ${n.failureType}${n.step ? ` at ${n.step}` : ''}: ${n.message}`;
    case 'failed':
      return `[notification] FAILED: ${where}: ${n.failureType}${n.step ? ` at ${n.step}` : ''}: ${n.message}${n.leftBehind.length ? `; left behind: ${n.leftBehind.join(', ')}` : ''}`;
    case 'drift-found':
      return `[notification] drift found: ${where}: ${n.findings.map((f) => `${f.what}: ${f.detail}`).join('; ')}`;
  }
}
