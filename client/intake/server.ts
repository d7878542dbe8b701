/**
 * The CloudEvents intake. An event goes through, in order: the body read within its limit,
 * authentication (a Standard Webhooks signature, or an OIDC bearer token), the HTTP binding and
 * the event's data validated completely, the replay checks (this process's window, then the start
 * record on the workflow's runs), and only then a start or a signal. Besides `POST /events`:
 * `GET|HEAD /healthz` (the process is up), `GET|HEAD /readyz` (Temporal answers), and `OPTIONS`
 * for the CloudEvents webhook handshake.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type Logger } from 'pino';
import { TIMESTAMP_TOLERANCE_SECONDS, WEBHOOK_HEADERS, webhookKeys } from '../../common/webhook-signature';
import { type ConnectionGateway } from '../connections';
import { listenOn } from '../listen';
import { type Authenticated, type Authenticators, authenticate } from './authentication';
import { type BearerTokenOptions, type BearerVerifier, createBearerVerifier } from './bearer-token';
import { readBody } from './body';
import { dispatchCommand } from './dispatch';
import { type ParsedEvent, parseEvent } from './events';
import { type Outcome, ReplayWindow } from './replay-window';
import { type IntakeResponse, invalidEvent, retryLater, sendResponse, tooLarge } from './responses';
import { type HandshakePolicy, answerHandshake, handshakePolicy, refuseDeliveryOrigin } from './webhook-handshake';

export type { IntakeResponse };

export const DEFAULT_BODY_LIMIT = 256 * 1024;
/** How much of a refused body is read and dropped before the connection is cut. */
export const DEFAULT_DRAIN_LIMIT = 16 * 1024 * 1024;
/** Twice the signature tolerance is the least that closes the replay gap; an hour also absorbs sender retries. */
export const MIN_REPLAY_WINDOW_SECONDS = 2 * TIMESTAMP_TOLERANCE_SECONDS;
export const DEFAULT_REPLAY_WINDOW_SECONDS = 3600;
export const DEFAULT_REPLAY_MAX_ENTRIES = 100_000;
export const EVENTS_PATH = '/events';
export const HEALTH_PATH = '/healthz';
export const READY_PATH = '/readyz';

export interface IntakeServerOptions {
  /** Temporal, behind the small interface the intake needs. */
  gateway: ConnectionGateway;
  /** Standard Webhooks secrets, `whsec_<base64>`: an event signed with any of them is accepted (rotation). */
  secrets?: readonly string[];
  /** OIDC bearer tokens (bearer-token.ts): the options, or a verifier. */
  bearer?: BearerTokenOptions | BearerVerifier;
  /** Origins (DNS names, or `*`) allowed by the CloudEvents webhook handshake; without them OPTIONS is 405. */
  webhookOrigins?: readonly string[];
  /** Largest body accepted, in bytes (413 above it). */
  bodyLimit?: number;
  drainLimit?: number;
  /** How long an event id is remembered, here and on the runs' start records (at least MIN_REPLAY_WINDOW_SECONDS). */
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

/** Everything a request needs, resolved once from the options. */
interface Intake {
  gateway: ConnectionGateway;
  authenticators: Authenticators;
  handshake?: HandshakePolicy;
  bodyLimit: number;
  drainLimit: number;
  seen: ReplayWindow<IntakeResponse>;
  replayWindowSeconds: number;
  log?: Logger;
}

export function createIntakeServer(options: IntakeServerOptions): IntakeServer {
  const intake = resolveIntake(options);
  const server = createServer((req, res) => void serve(intake, req, res));
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => answerContinue(intake, server, req, res));
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
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

function resolveIntake(options: IntakeServerOptions): Intake {
  const windowSeconds = options.replayWindowSeconds ?? DEFAULT_REPLAY_WINDOW_SECONDS;
  if (windowSeconds < MIN_REPLAY_WINDOW_SECONDS) {
    throw new Error(
      `the replay window must be at least ${MIN_REPLAY_WINDOW_SECONDS} seconds (twice the signature tolerance)`,
    );
  }
  const secrets = options.secrets ?? [];
  const bearer = options.bearer && ('verify' in options.bearer ? options.bearer : createBearerVerifier(options.bearer));
  if (secrets.length === 0 && !bearer) {
    throw new Error(
      'the intake needs an authentication method: Standard Webhooks secrets, OIDC bearer tokens, or both',
    );
  }
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  return {
    gateway: options.gateway,
    authenticators: {
      ...(secrets.length > 0 ? { webhookKeys: webhookKeys(secrets, 'the intake secret') } : {}),
      ...(bearer ? { bearer } : {}),
    },
    ...(options.webhookOrigins?.length ? { handshake: handshakePolicy(options.webhookOrigins) } : {}),
    bodyLimit,
    drainLimit: Math.max(options.drainLimit ?? DEFAULT_DRAIN_LIMIT, bodyLimit),
    seen: new ReplayWindow({
      windowMs: windowSeconds * 1000,
      maxEntries: options.replayMaxEntries ?? DEFAULT_REPLAY_MAX_ENTRIES,
    }),
    replayWindowSeconds: windowSeconds,
    ...(options.logger ? { log: options.logger } : {}),
  };
}

/** One request: route it, answer it (a failure is a 500 without details). */
async function serve(intake: Intake, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const out = await route(intake, req);
    if (out) sendResponse(res, out, out.status === 413 ? { connection: 'close' } : {});
  } catch (err) {
    intake.log?.error({ err }, 'intake failed to handle a request');
    sendResponse(res, { status: 500, body: { error: 'internal error' } });
  }
}

