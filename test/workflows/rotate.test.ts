/**
 * `crosslink rotate` (issue 12 part 4) on the simulator with the real activities: a new key, the
 * keystore credential replaced, reloaded, verified, and only then the old key invalidated; a
 * failure at the keystore write, the reload or the verify puts the old credential back (from its
 * sealed copy) and the connection still works with the old key (`_remote/info` + `_resolve/cluster`).
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  FailureType,
  type LifecycleChangeReport,
  ROTATE_WORKFLOW,
  type RotateRequestInput,
  type SealedSecret,
  connectionId,
} from '../../domain';
import { DEFAULT_IDS, type RouteId } from '../../simulator/api';
import { type ActivityImplementations, type HarnessRun } from '../harness/workflow-harness';
import { apiKeyRequest, failureProgress, progressOf, REQUESTER } from './fixtures';
import { connectKeepingCredential, crossClusterKeys, discoveredConnection, useSimulatorWorld } from './simulator-world';

const t = useSimulatorWorld();

/** The sealed credential of the working key, as the client reads it from the connect run's history. */
let previous: SealedSecret;

beforeEach(async () => {
  previous = await connectKeepingCredential(t, apiKeyRequest());
});

function ask(overrides: Partial<RotateRequestInput> = {}): RotateRequestInput {
  return {
    local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 },
    alias: 'logs-b',
    requestedBy: REQUESTER,
    previousCredential: previous,
    ...overrides,
  };
}

function rotate(input: RotateRequestInput, activities = t.world.activities): Promise<HarnessRun> {
  return t.harness.start(ROTATE_WORKFLOW, [input], { activities, workflowId: connectionId(input) });
}

const remoteKeys = () => crossClusterKeys(t.world, 'ece-b', DEFAULT_IDS.b9);
const theConnection = () =>
  discoveredConnection(t.world, { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 }, 'logs-b');

/** After a failed rotation: the old key is the only live key and the connection works with it. */
async function expectOldKeyBackAndWorking(oldId: string): Promise<void> {
  const keys = remoteKeys();
  expect(keys.filter((k) => !k.invalidated).map((k) => k.id)).toEqual([oldId]);
  expect(keys.length).toBe(2);
  const connection = await theConnection();
  expect(connection.health.status).toBe('connected');
  expect(connection.keys.filter((k) => k.active).map((k) => k.id)).toEqual([oldId]);
}

it('new key, keystore replaced, reloaded, verified, and only then the old key invalidated', async () => {
  const [old] = remoteKeys();
  const run = await rotate(ask({ expiration: '90d' }));
  const report = (await run.resultValue()) as LifecycleChangeReport;
  expect(report).toMatchObject({ operation: 'rotate', state: 'connected' });
  const keys = remoteKeys();
  const fresh = keys.find((k) => k.id !== old!.id)!;
  expect(keys.find((k) => k.id === old!.id)).toMatchObject({ invalidated: true });
  expect(fresh).toMatchObject({ invalidated: false });
  const freshInfo = (await theConnection()).keys.find((k) => k.id === fresh.id);
  expect(Date.parse(freshInfo?.expiresAt ?? '')).toBeGreaterThan(Date.now() + 89 * 24 * 3600 * 1000);
  const order = run.entries('activity-scheduled').map((e) => e.activity);
  expect(order.indexOf('invalidateReplacedApiKey')).toBeGreaterThan(order.indexOf('verifyRemoteConnection'));
  expect(order.indexOf('verifyRemoteConnection')).toBeGreaterThan(order.indexOf('reloadRotatedCredentials'));
  expect(order.indexOf('reloadRotatedCredentials')).toBeGreaterThan(order.indexOf('writeKeystoreCredentials'));
  const connection = await theConnection();
  expect(connection.health.status).toBe('connected');
  expect(connection.keys.filter((k) => k.active).map((k) => k.id)).toEqual([fresh.id]);
  expect((await progressOf(run)).state).toBe('connected');
});

it.each<{ what: string; route: RouteId; step: string }>([
  { what: 'keystore write', route: 'set-deployment-es-resource-keystore', step: 'keystore' },
  { what: 'reload', route: 'nodes.reload_secure_settings', step: 'restart' },
])(
  'a failed $what puts the old credential back, invalidates the new key, and the old key still works',
  async ({ route, step }) => {
    const [old] = remoteKeys();
    t.world.simulator.inject({ route, kind: 'status', status: 403, message: 'injected', times: 1 });
    const outcome = await (await rotate(ask())).outcome();
    expect(outcome.status).toBe('failed');
    if (outcome.status === 'failed')
      expect(failureProgress(outcome.failure)).toMatchObject({ state: 'rolled-back', reason: { step } });
    await expectOldKeyBackAndWorking(old!.id);
  },
);

it('a failed verify puts the old credential back and the old key still works', async () => {
  const [old] = remoteKeys();
  // The verify fails the way an unreachable remote makes it fail; everything else is real.
  const activities = {
    ...t.world.activities,
    verifyRemoteConnection: async () => {
      throw ApplicationFailure.create({
        type: FailureType.VerificationFailed,
        message: 'injected',
        nonRetryable: true,
      });
    },
  } as ActivityImplementations;
  const outcome = await (await rotate(ask(), activities)).outcome();
  expect(outcome.status).toBe('failed');
  if (outcome.status === 'failed')
    expect(failureProgress(outcome.failure)).toMatchObject({
      state: 'rolled-back',
      reason: { type: FailureType.VerificationFailed, step: 'verify' },
    });
  await expectOldKeyBackAndWorking(old!.id);
});

it('refuses to start without the previous credential unless noRestore says so', async () => {
  const before = t.world.state();
  const outcome = await (await rotate(ask({ previousCredential: undefined }))).outcome();
  expect(outcome).toMatchObject({ status: 'failed', failure: { type: FailureType.BadRequest } });
  expect(t.world.state()).toEqual(before);
});

it('refuses a previous credential of another key before creating anything', async () => {
  const [old] = remoteKeys();
  await expect((await rotate(ask())).resultValue()).resolves.toMatchObject({ state: 'connected' });
  // `previous` is now the credential of the invalidated key, not of the working one.
  const before = t.world.state();
  const outcome = await (await rotate(ask())).outcome();
  expect(outcome).toMatchObject({ status: 'failed', failure: { type: FailureType.PreflightRefused } });
  expect(String((outcome as { failure: Error }).failure.message)).toContain(old!.id);
  expect(t.world.state()).toEqual(before);
});
