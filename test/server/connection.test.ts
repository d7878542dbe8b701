/**
 * The key scenarios on a real Temporal server: real worker, client, activities and the simulator.
 * One server for the file; each scenario gets a fresh simulator, its own task queue and worker.
 */
import { type Client } from '@temporalio/client';
import { DEFAULT_ACCOUNTS } from '../../simulator/default-topology';
import { DEFAULT_IDS, comparableState, type SimulatorHandle, type SimulatorSnapshot } from '../../simulator/api';
import { FailureType, connectionId } from '../../domain';
import { createTemporalGateway } from '../../client/connections';
import { startCrosslinkSuite, type CrosslinkSuite, type Scenario } from './crosslink';
import { APPROVER, REQUESTER, apiKeyRequest, certificateRequest } from './requests';
import {
  approve,
  approveAll,
  connectedResult,
  eventually,
  failureOf,
  historyText,
  progress,
  reject,
  startConnection,
  untilAwaiting,
} from './runs';
import { describeIfServer } from './temporal-server';

describeIfServer('connection workflow on a real Temporal server', () => {
  let suite: CrosslinkSuite;
  let client: Client;
  let stack: Scenario;

  beforeAll(async () => {
    suite = await startCrosslinkSuite('connection');
    client = suite.server.client;
  });
  beforeEach(async () => {
    stack = await suite.scenario();
  });
  afterEach(async () => {
    await suite?.endScenario();
  });
  afterAll(async () => {
    await suite?.close();
  });

  /** Every credential the simulator handed out: environment API keys, passwords, pre-made API keys. */
  const simulatorSecrets = (sim: SimulatorHandle): string[] => {
    const out = new Set<string>();
    const collect = (value: unknown, key = ''): void => {
      if (typeof value === 'string' && /apiKey|password|encoded/i.test(key)) out.add(value);
      else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) collect(v, k);
    };
    collect(sim.config);
    collect(sim.secrets);
    return [...out].filter((s) => s.length >= 8);
  };

  const deployment = (snap: SimulatorSnapshot, env: 'ece-a' | 'ece-b', id: string) => {
    const dep = snap[env]?.deployments[id];
    if (!dep) throw new Error(`simulator has no deployment ${id} in ${env}`);
    return dep;
  };

  it('API key model, ece-a 9.x -> ece-b 9.x with a private proxy CA: approved at proxy-ca, ends connected', async () => {
    // The requester is also an approver, so the four-eyes rule is what stops them approving.
    const request = apiKeyRequest('logs-b', { approval: { approvers: [APPROVER, REQUESTER], deadline: '1h' } });
    const handle = await startConnection(client, request, stack.taskQueue);

    // The worker's check refuses a stranger and the requester, and records why; the gate stays pending.
    await untilAwaiting(handle, 'proxy-ca');
    await expect(approve(handle, 'proxy-ca', 'mallory')).resolves.toMatchObject({
      decision: 'refused',
      refusal: expect.stringMatching(/mallory may not decide/),
    });
    await expect(approve(handle, 'proxy-ca', REQUESTER)).resolves.toMatchObject({
      decision: 'refused',
      refusal: expect.stringMatching(/four-eyes/),
    });
    expect((await progress(handle)).pendingGate?.gate).toBe('proxy-ca');

    const gates = await approveAll(handle);
    const result = await connectedResult(handle);

    expect(gates).toContain('proxy-ca');
    expect(result).toMatchObject({ connectionId: connectionId(request), state: 'connected', alias: 'logs-b' });
    expect(result.verification.proxyAddress).toMatch(/:9443$/);
    const final = await progress(handle);
    expect(final.state).toBe('connected');
    expect(final.audit).toContainEqual(
      expect.objectContaining({ gate: 'proxy-ca', decision: 'approved', by: APPROVER }),
    );

    const snap = stack.simulator.snapshot();
    const local = deployment(snap, 'ece-a', DEFAULT_IDS.a9);
    const remote = deployment(snap, 'ece-b', DEFAULT_IDS.b9);
    expect(local.keystore).toHaveProperty(['cluster.remote.logs-b.credentials']);
    expect(local.trust.direct).toContainEqual(expect.objectContaining({ type: 'proxy' }));
    expect(local.persistentSettings).toMatchObject({ 'cluster.remote.logs-b.mode': 'proxy' });
    expect(String(local.persistentSettings['cluster.remote.logs-b.proxy_address'])).toMatch(/:9443$/);
    expect(local.roles).toHaveProperty(['logs-b-reader']);
    const keys = remote.apiKeys.filter((k) => k.type === 'cross_cluster' && !k.invalidated);
    expect(keys).toHaveLength(1);
    expect(JSON.stringify(keys[0]?.metadata)).toContain(connectionId(request));

    // No credential of either environment is in the history (the key itself crossed it sealed).
    const text = await historyText(handle);
    expect(['createCrossClusterApiKey', 'sealedEncoded', 'A256GCM'].filter((word) => !text.includes(word))).toEqual([]);
    // Refused decisions are in history with their reason (the update's result and the check's).
    expect(text).toMatch(/mallory may not decide gate/);
    const secrets = simulatorSecrets(stack.simulator);
    expect(secrets.length).toBeGreaterThan(4);
    const leaked = secrets.filter((secret) => text.includes(secret));
    expect(leaked).toEqual([]);
  });

  it('certificate model, gated at platform-trust: ends connected, trust in both environments and deployments', async () => {
    const request = certificateRequest('metrics_b');
    const before = stack.simulator.snapshot();
    const handle = await startConnection(client, request, stack.taskQueue);

    const gates = await approveAll(handle);
    const result = await connectedResult(handle);

    expect(gates).toEqual(['platform-trust']);
    expect(result).toMatchObject({ state: 'connected', alias: 'metrics_b' });
    expect(result.verification.proxyAddress).toMatch(/:9400$/);

    const snap = stack.simulator.snapshot();
    const trusts = (env: 'ece-a' | 'ece-b', account: string) =>
      snap[env]?.trustRelationships.filter((t) => !t.local && t.account_ids.includes(account));
    expect(trusts('ece-a', DEFAULT_ACCOUNTS['ece-b'])).toHaveLength(1);
    expect(trusts('ece-b', DEFAULT_ACCOUNTS['ece-a'])).toHaveLength(1);

    const local = deployment(snap, 'ece-a', DEFAULT_IDS.a815);
    const remote = deployment(snap, 'ece-b', DEFAULT_IDS.b815);
    expect(JSON.stringify(local.trust.external)).toContain(remote.clusterId);
    expect(JSON.stringify(remote.trust.external)).toContain(local.clusterId);
    expect(local.persistentSettings).toMatchObject({ 'cluster.remote.metrics_b.mode': 'proxy' });
    expect(local.roles).toHaveProperty(['metrics_b-search']);
    expect(remote.roles).toHaveProperty(['metrics_b-search']);

    // What existed before on the 8.15 deployment is untouched.
    const old = deployment(before, 'ece-a', DEFAULT_IDS.a815);
    expect(local.keystore).toMatchObject(old.keystore);
    expect(local.roles.analyst).toEqual(old.roles.analyst);
    for (const [key, value] of Object.entries(old.persistentSettings))
      expect(local.persistentSettings[key]).toEqual(value);
    expect(local.trust.direct).toEqual(old.trust.direct);
    expect(local.trust.external).toEqual(expect.arrayContaining(old.trust.external as unknown[]));
  });

  it('a rejection after steps have run rolls back to exactly the pre-run state', async () => {
    // ece-a's 8.15 deployment holds pre-existing trust, keystore secrets, settings and roles.
    const request = apiKeyRequest('rejected-b', {
      local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 },
      remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 },
      approval: { gates: ['register-remote'], approvers: [APPROVER], deadline: '1h' },
    });
    const before = comparableState(stack.simulator.snapshot());
    const handle = await startConnection(client, request, stack.taskQueue);

    const waiting = await untilAwaiting(handle, 'register-remote');
    expect(waiting.created.map((c) => c.kind)).toEqual(
      expect.arrayContaining(['api-key', 'proxy-ca-trust', 'keystore-secret']),
    );
    const entry = await reject(handle, 'register-remote', 'not this quarter');

    expect(entry).toMatchObject({ gate: 'register-remote', decision: 'rejected', by: APPROVER });
    const failure = await failureOf(handle);
    expect(failure.type).toBe(FailureType.ApprovalRejected);
    expect(failure.progress?.state).toBe('rolled-back');
    expect(failure.progress?.compensationFailures).toEqual([]);
    expect(comparableState(stack.simulator.snapshot())).toEqual(before);
  });

  it('a certificate run rejected at roles undoes trust, settings and relationships it created', async () => {
    const request = certificateRequest('rejected_cert', {
      local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a9 },
      remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b9 },
      approval: { gates: ['roles'], approvers: [APPROVER], deadline: '1h' },
    });
    const before = comparableState(stack.simulator.snapshot());
    const handle = await startConnection(client, request, stack.taskQueue);

    const waiting = await untilAwaiting(handle, 'roles');
    expect(waiting.steps.find((s) => s.id === 'verify')?.status).toBe('succeeded');
    await reject(handle, 'roles', 'wrong team');

    const failure = await failureOf(handle);
    expect(failure.type).toBe(FailureType.ApprovalRejected);
    expect(failure.progress?.state).toBe('rolled-back');
    expect(comparableState(stack.simulator.snapshot())).toEqual(before);
  });

  it('a gate whose deadline passes rolls the run back with approval-timeout', async () => {
    const request = apiKeyRequest('deadline-b', {
      local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 },
      remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 },
      approval: { gates: ['register-remote'], approvers: [APPROVER], deadline: '2s' },
    });
    const before = comparableState(stack.simulator.snapshot());
    const handle = await startConnection(client, request, stack.taskQueue);

    const failure = await failureOf(handle);

    expect(failure.type).toBe(FailureType.ApprovalTimeout);
    expect(failure.progress?.state).toBe('rolled-back');
    expect(failure.progress?.audit).toContainEqual(
      expect.objectContaining({ gate: 'register-remote', decision: 'timed-out' }),
    );
    expect(failure.progress?.created.map((c) => c.kind)).toEqual(
      expect.arrayContaining(['api-key', 'keystore-secret']),
    );
    expect(comparableState(stack.simulator.snapshot())).toEqual(before);
  });

  it('cancelling a run that waits for approval rolls it back', async () => {
    const request = certificateRequest('cancelled_cert', {
      local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a9 },
      remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b9 },
      approval: { gates: ['verify'], approvers: [APPROVER], deadline: '1h' },
    });
    const before = comparableState(stack.simulator.snapshot());
    const handle = await startConnection(client, request, stack.taskQueue);
    await untilAwaiting(handle, 'verify');

    await handle.cancel();

    await expect(handle.result()).rejects.toMatchObject({ cause: { name: 'CancelledFailure' } });
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect((await progress(handle)).state).toBe('rolled-back');
    expect(comparableState(stack.simulator.snapshot())).toEqual(before);
  });

  it('a duplicate start for the same connection is a no-op that returns the running run', async () => {
    const request = apiKeyRequest('dup-b');
    const first = await startConnection(client, request, stack.taskQueue);
    await untilAwaiting(first, 'proxy-ca');

    const second = await startConnection(client, request, stack.taskQueue);
    const viaGateway = await createTemporalGateway(client, { taskQueue: stack.taskQueue }).start({
      operation: 'connect',
      request,
    });

    expect(second.workflowId).toBe(first.workflowId);
    expect(second.firstExecutionRunId).toBe(first.firstExecutionRunId);
    expect(viaGateway).toEqual({
      workflowId: first.workflowId,
      runId: first.firstExecutionRunId,
      status: 'already-running',
      operation: 'connect',
    });
    const { runId } = await client.workflow.getHandle(first.workflowId).describe();
    expect(runId).toBe(first.firstExecutionRunId);
    // One run, still at its first gate, with one request in its audit trail.
    const p = await progress(first);
    expect(p.pendingGate?.gate).toBe('proxy-ca');
    expect(p.audit.filter((a) => a.decision === 'requested')).toHaveLength(1);

    await reject(first, 'proxy-ca', 'test cleanup');
    expect((await failureOf(first)).type).toBe(FailureType.ApprovalRejected);
  });

  it('search attributes find the run while it awaits approval, and after it connects', async () => {
    const request = apiKeyRequest('sa-b', { remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 } });
    const handle = await startConnection(client, request, stack.taskQueue);
    await untilAwaiting(handle, 'proxy-ca');

    const listed = (query: string) =>
      eventually(`visibility to list ${handle.workflowId} for ${query}`, async () => {
        for await (const wf of client.workflow.list({ query })) if (wf.workflowId === handle.workflowId) return wf;
        return undefined;
      });
    const waiting = await listed("CrosslinkState = 'awaiting-approval'");
    expect(waiting.searchAttributes).toMatchObject({
      CrosslinkAlias: ['sa-b'],
      CrosslinkLocalDeployment: [DEFAULT_IDS.a9],
      CrosslinkRemoteDeployment: [DEFAULT_IDS.b815],
    });
    await listed(`CrosslinkAlias = 'sa-b' AND CrosslinkStep = 'proxy-ca'`);

    await approveAll(handle);
    await connectedResult(handle);
    await listed(`CrosslinkState = 'connected' AND CrosslinkLocalDeployment = '${DEFAULT_IDS.a9}'`);
  });
});
