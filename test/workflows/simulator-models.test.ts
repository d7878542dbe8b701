/** The workflow with the real activities against the simulator: both models and the version variants. */
import { type ConnectionResult, FailureType } from '../../domain';
import { signedApproval } from '../harness/approvers';
import { DEFAULT_IDS } from '../../simulator/api';
import {
  APPROVER,
  apiKeyRequest,
  certificateRequest,
  failureProgress,
  progressOf,
  startConnection,
  statuses,
} from './fixtures';
import { useSimulatorWorld } from './simulator-world';

const t = useSimulatorWorld();

const local = (env: string, id: string) => ({ environment: env, deploymentId: id });

describe('API key model against the simulator', () => {
  it('local 8.15 in ece-a -> remote 9.x in ece-b: private proxy CA uploaded, no restart', async () => {
    const request = apiKeyRequest({ local: local('ece-a', DEFAULT_IDS.a815), remote: local('ece-b', DEFAULT_IDS.b9) });
    const run = await startConnection(t.harness, request, { activities: t.world.activities });
    const result = (await run.resultValue()) as ConnectionResult;

    expect(result.state).toBe('connected');
    expect(run.scheduled()).not.toContain('restartElasticsearch');
    const state = t.world.state();
    const a815 = state['ece-a']!.deployments[DEFAULT_IDS.a815]!;
    const before = t.world.before['ece-a']!.deployments[DEFAULT_IDS.a815]!;
    expect(Object.keys(a815.keystore)).toEqual(
      expect.arrayContaining(['cluster.remote.logs-b.credentials', 's3.client.default.secret_key']),
    );
    expect(a815.persistentSettings).toMatchObject({ 'cluster.remote.logs-b.mode': 'proxy' });
    expect(a815.persistentSettings).toMatchObject(before.persistentSettings);
    const direct = (a815.trust as { direct?: Array<{ type?: string; name: string }> }).direct ?? [];
    expect(direct.filter((d) => d.type === 'proxy')).toHaveLength(1);
    expect(direct.map((d) => d.name)).toContain('legacy-self-managed');
    expect(Object.keys(a815.roles)).toEqual(expect.arrayContaining(['analyst', 'crosslink-logs-reader']));
    const keys = state['ece-b']!.deployments[DEFAULT_IDS.b9]!.apiKeys.filter((k) => k.type === 'cross_cluster');
    expect(keys).toHaveLength(1);
    expect(a815.plans).toEqual(before.plans);
    // Nothing changed in the other deployments.
    expect(state['ece-a']!.deployments[DEFAULT_IDS.a9]).toEqual(t.world.before['ece-a']!.deployments[DEFAULT_IDS.a9]);
    expect(state['ece-a']!.trustRelationships).toEqual(t.world.before['ece-a']!.trustRelationships);
  });

  it('local 9.x in ece-b -> remote in ece-a: public proxy CA, so proxy-ca is skipped', async () => {
    const request = apiKeyRequest({ local: local('ece-b', DEFAULT_IDS.b9), remote: local('ece-a', DEFAULT_IDS.a9) });
    const run = await startConnection(t.harness, request, { activities: t.world.activities });
    await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
    expect(run.scheduled()).not.toContain('ensureProxyCaTrust');
    expect(statuses(await progressOf(run))['proxy-ca']).toBe('skipped');
    const b9 = t.world.state()['ece-b']!.deployments[DEFAULT_IDS.b9]!;
    expect(b9.trust).toEqual(t.world.before['ece-b']!.deployments[DEFAULT_IDS.b9]!.trust);
    expect(Object.keys(b9.keystore)).toContain('cluster.remote.logs-b.credentials');
  });

  it('local 8.13 with allowBetaApiKeyModel: reload does not load the key, the restart gate opens, then restart', async () => {
    const request = apiKeyRequest({
      local: local('ece-a', DEFAULT_IDS.a813),
      remote: local('ece-b', DEFAULT_IDS.b815),
      allowBetaApiKeyModel: true,
      // No roles: this test is about the keystore and the restart.
      roles: [],
      approval: { gates: ['restart'], approvers: [APPROVER], deadline: '1h' },
    });
    const plansBefore = t.world.simulator.snapshot()['ece-a']!.deployments[DEFAULT_IDS.a813]!.plans.length;
    const run = await startConnection(t.harness, request, { activities: t.world.activities });
    await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
    expect(run.scheduled().slice(-2)).toEqual(['reloadSecureSettings', 'describeChange']);
    expect((await progressOf(run)).pendingGate?.gate).toBe('restart');
    // The approver sees the restart itself, as the ECE request that makes it.
    expect((await progressOf(run)).pendingGate?.change?.activities[0]?.requests[0]).toMatchObject({
      system: 'ece',
      method: 'POST',
      path: expect.stringMatching(/\/_restart$/),
    });
    await run.update('approve', await signedApproval(run, 'restart', APPROVER));

    const result = (await run.resultValue()) as ConnectionResult;
    expect(result.state).toBe('connected');
    expect(run.scheduled()).toContain('restartElasticsearch');
    const plans = t.world.simulator.snapshot()['ece-a']!.deployments[DEFAULT_IDS.a813]!.plans;
    expect(plans.slice(plansBefore).filter((p) => p.kind === 'restart')).toEqual([
      expect.objectContaining({ status: 'success' }),
    ]);
    expect(result.steps.find((s) => s.id === 'restart')).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(Object.keys(t.world.state()['ece-a']!.deployments[DEFAULT_IDS.a813]!.keystore)).toContain(
      'cluster.remote.logs-b.credentials',
    );
  });

  it('local 8.13 without the opt-in is refused by preflight and nothing changes', async () => {
    const request = apiKeyRequest({
      local: local('ece-a', DEFAULT_IDS.a813),
      remote: local('ece-b', DEFAULT_IDS.b815),
    });
    const run = await startConnection(t.harness, request, { activities: t.world.activities });
    const outcome = await run.outcome();
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'failed') return;
    expect(outcome.failure).toMatchObject({ type: FailureType.PreflightRefused });
    expect(outcome.failure.message).toMatch(/8\.13/);
    expect(failureProgress(outcome.failure).state).toBe('rolled-back');
    expect(run.scheduled()).toEqual(['preflight']);
    expect(t.world.state()).toEqual(t.world.before);
  });
});

