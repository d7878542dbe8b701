/**
 * `crosslink disconnect` (issue 12 part 5) on the simulator with the real activities: after a
 * connect, and after a terminated run that left a key, a keystore credential and remote settings
 * behind, it removes everything of the connection and the simulator is back to its first state.
 */
import {
  type ConnectionInventory,
  type ConnectionRequest,
  type DisconnectReport,
  DISCONNECT_WORKFLOW,
  type StepInput,
  connectionId,
} from '../../domain';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DEFAULT_IDS } from '../../simulator/api';
import { signedApproval } from '../harness/approvers';
import { type HarnessRun } from '../harness/workflow-harness';
import { APPROVER, REQUESTER, apiKeyRequest, certificateRequest, progressOf, startConnection } from './fixtures';
import { useSimulatorWorld } from './simulator-world';

const t = useSimulatorWorld();

async function disconnect(request: ConnectionRequest): Promise<HarnessRun> {
  const id = connectionId(request);
  const run = await t.harness.start(DISCONNECT_WORKFLOW, [{ connectionId: id, requestedBy: REQUESTER }], {
    activities: t.world.activities,
    workflowId: id,
  });
  return run;
}

async function approveAndFinish(run: HarnessRun): Promise<DisconnectReport> {
  await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
  expect((await progressOf(run)).pendingGate?.gate).toBe('register-remote');
  await run.update('approve', await signedApproval(run, 'register-remote', APPROVER));
  return (await run.resultValue()) as DisconnectReport;
}

it('removes a connection a connect made: settings, keystore, key, roles, proxy CA trust', async () => {
  const request = apiKeyRequest();
  const connect = await startConnection(t.harness, request, {
    activities: t.world.activities,
    workflowId: connectionId(request),
  });
  await expect(connect.resultValue()).resolves.toMatchObject({ state: 'connected' });
  expect(t.world.state()).not.toEqual(t.world.before);

  const run = await disconnect(request);
  const report = await approveAndFinish(run);
  expect(report.state).toBe('disconnected');
  expect(report.removed.map((r) => r.kind).sort()).toEqual(
    ['api-key', 'keystore-secret', 'proxy-ca-trust', 'remote-cluster-settings', 'role'].sort(),
  );
  expect((await progressOf(run)).state).toBe('disconnected');
  expect(t.world.state()).toEqual(t.world.before);
});

it('removes a certificate connection on both sides: both relationships, both trust.external entries, roles', async () => {
  const request = certificateRequest();
  const connect = await startConnection(t.harness, request, {
    activities: t.world.activities,
    workflowId: connectionId(request),
  });
  await expect(connect.resultValue()).resolves.toMatchObject({ state: 'connected' });

  const report = await approveAndFinish(await disconnect(request));
  expect(report.state).toBe('disconnected');
  const removedIn = (kind: string) =>
    report.removed
      .filter((r) => r.kind === kind)
      .map((r) => r.environment)
      .sort();
  expect(removedIn('trust-relationship')).toEqual(['ece-a', 'ece-b']);
  expect(removedIn('deployment-trust')).toEqual(['ece-a', 'ece-b']);
  expect(removedIn('role')).toEqual(['ece-a', 'ece-b']);
  expect(report.kept).toEqual([]);
  expect(t.world.state()).toEqual(t.world.before);
});

it('a certificate disconnect keeps the relationships another connection uses, and that connection keeps working', async () => {
  const first = certificateRequest();
  const second = certificateRequest({
    local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a9 },
    remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b9 },
    alias: 'metrics-c',
    roles: [
      {
        name: 'crosslink-metrics-c-reader',
        local: { remote_indices: [{ clusters: ['metrics-c'], names: ['metrics-*'], privileges: ['read'] }] },
        remote: { indices: [{ names: ['metrics-*'], privileges: ['read'] }] },
      },
    ],
  });
  for (const request of [first, second]) {
    const run = await startConnection(t.harness, request, {
      activities: t.world.activities,
      workflowId: connectionId(request),
    });
    await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
  }

  const report = await approveAndFinish(await disconnect(first));
  expect(report.state).toBe('disconnected');
  // The second connection reused the first one's relationships: they stay, with the reason.
  expect(report.kept.map((k) => [k.resource.kind, k.resource.environment]).sort()).toEqual([
    ['trust-relationship', 'ece-a'],
    ['trust-relationship', 'ece-b'],
  ]);
  expect(report.kept.every((k) => k.reason.includes('still used by the trust.external of'))).toBe(true);
  // The first connection's own allowlist entries went from both deployments.
  expect(
    report.removed
      .filter((r) => r.kind === 'deployment-trust')
      .map((r) => r.deploymentId)
      .sort(),
  ).toEqual([DEFAULT_IDS.a815, DEFAULT_IDS.b815]);
  const discover = t.world.activities.discoverConnections as (f: object) => Promise<ConnectionInventory>;
  const inventory: ConnectionInventory = await new MockActivityEnvironment().run(discover, {
    environment: 'ece-a',
    deploymentId: DEFAULT_IDS.a9,
  });
  expect(inventory.connections.find((c) => c.alias === 'metrics-c')?.health.status).toBe('connected');

  // Removing the second connection too leaves the simulator as it was.
  await expect(approveAndFinish(await disconnect(second))).resolves.toMatchObject({ state: 'disconnected', kept: [] });
  expect(t.world.state()).toEqual(t.world.before);
});

it('cleans up after a terminated run (key, keystore credential and settings left behind)', async () => {
  const request = apiKeyRequest();
  const id = connectionId(request);
  // A run that was terminated after three steps: their activities ran, no undo did.
  const env = new MockActivityEnvironment({ workflowExecution: { workflowId: id, runId: 'terminated-run' } } as never);
  const a = t.world.activities as unknown as Record<string, (input: unknown) => Promise<unknown>>;
  const call = <T>(name: string, input: unknown) => env.run(a[name]!, input) as unknown as Promise<T>;
  const preflight = await call<StepInput['preflight']>('preflight', { connectionId: id, request });
  const input: StepInput = { connectionId: id, request, preflight };
  const apiKey = await call('createCrossClusterApiKey', input);
  await call('writeKeystoreCredentials', { ...input, apiKey });
  await call('registerRemoteCluster', input);
  expect(t.world.state()).not.toEqual(t.world.before);

  const report = await approveAndFinish(await disconnect(request));
  expect(report.state).toBe('disconnected');
  expect(report.removed.map((r) => r.kind).sort()).toEqual(['api-key', 'keystore-secret', 'remote-cluster-settings']);
  expect(t.world.state()).toEqual(t.world.before);
});

it('refuses when no connection carries the marks, and changes nothing', async () => {
  const run = await t.harness.start(
    DISCONNECT_WORKFLOW,
    [{ connectionId: connectionId(apiKeyRequest()), requestedBy: REQUESTER }],
    { activities: t.world.activities, workflowId: connectionId(apiKeyRequest()) },
  );
  const outcome = await run.outcome();
  expect(outcome).toMatchObject({ status: 'failed', failure: { cause: { type: 'PreflightRefused' } } });
  expect(t.world.state()).toEqual(t.world.before);
});
