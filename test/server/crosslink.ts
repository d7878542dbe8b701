/**
 * What a real-server scenario runs on. One Temporal server per suite file; per scenario a fresh
 * simulator (short plans) and its own task queue, served by in-process workers that load the real
 * workflow bundle (built once per file) and the real activities bound to that simulator.
 */
import { randomBytes } from 'node:crypto';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { closeAllPools, createActivities, logActivityOutcome } from '../../activities';
import { type ResolvedNotificationSink } from '../../activities/notifications';
import { createEnvironmentRegistry, resolveEnvironments } from '../../activities/environments';
import { createSealer } from '../../activities/secrets/sealing';
import { type ApprovalPolicyConfig, EnvironmentsFile } from '../../domain';
import { startSimulator } from '../../simulator';
import { type SimulatorHandle } from '../../simulator/api';
import { type TopologyInput } from '../../simulator/topology';
import { resolveTemporalTarget } from '../../client/temporal-connection';
import { loadWorkerConfig } from '../../workers/config';
import { createLogger } from '../../common/logging';
import { startWorker as startCrosslinkWorker } from '../../workers/worker';
import { startTestServer, type TestServer } from './temporal-server';
import { testPolicy } from '../harness/approvers';
import { APPROVER, REQUESTER } from './requests';

/** The suite workers' approval policy: the approver and (for four-eyes) the requester, each with a test key. */
export const SERVER_POLICY = testPolicy([{ approvers: [APPROVER, REQUESTER] }]);

/** Short plans and polls keep a whole run within seconds. */
export const PLAN_DURATION_MS = 60;
const ACTIVITY_TIMING = {
  planPollMs: 25,
  verifyPollMs: 25,
  verifyMaxPollMs: 200,
  credentialsWaitMs: 5_000,
  credentialsPollMs: 25,
};

export interface RunningWorker {
  /** The worker's Temporal identity, unique per worker: history events name who ran each task. */
  readonly identity: string;
  /** Stops polling, lets in-flight tasks finish, and resolves once the worker is down. */
  shutdown(): Promise<void>;
}

export interface WorkerOptions {
  /**
   * `crosslink`: the worker users run (workers/ startWorker: its own connection, configuration
   * loading, workflow bundle built from the sources). `sdk` (default): Worker.create with the
   * file's shared bundle, which starts faster.
   */
  kind?: 'crosslink' | 'sdk';
  /** A notification sink for the worker (none by default). */
  notifications?: ResolvedNotificationSink;
  /** The worker's approval policy (SERVER_POLICY by default). */
  approvals?: ApprovalPolicyConfig;
}

/** One scenario's world: a fresh simulator and the task queue its runs use. */
export interface Scenario {
  simulator: SimulatorHandle;
  taskQueue: string;
  /** A new worker (new Worker, new activities, same sealing key) on this scenario's queue. */
  startWorker(options?: WorkerOptions): Promise<RunningWorker>;
}

export interface CrosslinkSuite {
  server: TestServer;
  /**
   * A fresh simulator and queue; `worker: false` leaves starting workers to the scenario; a
   * topology and plan duration replace the default ones.
   */
  scenario(options?: {
    worker?: boolean;
    topology?: TopologyInput;
    planDurationMs?: number;
    /** The workers' task queue (default: one of the scenario's own); the CLI's (`crosslink`) for a scenario that runs the CLI's starts. */
    taskQueue?: string;
  }): Promise<Scenario>;
  /** Ends the current scenario: its workers, then its simulator. */
  endScenario(): Promise<void>;
  /** Ends the scenario and stops the server. */
  close(): Promise<void>;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  const noop = () => undefined;
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop },
  });
  return bundle;
}

export async function startCrosslinkSuite(name: string): Promise<CrosslinkSuite> {
  const server = await startTestServer();
  const sealingKey = randomBytes(32);
  const sealer = createSealer(sealingKey);
  let count = 0;
  let workerCount = 0;
  let current: { simulator: SimulatorHandle; workers: Set<RunningWorker> } | undefined;

  async function startWorker(
    simulator: SimulatorHandle,
    taskQueue: string,
    workers: Set<RunningWorker>,
    { kind = 'sdk', notifications, approvals = SERVER_POLICY }: WorkerOptions = {},
  ): Promise<RunningWorker> {
    const identity = `crosslink-server-suite-${process.pid}-worker-${++workerCount}`;
    if (kind === 'crosslink') {
      const config = loadWorkerConfig({
        data: {
          ...simulator.config,
          sealingKey: sealingKey.toString('base64'),
          approvals,
          ...(notifications ? { notifications: { sink: notifications } } : {}),
        },
        env: {},
      });
      const worker = await startCrosslinkWorker({
        config,
        target: resolveTemporalTarget({
          env: { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: server.namespace },
        }),
        taskQueue,
        timing: ACTIVITY_TIMING,
        workflowCode: 'source',
        shutdownGraceTime: '5s',
        identity,
        logger: createLogger({ name: 'worker', level: 'error', secrets: config.secrets }),
      });
      const handle: RunningWorker = {
        identity,
        async shutdown() {
          if (!workers.delete(handle)) return;
          await worker.shutdown();
        },
      };
      workers.add(handle);
      return handle;
    }
    const registry = createEnvironmentRegistry(resolveEnvironments(EnvironmentsFile.parse(simulator.config)));
    const worker = await Worker.create({
      connection: server.nativeConnection,
      namespace: server.namespace,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createActivities({
        registry,
        sealer,
        approvals,
        timing: ACTIVITY_TIMING,
        ...(notifications ? { notifications } : {}),
      }),
      interceptors: { activity: [logActivityOutcome] },
      shutdownGraceTime: '5s',
      identity,
    });
    const running = worker.run();
    const handle: RunningWorker = {
      identity,
      async shutdown() {
        if (!workers.delete(handle)) return;
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      },
    };
    workers.add(handle);
    return handle;
  }

  async function endScenario(): Promise<void> {
    const ending = current;
    current = undefined;
    if (!ending) return;
    await Promise.allSettled([...ending.workers].map((w) => w.shutdown()));
    await closeAllPools(); // keep-alive sockets to this simulator
    await ending.simulator.close();
  }

  return {
    server,
    async scenario({ worker = true, topology, planDurationMs = PLAN_DURATION_MS, taskQueue: queue } = {}) {
      await endScenario();
      const simulator = await startSimulator({ planDurationMs, ...(topology ? { topology } : {}) });
      const workers = new Set<RunningWorker>();
      current = { simulator, workers };
      const taskQueue = queue ?? `crosslink-${name}-${++count}`;
      const scenario: Scenario = {
        simulator,
        taskQueue,
        startWorker: (options) => startWorker(simulator, taskQueue, workers, options),
      };
      if (worker) await scenario.startWorker();
      return scenario;
    },
    endScenario,
    async close() {
      await endScenario();
      await server.teardown();
    },
  };
}