describe('certificate model against the simulator', () => {
  it('trust in both environments and both deployments, settings, roles on both sides', async () => {
    const request = certificateRequest({
      local: local('ece-a', DEFAULT_IDS.a815),
      remote: local('ece-b', DEFAULT_IDS.b815),
    });
    const run = await startConnection(t.harness, request, { activities: t.world.activities });
    const result = (await run.resultValue()) as ConnectionResult;
    expect(result.state).toBe('connected');

    const state = t.world.state();
    for (const env of ['ece-a', 'ece-b']) {
      expect(state[env]!.trustRelationships.length).toBe(t.world.before[env]!.trustRelationships.length + 1);
    }
    const a815 = state['ece-a']!.deployments[DEFAULT_IDS.a815]!;
    const b815 = state['ece-b']!.deployments[DEFAULT_IDS.b815]!;
    const external = (t: Record<string, unknown>) => (t.external as unknown[] | undefined) ?? [];
    expect(external(a815.trust)).toHaveLength(2); // the legacy entry and ours
    expect(external(b815.trust)).toHaveLength(1);
    expect(a815.persistentSettings).toMatchObject({ 'cluster.remote.metrics-b.mode': 'proxy' });
    expect(Object.keys(a815.roles)).toContain('crosslink-metrics-reader');
    expect(Object.keys(b815.roles)).toContain('crosslink-metrics-reader');
    expect(Object.keys(a815.keystore)).toEqual(
      Object.keys(t.world.before['ece-a']!.deployments[DEFAULT_IDS.a815]!.keystore),
    );
  });
});
