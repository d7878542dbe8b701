/**
 * The CloudEvents intake: authenticate (Standard Webhooks signature over id, timestamp and body),
 * decode and validate the whole event, refuse a replay, then start or signal. Nothing reaches
 * Temporal before every check passes.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ValueError } from '@temporalio/common';
import { type Logger } from 'pino';
import { type ConnectionGateway } from '../connections';
import { listenOn } from '../listen';
import { readBody } from './body';
import { type IntakeCommand, parseEvent } from './events';
import { type Outcome, ReplayWindow } from './replay-window';
import {
  TIMESTAMP_TOLERANCE_SECONDS,
  WEBHOOK_HEADERS,
  checkSignature,
  webhookKey,
} from '../../common/webhook-signature';

export const DEFAULT_BODY_LIMIT = 256 * 1024;
/** How much of a refused body is read and dropped before the connection is cut. */
export const DEFAULT_DRAIN_LIMIT = 16 * 1024 * 1024;
/** Twice the signature tolerance is the least that closes the replay gap; an hour also absorbs sender retries. */
export const MIN_REPLAY_WINDOW_SECONDS = 2 * TIMESTAMP_TOLERANCE_SECONDS;
export const DEFAULT_REPLAY_WINDOW_SECONDS = 3600;
export const DEFAULT_REPLAY_MAX_ENTRIES = 100_000;
export const EVENTS_PATH = '/events';
export const HEALTH_PATH = '/healthz';

export interface IntakeServerOptions {
  /** Temporal, behind the small interface the intake needs (a fake in tests). */
  gateway: ConnectionGateway;
  /** Standard Webhooks signing secret, `whsec_<base64>` (webhook-signature.ts). */
  secret: string;
  /** Largest body accepted, in bytes (413 above it). */
  bodyLimit?: number;
  drainLimit?: number;
  /** How long an event id is remembered (at least MIN_REPLAY_WINDOW_SECONDS). */
  replayWindowSeconds?: number;
  replayMaxEntries?: number;
  logger?: Logger;
}

export interface IntakeServer {
  readonly server: Server;
  /** Listens (port 0 picks a free one) and resolves with the bound URL. */
  listen(port?: number, host?: string): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

export type IntakeResponse = { status: number; body: Record<string, unknown>; headers?: Record<string, string> };

export function createIntakeServer(options: IntakeServerOptions): IntakeServer {
  const key = webhookKey(options.secret, 'the intake secret');
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const drainLimit = Math.max(options.drainLimit ?? DEFAULT_DRAIN_LIMIT, bodyLimit);
  const windowSeconds = options.replayWindowSeconds ?? DEFAULT_REPLAY_WINDOW_SECONDS;
  if (windowSeconds < MIN_REPLAY_WINDOW_SECONDS) {
    throw new Error(
      `the replay window must be at least ${MIN_REPLAY_WINDOW_SECONDS} seconds (twice the signature tolerance)`,
    );
  }
  const seen = new ReplayWindow({
    windowMs: windowSeconds * 1000,
    maxEntries: options.replayMaxEntries ?? DEFAULT_REPLAY_MAX_ENTRIES,
  });
  const log = options.logger;

  const server = createServer((req, res) => {
    handle(req)
      .then((out) => {
        if (out) send(res, out);
      })
      .catch((err: unknown) => {
        log?.error({ err }, 'intake failed to handle a request');
        send(res, { status: 500, body: { error: 'internal error' } });
      });
  });
  // A client that announces a body over the limit gets its 413 before sending it.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > bodyLimit) {
      send(res, tooLarge(bodyLimit), { connection: 'close' });
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  /** The answer, or undefined when the client is gone and there is no one to answer. */
  async function handle(req: IncomingMessage): Promise<IntakeResponse | undefined> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === HEALTH_PATH) return { status: 200, body: { status: 'ok' } };
    if (path !== EVENTS_PATH && path !== '/')
      return { status: 404, body: { error: `not found; POST events to ${EVENTS_PATH}` } };
    if (req.method !== 'POST')
      return { status: 405, body: { error: `method not allowed; POST events to ${EVENTS_PATH}` } };

    const read = await readBody(req, bodyLimit, drainLimit);
    if (read.kind === 'aborted') {
      log?.info(
        { remote: req.socket.remoteAddress, received: read.received },
        'intake: client disconnected before sending the whole body',
      );
      return undefined;
    }
    if (read.kind === 'too-large') return tooLarge(read.limit);
    const body = read.body;

