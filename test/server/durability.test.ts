/**
 * The durability users pick Temporal for: the worker goes away while a run waits for approval,
 * and a NEW worker (new activities, empty workflow cache) picks the run up from its history and
 * finishes it. Approvals sent while no worker runs (signals) are kept by the server. The restart
 * scenario uses the worker users run (workers/ startWorker); the signal one the faster SDK worker.
 */
import { type Client } from '@temporalio/client';
import { DEFAULT_IDS } from '../../simulator/api';
import { approveSignal } from '../../workflows/messages';
import { startCrosslinkSuite, type CrosslinkSuite, type Scenario } from './crosslink';
import { APPROVER, apiKeyRequest } from './requests';
import {
  activityWorkers,
  approveAll,
  signFor,
  untilAudit,
  connectedResult,
  progress,
  scheduledActivities,
  startConnection,
  untilAwaiting,
} from './runs';
import { describeIfServer } from './temporal-server';

describeIfServer('durability on a real Temporal server', () => {
  let suite: CrosslinkSuite;
  let client: Client;
  let stack: Scenario;

  beforeAll(async () => {
    suite = await startCrosslinkSuite('durability');
    client = suite.server.client;
  });
  // Each scenario starts and stops its own workers.
  beforeEach(async () => {
    stack = await suite.scenario({ worker: false });
  });
  afterEach(async () => {
    await suite?.endScenario();
  });
  afterAll(async () => {
    await suite?.close();
  });

  const connectedAlias = (alias: string) =>
    stack.simulator.snapshot()['ece-a']?.deployments[DEFAULT_IDS.a9]?.persistentSettings[
      `cluster.remote.${alias}.mode`
    ];

  it('a run waiting for approval survives a worker restart: a new worker takes the approval and connects', async () => {
    const request = apiKeyRequest('durable-b');
    const firstWorker = await stack.startWorker({ kind: 'crosslink' });
    const handle = await startConnection(client, request, stack.taskQueue);
    const waiting = await untilAwaiting(handle, 'proxy-ca');
    expect(waiting.steps.find((s) => s.id === 'preflight')?.status).toBe('succeeded');

    await firstWorker.shutdown();
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const secondWorker = await stack.startWorker({ kind: 'crosslink' });

    const approved = await approveAll(handle);
    const result = await connectedResult(handle);
    const final = await progress(handle);
    await secondWorker.shutdown();

    expect(approved).toContain('proxy-ca');
    expect(result).toMatchObject({ state: 'connected', alias: 'durable-b' });
    expect(final.audit).toContainEqual(
      expect.objectContaining({ gate: 'proxy-ca', decision: 'approved', by: APPROVER }),
    );
    // Preflight ran once, on the first worker; everything after the gate ran on the second one,
    // which rebuilt the run from its history.
    const activities = await scheduledActivities(handle);
    expect(activities.filter((a) => a === 'preflight')).toHaveLength(1);
    const ranBy = await activityWorkers(handle);
    expect(ranBy.get('preflight')).toEqual([firstWorker.identity]);
    expect(ranBy.get('createCrossClusterApiKey')).toEqual([secondWorker.identity]);
    expect(ranBy.get('verifyRemoteConnection')).toEqual([secondWorker.identity]);
    expect(activities).toEqual(
      expect.arrayContaining([
        'createCrossClusterApiKey',
        'ensureProxyCaTrust',
        'writeKeystoreCredentials',
        'verifyRemoteConnection',
      ]),
    );
    expect(connectedAlias('durable-b')).toBe('proxy');
  });

  it('an approval signalled while no worker runs is kept and applied by the next worker', async () => {
    const request = apiKeyRequest('durable-signal-b');
    const firstWorker = await stack.startWorker();
    const handle = await startConnection(client, request, stack.taskQueue);
    await untilAwaiting(handle, 'proxy-ca');
    await firstWorker.shutdown();

    const comment = 'sent while no worker ran';
    const token = await signFor(handle, APPROVER, 'proxy-ca', 'approve', comment);
    await handle.signal(approveSignal, { gate: 'proxy-ca', approver: APPROVER, comment, token });
    const secondWorker = await stack.startWorker();
    await untilAudit(handle, { gate: 'proxy-ca', decision: 'approved', via: 'signal' });
    await approveAll(handle);
    const result = await connectedResult(handle);
    const final = await progress(handle);
    await secondWorker.shutdown();

    expect(result).toMatchObject({ state: 'connected', alias: 'durable-signal-b' });
    expect(final.audit).toContainEqual(
      expect.objectContaining({ gate: 'proxy-ca', decision: 'approved', by: APPROVER, via: 'signal' }),
    );
    const ranBy = await activityWorkers(handle);
    expect(ranBy.get('preflight')).toEqual([firstWorker.identity]);
    expect(ranBy.get('createCrossClusterApiKey')).toEqual([secondWorker.identity]);
    expect(connectedAlias('durable-signal-b')).toBe('proxy');
  });
});
