/**
 * The real activities bound to a fresh simulator, for harness suites: what a worker would
 * register, with short polls so a run takes well under a second of real time.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_TEST_POLICY } from '../harness/approvers';
import { closeAllPools, createActivities } from '../../activities';
import {
  type EnvironmentRegistry,
  createEnvironmentRegistry,
  resolveEnvironments,
} from '../../activities/environments';
import { elasticsearchResource, getDeployment } from '../../activities/ece/deployments';
import { type EsClient } from '../../activities/elasticsearch/client';
import { createSealer } from '../../activities/secrets/sealing';
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  type ApiKeyRecord,
  CONNECTION_WORKFLOW,
  type ConnectionInventory,
  type ConnectionRequest,
  EnvironmentsFile,
  type ManagedConnection,
  type SealedSecret,
  connectionId,
} from '../../domain';
import { startSimulator } from '../../simulator';
import { type TopologyInput } from '../../simulator/topology';
import { type SimulatorHandle, type SimulatorSnapshot, comparableState } from '../../simulator/api';
import { type ActivityImplementations, WorkflowHarness } from '../harness/workflow-harness';
import { WORKFLOWS_PATH } from './fixtures';

const TIMING = {
  planPollMs: 20,
  verifyPollMs: 20,
  verifyMaxPollMs: 80,
  credentialsWaitMs: 300,
  credentialsPollMs: 20,
};

export interface SimulatorWorld {
  simulator: SimulatorHandle;
  /** The worker's view of the simulator's environments (Elasticsearch and ECE clients). */
  registry: EnvironmentRegistry;
  activities: ActivityImplementations;
  /** comparableState of the simulator when the world was created. */
  before: SimulatorSnapshot;
  /** comparableState now. */
  state(): SimulatorSnapshot;
  /** A deployment's Elasticsearch, as the worker reaches it: a test changes things by hand through it. */
  elasticsearch(environment: string, deploymentId: string): Promise<EsClient>;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** A topology other than the default (deployments with transforms, datafeeds, other versions). */
  topology?: () => TopologyInput;
}

export async function startWorld(options: WorldOptions = {}): Promise<SimulatorWorld> {
  const simulator = await startSimulator({
    planDurationMs: 40,
    ...(options.topology ? { topology: options.topology() } : {}),
  });
  const registry = createEnvironmentRegistry(
    resolveEnvironments(EnvironmentsFile.parse(structuredClone(simulator.config)), { env: {} }),
  );
  const activities = createActivities({
    registry,
    sealer: createSealer(randomBytes(32)),
    approvals: DEFAULT_TEST_POLICY,
    timing: TIMING,
  });
  return {
    simulator,
    registry,
    activities: activities as unknown as ActivityImplementations,
    before: comparableState(simulator.snapshot()),
    state: () => comparableState(simulator.snapshot()),
    async elasticsearch(environment, deploymentId) {
      const ece = registry.ece(environment);
      const { deployment } = await getDeployment(ece, deploymentId);
      const es = elasticsearchResource(ece, deployment, deployment.resources.elasticsearch[0]!.ref_id);
      return registry.elasticsearch(environment, deploymentId, es.info.metadata.service_url);
    },
    async close() {
      await closeAllPools();
      await simulator.close();
    },
  };
}

/** Jest hooks for a file of simulator scenarios: one workflow bundle per file, a fresh simulator per test. */
export function useSimulatorWorld(options: WorldOptions = {}): {
  readonly harness: WorkflowHarness;
  readonly world: SimulatorWorld;
} {
  const context = {} as { harness: WorkflowHarness; world: SimulatorWorld };
  beforeAll(async () => {
    context.harness = await WorkflowHarness.create(WORKFLOWS_PATH);
  });
  afterAll(() => context.harness.destroy());
  beforeEach(async () => {
    context.world = await startWorld(options);
  });
  afterEach(() => context.world.close());
  return context;
}

/**
 * The connection a lifecycle operation starts from: `request` connected on the world, and the
 * sealed credential of its working key as the client reads it from the connect run's history.
 */
export async function connectKeepingCredential(
  t: { readonly harness: WorkflowHarness; readonly world: SimulatorWorld },
  request: ConnectionRequest,
): Promise<SealedSecret> {
  let sealed: SealedSecret | undefined;
  const a = t.world.activities as unknown as Record<string, (input: unknown) => Promise<unknown>>;
  const activities = {
    ...t.world.activities,
    createCrossClusterApiKey: async (input: unknown) => {
      const record = (await a.createCrossClusterApiKey!(input)) as ApiKeyRecord;
      sealed = record.sealedEncoded!;
      return record;
    },
  } as ActivityImplementations;
  const run = await t.harness.start(CONNECTION_WORKFLOW, [request], { activities, workflowId: connectionId(request) });
  await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
  return sealed!;
}

/** The connection discovery finds on the world now (the inventory's view, as crosslink connections shows it). */
export async function discoveredConnection(
  world: SimulatorWorld,
  local: { environment: string; deploymentId: string },
  alias: string,
): Promise<ManagedConnection> {
  const discover = world.activities.discoverConnections as (f: object) => Promise<ConnectionInventory>;
  const inventory: ConnectionInventory = await new MockActivityEnvironment().run(discover, local);
  return inventory.connections.find((c) => c.alias === alias)!;
}

/** Every cross-cluster key on a deployment of the world, invalidated ones too (comparableState leaves those out). */
export function crossClusterKeys(world: SimulatorWorld, environment: string, deploymentId: string) {
  const deployment = world.simulator.snapshot()[environment]!.deployments[deploymentId]!;
  return deployment.apiKeys.filter((k) => k.type === 'cross_cluster');
}
