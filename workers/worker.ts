/**
 * `startWorker`: one crosslink worker polling the task queue, with the activities bound to the
 * configured environments and sealing key. Used by `npm run worker`, the local run and tests.
 */
import { type Duration } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { type Logger } from 'pino';
import {
  type Timing,
  closeAllPools,
  createActivities,
  createEnvironmentRegistry,
  createSealer,
  logActivityOutcome,
} from '../activities';
import { TASK_QUEUE, timingOverrides } from '../domain';
import { type TemporalTarget, resolveTemporalTarget } from '../client/temporal-connection';
import { WORKFLOW_BUNDLER_OPTIONS, type WorkflowCodeMode, workflowCode } from './bundle';
import { type WorkerConfig } from './config';
import { createLogger } from '../common/logging';
import { installRuntime } from './runtime';
import { requireSearchAttributes } from './search-attributes';

export interface StartWorkerOptions {
  config: WorkerConfig;
  /** Temporal to poll; the standard environment configuration by default. */
  target?: TemporalTarget;
  taskQueue?: string;
  logger?: Logger;
  /** Activity poll intervals and bounds (tests shorten them). */
  timing?: Partial<Timing>;
  /** Prebuilt bundle or sources (see workers/bundle.ts). */
  workflowCode?: WorkflowCodeMode;
  /** How long in-flight activities may finish after shutdown starts before they are cancelled. */
  shutdownGraceTime?: Duration;
  identity?: string;
  /** Runs kept in the worker's sticky cache (default: the SDK's, sized from the heap limit). */
  maxCachedWorkflows?: number;
}

export interface WorkerHandle {
  readonly worker: Worker;
  readonly taskQueue: string;
  readonly target: TemporalTarget;
  /** Settles when the worker stops (rejects if it crashed). */
  readonly running: Promise<void>;
  /** Stops polling, lets in-flight activities finish within the grace time, closes connections. */
  shutdown(): Promise<void>;
}

export async function startWorker(options: StartWorkerOptions): Promise<WorkerHandle> {
  const log = options.logger ?? createLogger({ name: 'worker', secrets: options.config.secrets });
  installRuntime(log);
  const target = options.target ?? resolveTemporalTarget();
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  const code = workflowCode(options.workflowCode);
  const registry = createEnvironmentRegistry(options.config.resolved);
  const activities = createActivities({
    registry,
    sealer: createSealer(options.config.sealingKey),
    approvals: options.config.file.approvals,
    // The file's `timing` section, then the caller's overrides (tests, benchmarks).
    timing: { ...timingOverrides(options.config.file.timing), ...options.timing },
    notifications: options.config.notifications,
    ...(options.config.file.desiredState ? { desiredState: options.config.file.desiredState } : {}),
  });

  const connection = await NativeConnection.connect(target.connectionOptions).catch((err: Error) => {
    throw new Error(
      `cannot reach Temporal at ${target.address} (namespace ${target.namespace}): ${err.message}; ` +
        'set TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE / TEMPORAL_API_KEY (or TEMPORAL_PROFILE)',
    );
  });
  let worker: Worker;
  try {
    await requireSearchAttributes(connection.operatorService, target.namespace);
    worker = await Worker.create({
      connection,
      namespace: target.namespace,
      taskQueue,
      activities,
      interceptors: { activity: [logActivityOutcome] },
      ...(code.kind === 'prebuilt'
        ? { workflowBundle: { codePath: code.codePath } }
        : { workflowsPath: code.workflowsPath, bundlerOptions: WORKFLOW_BUNDLER_OPTIONS }),
      shutdownGraceTime: options.shutdownGraceTime ?? '30s',
      ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
      ...(options.identity ? { identity: options.identity } : {}),
    });
  } catch (err) {
    await connection.close();
    throw err;
  }
  log.info(
    {
      temporal: target.address,
      namespace: target.namespace,
      taskQueue,
      workflowCode: code.kind === 'prebuilt' ? code.codePath : `bundled from sources (${code.reason})`,
      environments: registry.names(),
      config: options.config.source,
    },
    'worker started',
  );

  const running = worker.run().finally(async () => {
    await connection.close().catch(() => undefined);
    await closeAllPools().catch(() => undefined);
  });
  running.catch((err: unknown) => log.error({ err }, 'worker stopped with an error'));

  let stopping: Promise<void> | undefined;
  return {
    worker,
    taskQueue,
    target,
    running,
    shutdown() {
      if (!stopping) {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        stopping = running.catch(() => undefined).then(() => log.info('worker stopped'));
      }
      return stopping;
    },
  };
}
