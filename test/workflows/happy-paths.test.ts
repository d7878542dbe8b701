import { CONNECT_API_KEY, CONNECT_CERTIFICATE, type ConnectionResult, activitiesOf, stepsOf } from '../../domain';
import { scriptedActivities, withOverrides } from '../harness/scripted-activities';
import { useHarness, apiKeyRequest, certificateRequest, progressOf, startConnection, statuses } from './fixtures';

const h = useHarness();

describe('happy paths with scripted activities', () => {
  it('connects with the API key model: api-key and proxy-ca together, then keystore, register, restart check, verify, roles', async () => {
    const run = await startConnection(h.harness, apiKeyRequest(), { activities: withOverrides(scriptedActivities()) });
    const result = (await run.resultValue()) as ConnectionResult;

    expect(result.state).toBe('connected');
    expect(result.verification.probe).toBe('_resolve/cluster ok');
    // The plan's activities, in its order (domain/plans.ts; docs/operations.md draws it).
    expect(run.scheduled()).toEqual(activitiesOf(CONNECT_API_KEY));
    // The documented order's fixed points: preflight first, the key before its keystore write, verify before roles.
    const order = run.scheduled();
    expect(order[0]).toBe('preflight');
    expect(order.indexOf('writeKeystoreCredentials')).toBeGreaterThan(order.indexOf('createCrossClusterApiKey'));
    expect(order.indexOf('reloadSecureSettings')).toBeGreaterThan(order.indexOf('registerRemoteCluster'));
    expect(order.indexOf('createRoles')).toBeGreaterThan(order.indexOf('verifyRemoteConnection'));
    // api-key and proxy-ca were scheduled in the same activation (in parallel).
    const [key, ca] = run.entries('activity-scheduled').slice(1, 3);
    expect([key!.activity, ca!.activity]).toEqual(['createCrossClusterApiKey', 'ensureProxyCaTrust']);
    expect(key!.at).toBe(ca!.at);
    expect(result.steps.map((s) => [s.id, s.status])).toEqual(stepsOf(CONNECT_API_KEY).map((id) => [id, 'succeeded']));
    expect(result.created.map((c) => c.kind)).toEqual(
      expect.arrayContaining(['api-key', 'proxy-ca-trust', 'keystore-secret', 'remote-cluster-settings', 'role']),
    );
    const progress = await progressOf(run);
    expect(progress.state).toBe('connected');
    expect(progress.endedAt).toBeDefined();
  });

  it('connects with the certificate model: both environments and both deployments in parallel', async () => {
    // Trusting every deployment of ece-b, so every row of the plan runs (trust-all too; the default,
    // specific deployments, skips it: test/workflows/trust-all.test.ts).
    const run = await startConnection(h.harness, certificateRequest({ deploymentTrust: 'all' }), {
      activities: withOverrides(scriptedActivities()),
    });
    const result = (await run.resultValue()) as ConnectionResult;

    expect(result.state).toBe('connected');
    // Per-side steps run once per side, in parallel (the plan's activities, in its order).
    expect(run.scheduled()).toEqual(activitiesOf(CONNECT_CERTIFICATE));
    expect(run.scheduled().filter((a) => a === 'ensurePlatformTrust')).toHaveLength(2);
    expect(run.scheduled().filter((a) => a === 'createRoles')).toHaveLength(2);
    const progress = await progressOf(run);
    expect(statuses(progress)).toEqual(Object.fromEntries(stepsOf(CONNECT_CERTIFICATE).map((id) => [id, 'succeeded'])));
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
