import { type StepInput, preflightFacts } from '../../domain/activities';
import { connectionId } from '../../domain/connection-request';
import { type ApiKeyRecord, type PreflightResult } from '../../domain/records';
import { comparableState } from '../../simulator/api';
import { apiKeyName, proxyCaEntryName } from '../../activities/marks';
import { restartElasticsearchResource } from '../../activities/ece/restart';
import { DEFAULT_IDS, type Harness, apiKeyRequest, failureOf, runPreflight, startHarness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const state = () => comparableState(h.sim.snapshot());
const dep = (env: string, id: string) => h.sim.snapshot()[env]!.deployments[id]!;

async function stepInput(
  overrides: Parameters<typeof apiKeyRequest>[0] = {},
): Promise<StepInput & { steps: PreflightResult['steps'] }> {
  const request = apiKeyRequest(overrides);
  const preflight = await runPreflight(h, request);
  // As the workflow passes it: preflight's facts; the step decisions kept apart for the assertions.
  return { connectionId: connectionId(request), request, preflight: preflightFacts(preflight), steps: preflight.steps };
}

describe('API key model, 9.x local to 9.x remote with a private proxy CA', () => {
  it('connects step by step, and every undo restores the state before its step', async () => {
    const input = await stepInput();
    const { alias } = input.request;
    const local = DEFAULT_IDS.a9;
    const remote = DEFAULT_IDS.b9;
    expect(input.preflight.proxyCa?.private).toBe(true);
    expect(input.preflight.restartExpected).toBe(false);
    const applies = Object.fromEntries(input.steps.map((s) => [s.id, s.applies]));
    expect(applies).toMatchObject({
      'api-key': true,
      'proxy-ca': true,
      keystore: true,
      roles: true,
    });
    // Only the API key connect's rows are decided: no certificate or migration row rides along.
    expect(Object.keys(applies)).not.toContain('platform-trust');
    expect(Object.keys(applies)).not.toContain('pause-replication');

    const before: Record<string, ReturnType<typeof state>> = {};
    before.apiKey = state();
    const key: ApiKeyRecord = await h.run('createCrossClusterApiKey', input);
    expect(key.attempt).toBe(1);
    expect(key.created).toEqual([expect.objectContaining({ kind: 'api-key', id: key.keyId })]);
    const keys = dep('ece-b', remote).apiKeys.filter((k) => k.name === apiKeyName(alias, input.connectionId));
    expect(keys).toEqual([
      expect.objectContaining({
        id: key.keyId,
        type: 'cross_cluster',
        invalidated: false,
        metadata: {
          crosslink: {
            connection_id: input.connectionId,
            local_deployment: local,
            alias,
            workflow_id: 'test',
            run_id: expect.any(String),
          },
        },
      }),
    ]);

    before.proxyCa = state();
    const ca = await h.run('ensureProxyCaTrust', input);
    expect(ca.created).toHaveLength(1);
    const direct = (dep('ece-a', local).trust.direct as Array<Record<string, unknown>>) ?? [];
    expect(direct).toEqual([
      expect.objectContaining({
        type: 'proxy',
        name: proxyCaEntryName('ece-b', input.connectionId),
        trust_all: false,
      }),
    ]);

    before.keystore = state();
    await h.run('writeKeystoreCredentials', { ...input, apiKey: key });
    expect(dep('ece-a', local).keystore[`cluster.remote.${alias}.credentials`]).toEqual({ as_file: false });

    before.register = state();
    await h.run('registerRemoteCluster', input);
    const endpoint = input.preflight.remote.endpoint;
    expect(dep('ece-a', local).persistentSettings).toMatchObject({
      [`cluster.remote.${alias}.mode`]: 'proxy',
      [`cluster.remote.${alias}.proxy_address`]: `${endpoint}:9443`,
      [`cluster.remote.${alias}.server_name`]: endpoint,
      [`cluster.remote.${alias}.skip_unavailable`]: true,
    });

    const reload = await h.run('reloadSecureSettings', input);
    expect(reload).toMatchObject({ loaded: true, via: 'automatic', created: [] });

    const verified = await h.run('verifyRemoteConnection', input);
    expect(verified).toMatchObject({
      connected: true,
      model: 'api_key',
      proxyAddress: `${endpoint}:9443`,
      serverName: endpoint,
    });

    before.roles = state();
    const roles = await h.run('createRoles', { ...input, side: 'local' });
    const roleName = input.request.roles[0]!.name;
    expect(roles.created).toEqual([expect.objectContaining({ kind: 'role', id: roleName })]);
    expect(dep('ece-a', local).roles[roleName]).toMatchObject({
      metadata: { crosslink_connection_id: input.connectionId },
    });
    expect((await h.run('createRoles', { ...input, side: 'remote' })).created).toEqual([]);

    // Rollback, newest first: each undo returns exactly to the snapshot before its step.
    await h.run('deleteRoles', { ...input, side: 'local' });
    expect(state()).toEqual(before.roles);
    await h.run('unregisterRemoteCluster', input);
    expect(state()).toEqual(before.register);
    await h.run('removeKeystoreCredentials', input);
    expect(state()).toEqual(before.keystore);
    await h.run('removeProxyCaTrust', input);
    expect(state()).toEqual(before.proxyCa);
    const undo = await h.run('invalidateCrossClusterApiKey', input);
    expect(undo.removed.map((r) => r.id)).toEqual([key.keyId]);
    expect(state()).toEqual(before.apiKey);

    // Undos are idempotent: nothing left, nothing touched.
    for (const name of [
      'unregisterRemoteCluster',
      'removeKeystoreCredentials',
      'removeProxyCaTrust',
      'invalidateCrossClusterApiKey',
    ] as const) {
      expect((await h.run(name, input)).removed).toEqual([]);
    }
    expect((await h.run('deleteRoles', { ...input, side: 'local' })).removed).toEqual([]);
    expect(state()).toEqual(before.apiKey);
  });
});

describe('idempotency', () => {
  it('each mutating step run twice leaves the state of one run; a lost create response leaves one active key', async () => {
    const input = await stepInput();
    const name = apiKeyName(input.request.alias, input.connectionId);
    const activeKeys = () => dep('ece-b', DEFAULT_IDS.b9).apiKeys.filter((k) => k.name === name && !k.invalidated);

    h.sim.inject({ route: 'security.create_cross_cluster_api_key', kind: 'drop-response' });
    const lost = await failureOf(h.run('createCrossClusterApiKey', input));
    expect(lost).toMatchObject({ type: 'Transient', nonRetryable: false });
    expect(activeKeys()).toHaveLength(1);
    const key = await h.run('createCrossClusterApiKey', input, { attempt: 2 });
    expect(key.attempt).toBe(2);
    expect(activeKeys().map((k) => k.id)).toEqual([key.keyId]);

    h.sim.inject({ route: 'update-deployment', kind: 'drop-response' });
    expect(await failureOf(h.run('ensureProxyCaTrust', input))).toMatchObject({ type: 'Transient' });
    await h.run('ensureProxyCaTrust', input, { attempt: 2 });
    await h.run('ensureProxyCaTrust', input, { attempt: 3 });
    expect(dep('ece-a', DEFAULT_IDS.a9).trust.direct).toHaveLength(1);

    h.sim.inject({ route: 'set-deployment-es-resource-keystore', kind: 'drop-response' });
    await failureOf(h.run('writeKeystoreCredentials', { ...input, apiKey: key }));
    await h.run('writeKeystoreCredentials', { ...input, apiKey: key });
    const afterKeystore = state();
    await h.run('writeKeystoreCredentials', { ...input, apiKey: key });
    expect(state()).toEqual(afterKeystore);

    h.sim.inject({ route: 'cluster.put_settings', kind: 'drop-response' });
    await failureOf(h.run('registerRemoteCluster', input));
    await h.run('registerRemoteCluster', input);
    const afterRegister = state();
    await h.run('registerRemoteCluster', input);
    expect(state()).toEqual(afterRegister);

    h.sim.inject({ route: 'security.put_role', kind: 'drop-response' });
    await failureOf(h.run('createRoles', { ...input, side: 'local' }));
    await h.run('createRoles', { ...input, side: 'local' });
    const afterRoles = state();
    await h.run('createRoles', { ...input, side: 'local' });
    expect(state()).toEqual(afterRoles);
    expect((await h.run('verifyRemoteConnection', input)).connected).toBe(true);

    // Undo after lost responses too.
    h.sim.inject({ route: 'security.invalidate_api_key', kind: 'drop-response' });
    await failureOf(h.run('invalidateCrossClusterApiKey', input));
    expect(activeKeys()).toEqual([]);
    expect((await h.run('invalidateCrossClusterApiKey', input)).removed).toEqual([]);
    for (const name of ['deleteRoles'] as const) await h.run(name, { ...input, side: 'local' });
    await h.run('unregisterRemoteCluster', input);
    await h.run('removeKeystoreCredentials', input);
    await h.run('removeProxyCaTrust', input);
  });
});

describe('pre-existing objects on a8150000000000000000000000000002 are never touched', () => {
  it('a full run and its rollback leave trust entries, secrets, settings and roles as they were', async () => {
    const input = await stepInput({
      local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 },
      remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 },
    });
    const original = state();
    const legacy = dep('ece-a', DEFAULT_IDS.a815);
    expect(input.preflight.local.trustBefore.external).toHaveLength(1);

    const key = await h.run('createCrossClusterApiKey', input);
    await h.run('ensureProxyCaTrust', input);
    await h.run('writeKeystoreCredentials', { ...input, apiKey: key });
    await h.run('registerRemoteCluster', input);
    expect((await h.run('verifyRemoteConnection', input)).connected).toBe(true);
    await h.run('createRoles', { ...input, side: 'local' });

    const during = dep('ece-a', DEFAULT_IDS.a815);
    expect(during.trust.accounts).toEqual(legacy.trust.accounts);
    expect(during.trust.external).toEqual(legacy.trust.external);
    expect((during.trust.direct as unknown[])[0]).toEqual((legacy.trust.direct as unknown[])[0]);
    expect(during.keystore['s3.client.default.secret_key']).toEqual(legacy.keystore['s3.client.default.secret_key']);
    expect(during.roles.analyst).toEqual(legacy.roles.analyst);

    await h.run('deleteRoles', { ...input, side: 'local' });
    await h.run('unregisterRemoteCluster', input);
    await h.run('removeKeystoreCredentials', input);
    await h.run('removeProxyCaTrust', input);
    await h.run('invalidateCrossClusterApiKey', input);
    expect(state()).toEqual(original);
  });
});