/** A client that announces a body over the limit gets its 413 before sending it. */
function answerContinue(intake: Intake, server: Server, req: IncomingMessage, res: ServerResponse): void {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > intake.bodyLimit) {
    sendResponse(res, tooLarge(intake.bodyLimit), { connection: 'close' });
    return;
  }
  res.writeContinue();
  server.emit('request', req, res);
}

/** The answer, or undefined when the client is gone and there is no one to answer. */
async function route(intake: Intake, req: IncomingMessage): Promise<IntakeResponse | undefined> {
  const path = (req.url ?? '/').split('?')[0];
  const method = req.method ?? 'GET';
  if (path === HEALTH_PATH || path === READY_PATH) {
    if (method !== 'GET' && method !== 'HEAD') return { status: 405, headers: { allow: 'GET, HEAD' } };
    return path === HEALTH_PATH ? { status: 200, body: { status: 'ok' } } : readiness(intake);
  }
  if (path !== EVENTS_PATH && path !== '/') {
    return { status: 404, body: { error: `not found; POST events to ${EVENTS_PATH}` } };
  }
  if (method === 'OPTIONS') return answerHandshake(intake.handshake, req.headers);
  if (method !== 'POST') {
    return {
      status: 405,
      headers: { allow: 'POST' },
      body: { error: `method not allowed; POST events to ${EVENTS_PATH}` },
    };
  }
  return receiveEvent(intake, req);
}

/** Ready when the Temporal frontend answers: a load balancer then sends events only where they can start. */
async function readiness(intake: Intake): Promise<IntakeResponse> {
  try {
    await intake.gateway.checkReachable();
    return { status: 200, body: { status: 'ready' } };
  } catch (err) {
    return {
      status: 503,
      body: { status: 'unavailable', error: `Temporal does not answer: ${(err as Error).message}` },
    };
  }
}

/** POST /events: body, authentication, validation, replay checks, then Temporal. */
async function receiveEvent(intake: Intake, req: IncomingMessage): Promise<IntakeResponse | undefined> {
  const { log } = intake;
  const read = await readBody(req, intake.bodyLimit, intake.drainLimit);
  if (read.kind === 'aborted') {
    log?.info(
      { remote: req.socket.remoteAddress, received: read.received },
      read.cutOff
        ? 'intake: client cut off past the drain limit'
        : 'intake: client disconnected before sending the whole body',
    );
    return undefined;
  }
  if (read.kind === 'too-large') return tooLarge(read.limit);
  const refusedOrigin = refuseDeliveryOrigin(intake.handshake, req.headers);
  if (refusedOrigin) return refusedOrigin;

  const authentication = await authenticate(intake.authenticators, req, read.body);
  if (!authentication.ok) {
    const { reason, response } = authentication;
    log?.warn(
      { refused: reason, why: response.body?.error, remote: req.socket.remoteAddress },
      'intake refused an event',
    );
    return authentication.response;
  }
  const parsed = parseEvent(req.headersDistinct, read.body);
  if (!parsed.ok) {
    log?.info({ errors: parsed.errors }, 'intake refused an invalid event');
    return invalidEvent(parsed.errors, parsed.status);
  }
  const unbound = refuseUnboundId(parsed, authentication.who);
  if (unbound) return unbound;
  return processOnce(intake, parsed);
}

/** With a signature, the signed webhook-id must be the CloudEvent id: the id the replay checks use is then signed. */
function refuseUnboundId(parsed: Extract<ParsedEvent, { ok: true }>, who: Authenticated): IntakeResponse | undefined {
  if (who.webhookId === undefined || parsed.command.eventId === who.webhookId) return undefined;
  return invalidEvent([{ field: 'id', message: `must equal the ${WEBHOOK_HEADERS.id} header the signature covers` }]);
}

/**
 * This process's replay window first: a redelivery it knows is answered without Temporal, and
 * copies of an event still being processed wait for the first one's outcome. Otherwise the event
 * goes to Temporal, where the start record on the runs catches what other processes did.
 */
async function processOnce(intake: Intake, parsed: Extract<ParsedEvent, { ok: true }>): Promise<IntakeResponse> {
  const { command, digest } = parsed;
  const { eventId } = command;
  const claim = intake.seen.claim(eventId, digest);
  switch (claim.kind) {
    case 'duplicate':
      intake.log?.info({ eventId }, 'intake: duplicate event, nothing started');
      return duplicate(claim.outcome, eventId);
    case 'conflict':
      intake.log?.warn({ eventId }, 'intake refused an event id reused with other content');
      return {
        status: 409,
        body: { error: `event id ${eventId} was already used for a different event; use a new id` },
      };
    case 'in-flight': {
      const settled = await claim.settled;
      return settled.kind === 'completed' ? duplicate(settled.outcome, eventId) : settled.answer;
    }
    case 'full':
      return retryLater('too many recent events; retry later', 1);
  }
  const dispatched = await dispatchCommand(intake, command, digest);
  if (dispatched.outcome) intake.seen.complete(eventId, dispatched.outcome);
  else intake.seen.release(eventId, dispatched.response);
  return dispatched.response;
}

function duplicate(first: Outcome, eventId: string): IntakeResponse {
  const { status, ...where } = first;
  return { status: 200, body: { ...where, status: 'duplicate', first: status, eventId } };
}
