import { type ConnectionResult } from '../../domain';
import { scriptedActivities, withOverrides } from '../harness/scripted-activities';
import { useHarness, apiKeyRequest, certificateRequest, progressOf, startConnection, statuses } from './fixtures';

const h = useHarness();

describe('happy paths with scripted activities', () => {
  it('connects with the API key model: api-key and proxy-ca together, then keystore, register, restart check, verify, roles', async () => {
    const run = await startConnection(h.harness, apiKeyRequest(), { activities: withOverrides(scriptedActivities()) });
    const result = (await run.resultValue()) as ConnectionResult;

    expect(result.state).toBe('connected');
    expect(result.verification.probe).toBe('_resolve/cluster ok');
    expect(run.scheduled()).toEqual([
      'preflight',
      'createCrossClusterApiKey',
      'ensureProxyCaTrust',
      'writeKeystoreCredentials',
      'registerRemoteCluster',
      'reloadSecureSettings',
      'verifyRemoteConnection',
      'createRoles',
    ]);
    // api-key and proxy-ca were scheduled in the same activation (in parallel).
    const [key, ca] = run.entries('activity-scheduled').slice(1, 3);
    expect(key!.at).toBe(ca!.at);
    expect(result.steps.map((s) => [s.id, s.status])).toEqual([
      ['preflight', 'succeeded'],
      ['api-key', 'succeeded'],
      ['proxy-ca', 'succeeded'],
      ['keystore', 'succeeded'],
      ['register-remote', 'succeeded'],
      ['restart', 'succeeded'],
      ['verify', 'succeeded'],
      ['roles', 'succeeded'],
    ]);
    expect(result.created.map((c) => c.kind)).toEqual([
      'api-key',
      'proxy-ca-trust',
      'keystore-secret',
      'remote-cluster-settings',
      'role',
    ]);
    const progress = await progressOf(run);
    expect(progress.state).toBe('connected');
    expect(progress.endedAt).toBeDefined();
  });

  it('connects with the certificate model: both environments and both deployments in parallel', async () => {
    const run = await startConnection(h.harness, certificateRequest(), {
      activities: withOverrides(scriptedActivities()),
    });
    const result = (await run.resultValue()) as ConnectionResult;

    expect(result.state).toBe('connected');
    expect(run.scheduled()).toEqual([
      'preflight',
      'ensurePlatformTrust',
      'ensurePlatformTrust',
      'ensureDeploymentTrust',
      'ensureDeploymentTrust',
      'registerRemoteCluster',
      'verifyRemoteConnection',
      'createRoles',
      'createRoles',
    ]);
    const progress = await progressOf(run);
    expect(statuses(progress)).toEqual({
      preflight: 'succeeded',
      'platform-trust': 'succeeded',
      // Specific deployments (the default): trust-all does not apply.
      'trust-all': 'skipped',
      'deployment-trust': 'succeeded',
      'register-remote': 'succeeded',
      verify: 'succeeded',
      roles: 'succeeded',
    });
    expect(progress.steps.find((s) => s.id === 'platform-trust')!.attempts).toBe(2);
  });

  it('shows steps that do not apply as skipped, with the reason', async () => {
    const run = await startConnection(h.harness, apiKeyRequest({ roles: [] }), {
      activities: withOverrides(scriptedActivities({ privateProxyCa: false })),
    });
    await run.resultValue();
    const progress = await progressOf(run);
    expect(statuses(progress)).toMatchObject({ 'proxy-ca': 'skipped', roles: 'skipped' });
    expect(progress.steps.find((s) => s.id === 'proxy-ca')!.detail).toBe(
      'the remote proxy root CA (CN=proxy root) is publicly trusted',
    );
    expect(progress.steps.find((s) => s.id === 'roles')!.detail).toBe('the request names no roles');
    expect(run.scheduled()).not.toContain('ensureProxyCaTrust');
  });
});
