/**
 * `crosslink rotate` where the local version loads a keystore change only after a restart (8.13
 * with allowBetaApiKeyModel): the reload runs, the restart waits for its gate, and a failure after
 * the restart writes the old credential back and restarts again, so the nodes hold the old
 * credential and the old key still works (the simulator's 8.13 nodes keep what they loaded).
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  type ConnectionRequest,
  FailureType,
  type LifecycleChangeReport,
  ROTATE_WORKFLOW,
  type RotateRequestInput,
  type SealedSecret,
  connectionId,
} from '../../domain';
import { DEFAULT_IDS } from '../../simulator/api';
import { signedApproval } from '../harness/approvers';
import { type ActivityImplementations, type HarnessRun } from '../harness/workflow-harness';
import { APPROVER, REQUESTER, apiKeyRequest, failureProgress, progressOf } from './fixtures';
import { connectKeepingCredential, crossClusterKeys, discoveredConnection, useSimulatorWorld } from './simulator-world';

const t = useSimulatorWorld();
let previous: SealedSecret;

const request = (): ConnectionRequest =>
  apiKeyRequest({
    local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a813 },
    remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 },
    allowBetaApiKeyModel: true,
    // No roles: this test is about the keystore and the restart.
    roles: [],
  });

beforeEach(async () => {
  previous = await connectKeepingCredential(t, request());
});

const ask = (): RotateRequestInput => ({
  local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a813 },
  alias: 'logs-b',
  requestedBy: REQUESTER,
  previousCredential: previous,
});

const remoteKeys = () => crossClusterKeys(t.world, 'ece-b', DEFAULT_IDS.b815);
const restarts = () =>
  t.world.simulator.snapshot()['ece-a']!.deployments[DEFAULT_IDS.a813]!.plans.filter((p) => p.kind === 'restart');

const theConnection = () =>
  discoveredConnection(t.world, { environment: 'ece-a', deploymentId: DEFAULT_IDS.a813 }, 'logs-b');

/** Start a rotation and approve its restart when the gate opens. */
async function rotateApprovingRestart(activities = t.world.activities): Promise<HarnessRun> {
  const run = await t.harness.start(ROTATE_WORKFLOW, [ask()], { activities, workflowId: connectionId(request()) });
  await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
  expect(run.scheduled().slice(-2)).toEqual(['reloadRotatedCredentials', 'describeChange']);
  expect((await progressOf(run)).pendingGate?.gate).toBe('restart');
  await run.update('approve', await signedApproval(run, 'restart', APPROVER));
  return run;
}

it('reload does not load the new credential on 8.13: the restart waits for its gate, then the old key goes', async () => {
  const [old] = remoteKeys();
  const restartsBefore = restarts().length;
  const run = await rotateApprovingRestart();
  const report = (await run.resultValue()) as LifecycleChangeReport;
  expect(report).toMatchObject({ operation: 'rotate', state: 'connected' });
  expect(restarts().slice(restartsBefore)).toEqual([expect.objectContaining({ status: 'success' })]);
  const order = run.scheduled();
  expect(order.indexOf('restartForRotation')).toBeGreaterThan(order.indexOf('reloadRotatedCredentials'));
  expect(order.indexOf('invalidateReplacedApiKey')).toBeGreaterThan(order.indexOf('restartForRotation'));
  const keys = remoteKeys();
  expect(keys.find((k) => k.id === old!.id)).toMatchObject({ invalidated: true });
  const fresh = keys.find((k) => k.id !== old!.id)!;
  const connection = await theConnection();
  expect(connection.health.status).toBe('connected');
  expect(connection.keys.filter((k) => k.active).map((k) => k.id)).toEqual([fresh.id]);
});

it('a failed verify after the restart writes the old credential back, restarts again, and the old key works', async () => {
  const [old] = remoteKeys();
  const restartsBefore = restarts().length;
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
  const outcome = await (await rotateApprovingRestart(activities)).outcome();
  expect(outcome.status).toBe('failed');
  if (outcome.status === 'failed')
    expect(failureProgress(outcome.failure)).toMatchObject({
      state: 'rolled-back',
      reason: { type: FailureType.VerificationFailed, step: 'verify' },
    });
  // One restart to load the new credential, one to load the old one back.
  expect(restarts().slice(restartsBefore)).toEqual([
    expect.objectContaining({ status: 'success' }),
    expect.objectContaining({ status: 'success' }),
  ]);
  const keys = remoteKeys();
  expect(keys.filter((k) => !k.invalidated).map((k) => k.id)).toEqual([old!.id]);
  const connection = await theConnection();
  expect(connection.health.status).toBe('connected');
  expect(connection.keys.filter((k) => k.active).map((k) => k.id)).toEqual([old!.id]);
});
