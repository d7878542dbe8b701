/**
 * startSimulator: builds a topology (certificates, state), starts one HTTPS coordinator per
 * environment and one HTTPS Elasticsearch listener per deployment, and returns the controls.
 */
import type * as https from 'node:https';
import { type EnvironmentConfigInput } from '../domain';
import { type FaultSpec, type SimulatorHandle } from './api';
import { buildEnvironments } from './build';
import { ccrControls } from './ccr-controls';
import { DEFAULT_TOPOLOGY } from './default-topology';
import { eceSite } from './ece-site';
import { esSite } from './es-site';
import { FaultBook } from './faults';
import { stopPlans } from './plans';
import { listen } from './server';
import { snapshotState } from './snapshot';
import { type SimState } from './state';
import { parseTopology, type TopologyInput } from './topology';
import { type Readings, readingsOf } from './unconfirmed';

export { DEFAULT_IDS, comparableState } from './api';
export type * from './api';
export { DEFAULT_TOPOLOGY } from './default-topology';

export interface SimulatorOptions {
  /** A topology (parsed with simulator/topology.ts); default: DEFAULT_TOPOLOGY. */
  topology?: TopologyInput;
  /** How long a plan stays pending (default 1000 ms). */
  planDurationMs?: number;
  /** Latency added to every call (default 0). */
  latencyMs?: number;
  /** Where logs go (default: nowhere). `npm run simulator` logs to stderr. */
  log?: (message: string) => void;
  /** The other reading of an UNCONFIRMED behaviour, for tests that run both (simulator/unconfirmed.ts). */
  readings?: Partial<Readings>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const topology = parseTopology(options.topology ?? DEFAULT_TOPOLOGY);
  const log = options.log ?? (() => undefined);
  const state: SimState = {
    environments: new Map(),
    planDurationMs: options.planDurationMs ?? 1000,
    latencyMs: options.latencyMs ?? 0,
    readings: readingsOf(options.readings),
  };
  const faults = new FaultBook();
  const built = await buildEnvironments(topology);
  for (const { env } of built) state.environments.set(env.name, env);

  const servers: Array<https.Server> = [];
  try {
    for (const { env, coordinatorIdentity, deploymentIdentities } of built) {
      const coordinator = await listen({
        cert: coordinatorIdentity.certPem,
        key: coordinatorIdentity.keyPem,
        site: eceSite(state, env),
        state,
        faults,
        log,
      });
      servers.push(coordinator.server);
      env.coordinator = coordinator.server;
      env.coordinatorUrl = `https://127.0.0.1:${coordinator.port}`;
      for (const dep of env.deployments.values()) {
        const identity = deploymentIdentities.get(dep.id)!;
        const es = await listen({
          cert: identity.certPem,
          key: identity.keyPem,
          site: esSite(state, dep),
          state,
          faults,
          log,
        });
        servers.push(es.server);
        dep.esServer = es.server;
        dep.port = es.port;
        dep.serviceUrl = `https://127.0.0.1:${es.port}`;
      }
      log(`environment ${env.name}: coordinator ${env.coordinatorUrl}, ${env.deployments.size} deployments`);
    }
  } catch (err) {
    await Promise.all(servers.map(closeServer));
    throw err;
  }

  const environments: Record<string, EnvironmentConfigInput> = {};
  const secrets: SimulatorHandle['secrets'] = {};
  for (const env of state.environments.values()) {
    // The environment's `elastic` password is the default; a deployment with its own gets an entry.
    const own = [...env.deployments.values()].filter((d) => d.users.elastic!.password !== env.elasticPassword);
    environments[env.name] = {
      coordinatorUrl: env.coordinatorUrl,
      region: env.region,
      apiKey: env.apiKey,
      caCert: env.ca.certPem,
      elasticsearch: {
        default: { credentials: { username: 'elastic', password: env.elasticPassword } },
        ...(own.length > 0
          ? {
              deployments: Object.fromEntries(
                own.map((d) => [d.id, { credentials: { username: 'elastic', password: d.users.elastic!.password } }]),
              ),
            }
          : {}),
      },
    };
    secrets[env.name] = Object.fromEntries(
      [...env.deployments.values()].map((dep) => [
        dep.id,
        {
          elasticPassword: dep.users.elastic!.password,
          apiKeys: dep.apiKeys.map((k) => ({
            id: k.id,
            name: k.name,
            type: k.type,
            encoded: Buffer.from(`${k.id}:${k.secret}`).toString('base64'),
          })),
        },
      ]),
    );
  }

  let closed = false;
  return {
    config: { environments },
    secrets,
    snapshot: () => snapshotState(state),
    inject: (...specs: FaultSpec[]) => specs.forEach((s) => faults.add(s)),
    failNextPlan(environment, deploymentId, message = 'Simulated plan failure') {
      const dep = state.environments.get(environment)?.deployments.get(deploymentId);
      if (!dep) throw new Error(`no deployment ${deploymentId} in ${environment}`);
      dep.failNextPlan = message;
    },
    setTiming({ planDurationMs, latencyMs }) {
      if (planDurationMs !== undefined) state.planDurationMs = planDurationMs;
      if (latencyMs !== undefined) state.latencyMs = latencyMs;
    },
    clearFaults: () => faults.clear(),
    ccr: ccrControls(state),
    get calls() {
      return faults.calls;
    },
    resetCalls: () => faults.resetCalls(),
    async close() {
      if (closed) return;
      closed = true;
      for (const env of state.environments.values()) for (const dep of env.deployments.values()) stopPlans(dep);
      await Promise.all(servers.map(closeServer));
    },
  };
}

function closeServer(server: https.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
