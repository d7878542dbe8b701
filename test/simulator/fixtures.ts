/**
 * Test clients for the simulator. They verify TLS with each environment's CA, as crosslink does.
 * `insecureAgent` is the one place allowed to skip verification (to probe the listeners themselves).
 */
import { Agent, request } from 'undici';
import { DEFAULT_IDS, type SimulatorHandle } from '../../simulator/api';
import { startSimulator, type SimulatorOptions } from '../../simulator';
import { checkRequest, checkResponse } from './spec';

export { DEFAULT_IDS };

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export interface Clients {
  sim: SimulatorHandle;
  /** Every ECE response checked against the spec so far (operation and status). */
  conformance: Array<{ operationId: string; status: number }>;
  ece(env: string, method: string, path: string, body?: unknown, auth?: string | null): Promise<HttpResult>;
  es(
    env: string,
    deploymentId: string,
    method: string,
    path: string,
    body?: unknown,
    auth?: string | null,
  ): Promise<HttpResult>;
  /** The deployment's Elasticsearch URL, read from ECE (`service_url`). */
  serviceUrl(env: string, deploymentId: string): Promise<string>;
  close(): Promise<void>;
}

export async function startClients(options: SimulatorOptions = {}): Promise<Clients> {
  const sim = await startSimulator({ planDurationMs: 80, ...options });
  const agents = new Map<string, Agent>();
  const agentFor = (env: string) => {
    let agent = agents.get(env);
    if (!agent) {
      const ca = sim.config.environments[env]!.caCert as string;
      agent = new Agent({ connect: { ca } });
      agents.set(env, agent);
    }
    return agent;
  };
  const urls = new Map<string, string>();
  const conformance: Clients['conformance'] = [];

  async function call(env: string, url: string, method: string, body: unknown, authorization: string | null) {
    const headers: Record<string, string> = {};
    if (authorization) headers.authorization = authorization;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await request(url, {
      method: method as 'GET',
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      dispatcher: agentFor(env),
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  const clients: Clients = {
    sim,
    conformance,
    async ece(env, method, path, body, auth) {
      const cfg = sim.config.environments[env]!;
      const authorization = auth === undefined ? `ApiKey ${cfg.apiKey as string}` : auth;
      const res = await call(env, `${cfg.coordinatorUrl}/api/v1${path}`, method, body, authorization);
      // Every ECE answer of every test is checked against the spec; so is every body it accepted.
      const url = `/api/v1${path}`;
      const response = checkResponse(method, url, res.status, res.body);
      if (response.errors.length > 0) {
        throw new Error(
          `${method} ${path} -> ${res.status} does not match ${response.operationId}: ${response.errors.join('; ')}`,
        );
      }
      if (res.status < 300 && body !== undefined && typeof body !== 'string') {
        const request = checkRequest(method, url, body);
        if (request.errors.length > 0) {
          throw new Error(
            `${method} ${path} accepted a body outside ${request.operationId}: ${request.errors.join('; ')}`,
          );
        }
      }
      conformance.push({ operationId: response.operationId, status: res.status });
      return res;
    },
    async es(env, deploymentId, method, path, body, auth) {
      const base = await clients.serviceUrl(env, deploymentId);
      const password = sim.secrets[env]![deploymentId]!.elasticPassword;
      const authorization = auth === undefined ? basic('elastic', password) : auth;
      return call(env, `${base}${path}`, method, body, authorization);
    },
    async serviceUrl(env, deploymentId) {
      const cached = urls.get(deploymentId);
      if (cached) return cached;
      const res = await clients.ece(env, 'GET', `/deployments/${deploymentId}`);
      const url = res.body.resources.elasticsearch[0].info.metadata.service_url as string;
      urls.set(deploymentId, url);
      return url;
    },
    async close() {
      await Promise.all([...agents.values()].map((a) => a.close()));
      await sim.close();
    },
  };
  return clients;
}

export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Skips certificate verification: only to look at what a listener serves, never for API calls under test. */
export const insecureAgent = () => new Agent({ connect: { rejectUnauthorized: false } });

/** Polls `check` until it returns a value (bounded; no timing assertions). */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until the deployment has no pending plan; returns the current plan's last log step. */
export async function planSettled(c: Clients, env: string, id: string) {
  return eventually(async () => {
    const res = await c.ece(env, 'GET', `/deployments/${id}?show_plan_logs=true`);
    const info = res.body.resources.elasticsearch[0].info;
    if (info.plan_info.pending) return undefined;
    const log = info.plan_info.current.plan_attempt_log;
    return log[log.length - 1] as { step_id: string; status: string };
  }, `plan of ${id} to settle`);
}
