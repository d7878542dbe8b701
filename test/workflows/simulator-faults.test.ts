/**
 * Faults injected into the simulator: a permanent fault at each mutating step rolls both
 * environments back to exactly the pre-run state; a transient fault is retried and the run connects.
 */
import { type ConnectionRequest, FailureType } from '../../domain';
import { DEFAULT_IDS, type FaultSpec } from '../../simulator/api';
import { apiKeyRequest, certificateRequest, failureProgress, startConnection } from './fixtures';
import { useSimulatorWorld } from './simulator-world';

const t = useSimulatorWorld();

const ref = (environment: string, deploymentId: string) => ({ environment, deploymentId });
const forbidden = (route: FaultSpec['route'], where: Partial<FaultSpec> = {}): FaultSpec =>
  ({ route, kind: 'status', status: 403, message: 'injected: privilege missing', times: 1, ...where }) as FaultSpec;

const apiKey = () => apiKeyRequest({ local: ref('ece-a', DEFAULT_IDS.a815), remote: ref('ece-b', DEFAULT_IDS.b9) });
const apiKey813 = () =>
  apiKeyRequest({
    local: ref('ece-a', DEFAULT_IDS.a813),
    remote: ref('ece-b', DEFAULT_IDS.b815),
    allowBetaApiKeyModel: true,
    roles: [],
  });
const certificate = () =>
  certificateRequest({ local: ref('ece-a', DEFAULT_IDS.a815), remote: ref('ece-b', DEFAULT_IDS.b815) });

describe('a permanent fault at each mutating step rolls back to the pre-run state', () => {
  it.each<[string, () => ConnectionRequest, FaultSpec, string]>([
    [
      'api-key',
      apiKey,
      forbidden('security.create_cross_cluster_api_key', { deploymentId: DEFAULT_IDS.b9 }),
      'api-key',
    ],
    ['proxy-ca', apiKey, forbidden('update-deployment', { deploymentId: DEFAULT_IDS.a815 }), 'proxy-ca'],
    ['keystore', apiKey, forbidden('set-deployment-es-resource-keystore'), 'keystore'],
    [
      'register-remote',
      apiKey,
      forbidden('cluster.put_settings', { deploymentId: DEFAULT_IDS.a815 }),
      'register-remote',
    ],
    ['verify (probe)', apiKey, forbidden('indices.resolve_cluster'), 'verify'],
    ['roles (API key)', apiKey, forbidden('security.put_role'), 'roles'],
    ['restart (8.13)', apiKey813, forbidden('restart-deployment-es-resource'), 'restart'],
    ['platform-trust', certificate, forbidden('create-trust-relationship', { environment: 'ece-b' }), 'platform-trust'],
    [
      'deployment-trust',
      certificate,
      forbidden('update-deployment', { deploymentId: DEFAULT_IDS.b815 }),
      'deployment-trust',
    ],
    ['register-remote (certificate)', certificate, forbidden('cluster.put_settings'), 'register-remote'],
    [
      'roles (certificate, remote side)',
      certificate,
      forbidden('security.put_role', { deploymentId: DEFAULT_IDS.b815 }),
      'roles',
    ],
  ])('%s', async (_name, request, fault, step) => {
    t.world.simulator.inject(fault);
    const run = await startConnection(t.harness, request(), { activities: t.world.activities });
    const outcome = await run.outcome();
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'failed') return;
    const progress = failureProgress(outcome.failure);
    expect(progress.compensationFailures).toEqual([]);
    expect(progress.state).toBe('rolled-back');
    expect(progress.reason).toMatchObject({ type: FailureType.Forbidden, step });
    expect(outcome.failure).toMatchObject({ type: FailureType.Forbidden, nonRetryable: true });
    expect(t.world.state()).toEqual(t.world.before);
  });

  it('a lost response (change applied, answer dropped) is retried, and a later failure still undoes it', async () => {
    t.world.simulator.inject(
      { route: 'cluster.put_settings', deploymentId: DEFAULT_IDS.a815, kind: 'drop-response', times: 1 },
      forbidden('security.put_role'),
    );
    const run = await startConnection(t.harness, apiKey(), { activities: t.world.activities });
    await expect(run.resultValue()).rejects.toMatchObject({ type: FailureType.Forbidden });
    expect(t.world.state()).toEqual(t.world.before);
  });
});

describe('transient faults', () => {
  it('are retried and the run connects', async () => {
    t.world.simulator.inject(
      { route: 'cluster.put_settings', deploymentId: DEFAULT_IDS.a815, kind: 'status', status: 503, times: 2 },
      { route: 'security.create_cross_cluster_api_key', kind: 'status', status: 429, times: 1 },
    );
    const run = await startConnection(t.harness, apiKey(), { activities: t.world.activities });
    await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
    const register = run.entries('activity-attempt').filter((a) => a.activity === 'registerRemoteCluster');
    expect(register.map((a) => a.outcome)).toEqual(['failed', 'failed', 'completed']);
    expect(register.slice(0, 2).every((a) => a.failureType === FailureType.Transient)).toBe(true);
    expect(t.world.state()['ece-a']!.deployments[DEFAULT_IDS.a815]!.persistentSettings).toMatchObject({
      'cluster.remote.logs-b.mode': 'proxy',
    });
  });
});
