/**
 * The CloudEvents intake: authenticate (HMAC of the raw body), validate the whole event, then
 * start or signal. Nothing reaches Temporal before both checks pass.
 */
import { type AddressInfo } from 'node:net';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { WorkflowNotFoundError } from '@temporalio/client';
import { type Logger } from 'pino';
import { type ConnectionGateway } from '../connections';
import { BodyTooLargeError, readBody } from './body';
import { type IntakeCommand, parseEvent } from './events';
import { SIGNATURE_HEADER, checkSignature } from './signature';

export const DEFAULT_BODY_LIMIT = 256 * 1024;
export const EVENTS_PATH = '/events';
export const HEALTH_PATH = '/healthz';

export interface IntakeServerOptions {
  /** Temporal, behind the small interface the intake needs (a fake in tests). */
  gateway: ConnectionGateway;
  /** Shared secret for `X-Crosslink-Signature: sha256=<hex HMAC-SHA256 of the body>`. */
  secret: string;
  /** Largest body accepted, in bytes (413 above it). */
  bodyLimit?: number;
  logger?: Logger;
}

export interface IntakeServer {
  readonly server: Server;
  /** Listens (port 0 picks a free one) and resolves with the bound URL. */
  listen(port?: number, host?: string): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

export type IntakeResponse = { status: number; body: Record<string, unknown> };

export function createIntakeServer(options: IntakeServerOptions): IntakeServer {
  if (options.secret.length < 16) throw new Error('the intake secret must be at least 16 characters');
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const log = options.logger;

  const server = createServer((req, res) => {
    handle(req)
      .then((out) => send(res, out))
      .catch((err: unknown) => {
        log?.error({ err }, 'intake failed to handle a request');
        send(res, { status: 500, body: { error: 'internal error' } });
      });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  async function handle(req: IncomingMessage): Promise<IntakeResponse> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === HEALTH_PATH) return { status: 200, body: { status: 'ok' } };
    if (path !== EVENTS_PATH && path !== '/')
      return { status: 404, body: { error: `not found; POST events to ${EVENTS_PATH}` } };
    if (req.method !== 'POST')
      return { status: 405, body: { error: `method not allowed; POST events to ${EVENTS_PATH}` } };

    let body: Buffer;
    try {
      body = await readBody(req, bodyLimit);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return { status: 413, body: { error: err.message } };
      throw err;
    }
    const signature = checkSignature(options.secret, body, req.headers[SIGNATURE_HEADER]);
    if (signature !== 'valid') {
      log?.warn({ signature, remote: req.socket.remoteAddress }, 'intake refused an unauthenticated event');
      return {
        status: 401,
        body: {
          error:
            signature === 'missing'
              ? `missing ${SIGNATURE_HEADER} header (sha256=<hex HMAC-SHA256 of the body>)`
              : `invalid ${SIGNATURE_HEADER} signature`,
        },
      };
    }
    const parsed = parseEvent(req.headers, body);
    if (!parsed.ok) {
      log?.info({ errors: parsed.errors }, 'intake refused an invalid event');
      return { status: 400, body: { error: 'invalid event', errors: parsed.errors } };
    }
    return dispatch(parsed.command);
  }

  async function dispatch(command: IntakeCommand): Promise<IntakeResponse> {
    try {
      switch (command.kind) {
        case 'start': {
          const started = await options.gateway.startConnection(command.request);
          log?.info({ eventId: command.eventId, ...started }, `connection ${started.status}`);
          return { status: 202, body: { ...started, eventId: command.eventId } };
        }
        case 'approve':
          await options.gateway.signalApproval(command.workflowId, command.decision);
          break;
        case 'reject':
          await options.gateway.signalRejection(command.workflowId, command.decision);
          break;
      }
      log?.info(
        {
          eventId: command.eventId,
          workflowId: command.workflowId,
          gate: command.decision.gate,
          by: command.decision.approver,
        },
        `${command.kind} signal delivered`,
      );
      return { status: 202, body: { workflowId: command.workflowId, status: 'signalled', eventId: command.eventId } };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        return { status: 404, body: { error: `no running connection workflow with id ${err.workflowId}` } };
      }
      log?.error({ err, eventId: command.eventId }, 'intake could not reach Temporal');
      return { status: 503, body: { error: `Temporal is unavailable: ${(err as Error).message}; retry later` } };
    }
  }

  return {
    server,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const bound = (server.address() as AddressInfo).port;
          resolve({ url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`, port: bound });
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

function send(res: ServerResponse, out: IntakeResponse): void {
  if (res.headersSent) return;
  const payload = JSON.stringify(out.body);
  res.writeHead(out.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...(out.status === 413 ? { connection: 'close' } : {}),
  });
  res.end(payload);
}
