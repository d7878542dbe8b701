/**
 * The HTTPS request pipeline shared by the ECE coordinators and the Elasticsearch listeners:
 * routing, body parsing, injected faults, latency, authentication and the call log.
 */
import * as https from 'node:https';
import type * as http from 'node:http';
import { type AddressInfo } from 'node:net';
import { type FaultSpec, type RouteId } from './api';
import { type FaultBook } from './faults';
import { type SimState } from './state';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  params: Record<string, string>;
  /** Parsed JSON body; undefined when the request had none. */
  body: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  pattern: string;
  id: RouteId;
  handler: (req: SimRequest) => Reply | Promise<Reply>;
  /** When set and false, the route does not exist right now (an Elasticsearch API its version lacks). */
  available?: () => boolean;
}

/** What differs between the two kinds of listener. */
export interface Site {
  environment: string;
  /** ES listeners: the deployment; ECE listeners: read from the `deployment_id` path parameter. */
  deploymentId?: string;
  routes: Route[];
  /** An error in this site's format (BasicFailedReply for ECE, ES's error object for Elasticsearch). */
  error(status: number, code: string, message: string): Reply;
  notFound(method: string, path: string): Reply;
  badJson(message: string): Reply;
  /** undefined when the caller may proceed. */
  authenticate(req: SimRequest): Reply | undefined;
  extraHeaders?: Record<string, string>;
}

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.pattern.replace(/\{([a-z_]+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { ...route, regex: new RegExp(`^${source}/?$`), names };
}

/** Holds the call `ms` and resolves to what it held: the delay the call log reports (CallRecord.delayMs). */
const hold = (ms: number) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms));

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export interface ListenOptions {
  cert: string;
  key: string;
  site: Site;
  state: SimState;
  faults: FaultBook;
  log: (msg: string) => void;
}

/** Starts an HTTPS listener on 127.0.0.1 with a random port. */
export async function listen(options: ListenOptions): Promise<{ server: https.Server; port: number }> {
  const routes = options.site.routes.map(compile);
  const server = https.createServer({ cert: options.cert, key: options.key }, (req, res) => {
    handle(routes, options, req, res).catch((err: unknown) => {
      options.log(`simulator error on ${req.method} ${req.url}: ${String(err)}`);
      if (!res.headersSent)
        send(res, options.site.error(500, 'root.internal_error', 'internal simulator error'), options);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function send(res: http.ServerResponse, reply: Reply, options: ListenOptions): void {
  const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(body),
    ...options.site.extraHeaders,
    ...reply.headers,
  });
  res.end(body);
}

async function handle(
  routes: CompiledRoute[],
  options: ListenOptions,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const { site, state, faults } = options;
  const url = new URL(req.url ?? '/', 'https://simulator');
  const method = (req.method ?? 'GET').toUpperCase();
  const rawBody = await readBody(req);
  const path = decodeURIComponent(url.pathname);

  let matched: { route: CompiledRoute; params: Record<string, string> } | undefined;
  for (const route of routes) {
    if (route.method !== method || route.available?.() === false) continue;
    const m = route.regex.exec(url.pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] ?? '')));
    matched = { route, params };
    break;
  }
  if (!matched) {
    send(res, site.notFound(method, path), options);
    return;
  }
  const { route, params } = matched;
  const deploymentId = site.deploymentId ?? params.deployment_id;
  let delayMs = 0;
  const record = (status: number, fault?: FaultSpec['kind']) =>
    faults.record({
      environment: site.environment,
      deploymentId,
      route: route.id,
      method,
      path,
      status,
      fault,
      ...(delayMs > 0 ? { delayMs } : {}),
    });

  const fault = faults.take(route.id, site.environment, deploymentId);
  if (fault?.kind === 'reset') {
    record(0, 'reset');
    req.socket.destroy();
    return;
  }
  if (fault?.kind === 'status') {
    const reply = site.error(fault.status, fault.code ?? 'simulator.injected_fault', fault.message ?? 'injected fault');
    record(reply.status, 'status');
    send(res, reply, options);
    return;
  }
  if (fault?.kind === 'latency') delayMs += await hold(fault.ms);
  if (state.latencyMs > 0) delayMs += await hold(state.latencyMs);

  let body: unknown;
  if (rawBody.trim() !== '') {
    try {
      body = JSON.parse(rawBody);
    } catch (err) {
      const reply = site.badJson(`the request body is not valid JSON: ${(err as Error).message}`);
      record(reply.status, fault?.kind);
      send(res, reply, options);
      return;
    }
  }
  const simReq: SimRequest = { method, path, query: url.searchParams, headers: req.headers, params, body };
  const reply = site.authenticate(simReq) ?? (await route.handler(simReq));
  if (fault?.kind === 'drop-response') {
    record(reply.status, 'drop-response');
    req.socket.destroy();
    return;
  }
  record(reply.status, fault?.kind);
  send(res, reply, options);
}
