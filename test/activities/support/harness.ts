import { randomBytes } from 'node:crypto';
import { DEFAULT_TEST_POLICY } from '../../harness/approvers';
import { MockActivityEnvironment } from '@temporalio/testing';
import { type Logger } from '@temporalio/common';
import { ConnectionRequest, type ConnectionRequestInput, connectionId } from '../../../domain/connection-request';
import { EnvironmentsFile, type EnvironmentsFileInput } from '../../../domain/environment-config';
import { type PreflightResult } from '../../../domain/records';
import { type CrosslinkActivities } from '../../../domain/activities';
import { createActivities } from '../../../activities';
import {
  type EnvironmentRegistry,
  createEnvironmentRegistry,
  resolveEnvironments,
} from '../../../activities/environments';
import { closeAllPools } from '../../../activities/http/pool';
import { createSealer, type Sealer } from '../../../activities/secrets/sealing';
import { DEFAULT_IDS, startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../../simulator';
import { type TopologyInput } from '../../../simulator/topology';

export { DEFAULT_IDS };

/** Short waits: the simulator's plans take PLAN_MS. */
export const PLAN_MS = 60;
export const TEST_TIMING = {
  planPollMs: 20,
  verifyPollMs: 20,
  verifyMaxPollMs: 80,
  credentialsWaitMs: 300,
  credentialsPollMs: 20,
  conflictRetries: 5,
  restartAttempts: 3,
};

/** Everything a log line, result or error said during a test, to look for secrets in. */
export interface Transcript {
  logs: string[];
  heartbeats: unknown[];
}

/** The activity info a test sets: attempt, the workflow the activity runs for, the last attempt's heartbeat. */
export interface RunInfo {
  attempt?: number;
  workflowId?: string;
  heartbeatDetails?: unknown;
}

export interface Harness {
  sim: SimulatorHandle;
  registry: EnvironmentRegistry;
  activities: CrosslinkActivities;
  sealer: Sealer;
  transcript: Transcript;
  /** Run one activity in a fresh MockActivityEnvironment (attempt 1 unless given). */
  run<K extends keyof CrosslinkActivities>(
    name: K,
    input: Parameters<CrosslinkActivities[K]>[0],
    info?: RunInfo,
  ): ReturnType<CrosslinkActivities[K]>;
  /** A MockActivityEnvironment wired to the transcript, for tests that cancel. */
  environment(info?: RunInfo): MockActivityEnvironment;
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    topology?: TopologyInput;
    env?: (e: EnvironmentsFileInput, sim: SimulatorHandle) => void;
    /** The simulator's reading of an UNCONFIRMED behaviour, where a test runs both. */
    readings?: SimulatorOptions['readings'];
  } = {},
): Promise<Harness> {
  const sim = await startSimulator({ planDurationMs: PLAN_MS, topology: options.topology, readings: options.readings });
  const input: EnvironmentsFileInput = structuredClone({ environments: sim.config.environments });
  options.env?.(input, sim);
  const file = EnvironmentsFile.parse(input);
  const registry = createEnvironmentRegistry(resolveEnvironments(file, { env: {} }));
  const sealer = createSealer(randomBytes(32));
  const activities = createActivities({ registry, sealer, approvals: DEFAULT_TEST_POLICY, timing: TEST_TIMING });
  const transcript: Transcript = { logs: [], heartbeats: [] };
  const logger: Logger = {
    log: (level, message, meta) => transcript.logs.push(`${level} ${message} ${JSON.stringify(meta ?? {})}`),
    trace: (m, meta) => transcript.logs.push(`TRACE ${m} ${JSON.stringify(meta ?? {})}`),
    debug: (m, meta) => transcript.logs.push(`DEBUG ${m} ${JSON.stringify(meta ?? {})}`),
    info: (m, meta) => transcript.logs.push(`INFO ${m} ${JSON.stringify(meta ?? {})}`),
    warn: (m, meta) => transcript.logs.push(`WARN ${m} ${JSON.stringify(meta ?? {})}`),
    error: (m, meta) => transcript.logs.push(`ERROR ${m} ${JSON.stringify(meta ?? {})}`),
  };
  const environment = (info: RunInfo = {}) => {
    const env = new MockActivityEnvironment(
      {
        attempt: info.attempt ?? 1,
        ...(info.workflowId
          ? { workflowExecution: { workflowId: info.workflowId, runId: `${info.workflowId}-run` } }
          : {}),
        ...(info.heartbeatDetails !== undefined ? { heartbeatDetails: info.heartbeatDetails } : {}),
      },
      { logger },
    );
    env.on('heartbeat', (d: unknown) => transcript.heartbeats.push(d));
    return env;
  };
  return {
    sim,
    registry,
    activities,
    sealer,
    transcript,
    environment,
    run(name, input, info) {
      const fn = activities[name] as (i: unknown) => Promise<unknown>;
      return environment(info).run(fn, input) as never;
    },
    async close() {
      await sim.close();
      await closeAllPools();
    },
  };
}

let aliasCounter = 0;
/** A fresh alias per test keeps tests in one simulator independent. */
export function freshAlias(prefix = 'r'): string {
  aliasCounter += 1;
  return `${prefix}-${aliasCounter}`;
}

export function apiKeyRequest(overrides: Partial<ConnectionRequestInput> = {}): ConnectionRequest {
  return ConnectionRequest.parse({
    local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a9 },
    remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b9 },
    alias: freshAlias(),
    securityModel: 'api_key',
    access: { search: [{ names: ['logs-*'] }] },
    roles: [
      {
        name: `remote-search-${aliasCounter}`,
        local: { remote_indices: [{ clusters: ['*'], names: ['logs-*'], privileges: ['read', 'read_cross_cluster'] }] },
      },
    ],
    verifyTimeout: '2s',
    approval: { gates: [] },
    requestedBy: 'tester',
    ...overrides,
  });
}

export function certificateRequest(overrides: Partial<ConnectionRequestInput> = {}): ConnectionRequest {
  return ConnectionRequest.parse({
    local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a9 },
    remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b9 },
    alias: freshAlias('c'),
    securityModel: 'certificate',
    roles: [
      {
        name: `cert-search-${aliasCounter}`,
        local: {},
        remote: { indices: [{ names: ['logs-*'], privileges: ['read', 'read_cross_cluster'] }] },
      },
    ],
    verifyTimeout: '2s',
    approval: { gates: [] },
    requestedBy: 'tester',
    ...overrides,
  });
}

export async function runPreflight(h: Harness, request: ConnectionRequest): Promise<PreflightResult> {
  return h.run('preflight', { connectionId: connectionId(request), request });
}

/** The error an activity threw (fails the test when it resolved). */
export async function failureOf(p: Promise<unknown>): Promise<Error & { type?: string; nonRetryable?: boolean }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { type?: string };
  }
  throw new Error('expected the activity to fail');
}