describe('8.13 local (beta API key model): the keystore needs a restart', () => {
  it('reload does not load the credentials, restart does, with heartbeats while the plan runs', async () => {
    const input = await stepInput({
      local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a813 },
      remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 },
      allowBetaApiKeyModel: true,
      roles: [], // the keystore is what these tests are about
    });
    expect(input.preflight.restartExpected).toBe(true);
    expect(input.steps.find((s) => s.id === 'restart')?.reason).toContain('does not reload');
    const key = await h.run('createCrossClusterApiKey', input);
    await h.run('ensureProxyCaTrust', input);
    await h.run('writeKeystoreCredentials', { ...input, apiKey: key });
    await h.run('registerRemoteCluster', input);

    const reload = await h.run('reloadSecureSettings', input);
    expect(reload).toMatchObject({ loaded: false, via: 'not-loaded' });

    h.transcript.heartbeats.length = 0;
    const restart = await h.run('restartElasticsearch', input);
    expect(restart).toMatchObject({ loaded: true, via: 'restart' });
    expect(restart.created).toEqual([expect.objectContaining({ kind: 'restart' })]);
    expect(h.transcript.heartbeats.length).toBeGreaterThan(0);
    expect(dep('ece-a', DEFAULT_IDS.a813).plans.filter((p) => p.kind === 'restart')).toHaveLength(1);

    // A retry after the restart finds the credentials loaded and does not restart again.
    expect(await h.run('restartElasticsearch', input, { attempt: 2 })).toMatchObject({
      loaded: true,
      via: 'automatic',
    });
    expect(dep('ece-a', DEFAULT_IDS.a813).plans.filter((p) => p.kind === 'restart')).toHaveLength(1);
    expect((await h.run('verifyRemoteConnection', input)).connected).toBe(true);

    await h.run('unregisterRemoteCluster', input);
    await h.run('removeKeystoreCredentials', input);
    await h.run('removeProxyCaTrust', input);
    await h.run('invalidateCrossClusterApiKey', input);
  });

  it('a restart whose response was lost is not repeated', async () => {
    const input = await stepInput({
      local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a813 },
      remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 },
      allowBetaApiKeyModel: true,
      roles: [], // the keystore is what these tests are about
    });
    const key = await h.run('createCrossClusterApiKey', input);
    await h.run('ensureProxyCaTrust', input);
    await h.run('writeKeystoreCredentials', { ...input, apiKey: key });
    await h.run('registerRemoteCluster', input);
    const restarts = () => dep('ece-a', DEFAULT_IDS.a813).plans.filter((p) => p.kind === 'restart').length;
    const before = restarts();
    h.sim.inject({ route: 'restart-deployment-es-resource', kind: 'drop-response' });
    expect(await failureOf(h.run('restartElasticsearch', input))).toMatchObject({ type: 'Transient' });
    expect(await h.run('restartElasticsearch', input, { attempt: 2 })).toMatchObject({
      loaded: true,
      via: 'restart',
      attempt: 2,
    });
    expect(restarts()).toBe(before + 1);
    await h.run('unregisterRemoteCluster', input);
    await h.run('removeKeystoreCredentials', input);
    await h.run('removeProxyCaTrust', input);
    await h.run('invalidateCrossClusterApiKey', input);
  });

  it('restart waits out another pending plan (422) instead of cancelling it', async () => {
    const input = await stepInput({
      local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a813 },
      remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 },
      allowBetaApiKeyModel: true,
      roles: [], // the keystore is what these tests are about
    });
    await h.run('registerRemoteCluster', input);
    // Someone else's plan is running when crosslink asks for its restart.
    await restartElasticsearchResource(h.registry.ece('ece-a'), DEFAULT_IDS.a813, 'main-elasticsearch');
    // And one more plan starts between crosslink's read and its POST: ECE answers 422.
    h.sim.inject({
      route: 'restart-deployment-es-resource',
      kind: 'status',
      status: 422,
      code: 'deployments.deployment_resource_plan_change_error',
    });
    const plansBefore = dep('ece-a', DEFAULT_IDS.a813).plans.length;
    const report = await h.run('restartElasticsearch', input);
    expect(report.via).toBe('not-loaded'); // no key in the keystore: the restart itself went through
    const plans = dep('ece-a', DEFAULT_IDS.a813).plans.slice(plansBefore - 1);
    expect(plans.map((p) => [p.kind, p.status])).toEqual([
      ['restart', 'success'],
      ['restart', 'success'],
    ]);
    expect(h.sim.calls.some((c) => c.route === 'restart-deployment-es-resource' && c.status === 422)).toBe(true);
    await h.run('unregisterRemoteCluster', input);
  });
});