    const signature = checkSignature(key, req.headers, body.toString('utf8'));
    if (!signature.ok) {
      log?.warn({ signature: signature.reason, remote: req.socket.remoteAddress }, 'intake refused an event');
      return { status: 401, body: { error: signature.message } };
    }
    const parsed = parseEvent(req.headersDistinct, body);
    if (!parsed.ok) {
      log?.info({ errors: parsed.errors }, 'intake refused an invalid event');
      return {
        status: parsed.status,
        body: { error: parsed.status === 415 ? 'unsupported media type' : 'invalid event', errors: parsed.errors },
      };
    }
    const { command, digest } = parsed;
    if (command.eventId !== signature.id) {
      return {
        status: 400,
        body: {
          error: 'invalid event',
          errors: [{ field: 'id', message: `must equal the ${WEBHOOK_HEADERS.id} header the signature covers` }],
        },
      };
    }

    const claim = seen.claim(command.eventId, digest);
    switch (claim.kind) {
      case 'duplicate':
        log?.info({ eventId: command.eventId }, 'intake: duplicate event, nothing started');
        return {
          status: 200,
          body: { ...claim.outcome, status: 'duplicate', first: claim.outcome.status, eventId: command.eventId },
        };
      case 'conflict':
        log?.warn({ eventId: command.eventId }, 'intake refused an event id reused with other content');
        return {
          status: 409,
          body: { error: `event id ${command.eventId} was already used for a different event; use a new id` },
        };
      case 'in-flight':
      case 'full':
        return {
          status: 503,
          headers: { 'retry-after': '1' },
          body: {
            error:
              claim.kind === 'in-flight'
                ? `event ${command.eventId} is being processed; retry`
                : 'too many recent events; retry later',
          },
        };
    }
    const out = await dispatch(command);
    if (out.outcome) seen.complete(command.eventId, out.outcome);
    else seen.release(command.eventId);
    return out.response;
  }

  async function dispatch(command: IntakeCommand): Promise<{ response: IntakeResponse; outcome?: Outcome }> {
    try {
      switch (command.kind) {
        case 'start': {
          const started = await options.gateway.startConnection(command.request);
          log?.info({ eventId: command.eventId, ...started }, `connection ${started.status}`);
          return {
            response: { status: 202, body: { ...started, eventId: command.eventId } },
            outcome: { workflowId: started.workflowId, status: started.status },
          };
        }
        case 'lifecycle': {
          const started = await options.gateway.startLifecycle(command.start);
          log?.info({ eventId: command.eventId, ...started }, `${command.start.operation} ${started.status}`);
          return {
            response: {
              status: 202,
              body: { ...started, operation: command.start.operation, eventId: command.eventId },
            },
            outcome: { workflowId: started.workflowId, status: started.status },
          };
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
      const outcome = { workflowId: command.workflowId, status: 'signalled' };
      return { response: { status: 202, body: { ...outcome, eventId: command.eventId } }, outcome };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        return {
          response: { status: 404, body: { error: `no running connection workflow with id ${err.workflowId}` } },
        };
      }
      if (err instanceof ValueError) {
        // The data converter refused the input: the event is at fault, and a retry cannot help.
        log?.info({ eventId: command.eventId, reason: err.message }, 'intake refused data it cannot convert');
        return {
          response: {
            status: 400,
            body: {
              error: 'invalid event',
              errors: [{ field: 'data', message: `cannot be converted: ${err.message}` }],
            },
          },
        };
      }
      log?.error({ err, eventId: command.eventId }, 'intake could not reach Temporal');
      return {
        response: {
          status: 503,
          headers: { 'retry-after': '5' },
          body: { error: `Temporal is unavailable: ${(err as Error).message}; retry later` },
        },
      };
    }
  }

  return {
    server,
    listen: (port = 0, host = '127.0.0.1') => listenOn(server, port, host),
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

function tooLarge(limit: number): IntakeResponse {
  return { status: 413, body: { error: `request body exceeds ${limit} bytes` } };
}

function send(res: ServerResponse, out: IntakeResponse, extra: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(out.body);
  res.writeHead(out.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...out.headers,
    ...extra,
  });
  res.end(payload);
}
