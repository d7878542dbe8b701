/**
 * Starting a connection that exists converges (issue 12 part 2): the same request is a no-op that
 * says so; other access updates the working key in place, after the api-key gate (every access
 * change waits there: test/workflows/access-gate.test.ts); a later failure leaves the connection
 * working (the key keeps its id, secret and earlier access), so "rolled-back" is true.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { type ConnectionInventory, type ConnectionRequest, FailureType, connectionId } from '../../domain';
import { DEFAULT_IDS } from '../../simulator/api';
import { signedApproval } from '../harness/approvers';
import { APPROVER, apiKeyRequest, failureProgress, progressOf, startConnection, statuses } from './fixtures';
import { useSimulatorWorld } from './simulator-world';

const t = useSimulatorWorld();

const wider = (): ConnectionRequest => apiKeyRequest({ access: { search: [{ names: ['logs-*', 'metrics-*'] }] } });

async function connect(request: ConnectionRequest) {
  const run = await startConnection(t.harness, request, {
    activities: t.world.activities,
    workflowId: connectionId(request),
  });
  return run;
}

/** A connect with other access: it waits at the api-key gate, which bob approves. */
async function connectApproved(request: ConnectionRequest) {
  const run = await connect(request);
  await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
  expect((await progressOf(run)).pendingGate?.gate).toBe('api-key');
  await run.update('approve', await signedApproval(run, 'api-key', APPROVER));
  return run;
}

async function theConnection() {
  const discover = t.world.activities.discoverConnections as (f: object) => Promise<ConnectionInventory>;
  const inventory: ConnectionInventory = await new MockActivityEnvironment().run(discover, {
    environment: 'ece-a',
    deploymentId: DEFAULT_IDS.a815,
  });
  return inventory.connections.find((c) => c.alias === 'logs-b')!;
}

const remoteKeys = () =>
  t.world.state()['ece-b']!.deployments[DEFAULT_IDS.b9]!.apiKeys.filter((k) => k.type === 'cross_cluster');

beforeEach(async () => {
  await expect((await connect(apiKeyRequest())).resultValue()).resolves.toMatchObject({ state: 'connected' });
});

it('the same request again is a no-op that says so, and the working key stays', async () => {
  const before = t.world.state();
  const run = await connect(apiKeyRequest());
  await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
  const progress = await progressOf(run);
  expect(statuses(progress)).toMatchObject({ 'api-key': 'skipped', keystore: 'skipped', restart: 'skipped' });
  expect(progress.steps.find((s) => s.id === 'api-key')!.detail).toMatch(
    /exists .* grants the requested access: nothing to change/,
  );
  expect(run.entries('activity-attempt').map((a) => a.activity)).not.toContain('createCrossClusterApiKey');
  expect(t.world.state()).toEqual(before);
  expect((await theConnection()).health.status).toBe('connected');
});

it('other access updates the working key in place: same key, keystore untouched', async () => {
  const [key] = remoteKeys();
  const keystoreBefore = t.world.state()['ece-a']!.deployments[DEFAULT_IDS.a815]!.keystore;
  const run = await connectApproved(wider());
  await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
  expect(statuses(await progressOf(run))).toMatchObject({ 'api-key': 'succeeded', keystore: 'skipped' });
  expect(remoteKeys()).toEqual([expect.objectContaining({ id: key!.id, invalidated: false })]);
  expect(t.world.state()['ece-a']!.deployments[DEFAULT_IDS.a815]!.keystore).toEqual(keystoreBefore);
  const connection = await theConnection();
  expect(connection.keys[0]!.access).toMatchObject({ search: [{ names: ['logs-*', 'metrics-*'] }] });
  expect(connection.health.status).toBe('connected');
});

it('a later failure puts the earlier access back and leaves the connection working', async () => {
  const [key] = remoteKeys();
  t.world.simulator.inject({
    route: 'indices.resolve_cluster',
    kind: 'status',
    status: 403,
    message: 'injected',
    times: 1,
  });
  const run = await connectApproved(wider());
  const outcome = await run.outcome();
  expect(outcome.status).toBe('failed');
  if (outcome.status !== 'failed') return;
  const progress = failureProgress(outcome.failure);
  expect(progress).toMatchObject({ state: 'rolled-back', reason: { type: FailureType.Forbidden, step: 'verify' } });
  expect(remoteKeys()).toEqual([expect.objectContaining({ id: key!.id, invalidated: false })]);
  const connection = await theConnection();
  expect(connection.keys[0]!.access).toMatchObject({ search: [{ names: ['logs-*'] }] });
  expect(connection.health.status).toBe('connected');
});
