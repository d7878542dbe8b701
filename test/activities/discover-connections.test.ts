import { type SideStepInput, type StepInput } from '../../domain/activities';
import { connectionId } from '../../domain/connection-request';
import { type ConnectionInventory, type DiscoveryFilter, type ManagedConnection } from '../../domain/inventory';
import { createActivities } from '../../activities';
import { invalidateApiKeys } from '../../activities/elasticsearch/api-keys';
import { putPersistentSettings } from '../../activities/elasticsearch/cluster';
import { remoteSettingKeys } from '../../activities/marks';
import {
  DEFAULT_IDS,
  type Harness,
  TEST_TIMING,
  apiKeyRequest,
  certificateRequest,
  runPreflight,
  startHarness,
} from './support/harness';

let h: Harness;
let discover: (filter: DiscoveryFilter) => Promise<ConnectionInventory>;
beforeAll(async () => {
  h = await startHarness();
  const activities = createActivities({ registry: h.registry, sealer: h.sealer, timing: TEST_TIMING });
  discover = (filter) => h.environment().run(activities.discoverConnections, filter);
});
afterAll(() => h.close());

async function input(request: StepInput['request']): Promise<StepInput> {
  return { connectionId: connectionId(request), request, preflight: await runPreflight(h, request) };
}

/** The plaintext keys the tests created, to prove none reaches the inventory. */
const secrets: string[] = [];

/** Every step of the API key model, as the workflow runs them. */
async function connectApiKey(overrides: Parameters<typeof apiKeyRequest>[0] = {}): Promise<StepInput> {
  const i = await input(apiKeyRequest(overrides));
  const key = await h.run('createCrossClusterApiKey', i);
  const encoded = h.sealer.unseal(key.sealedEncoded!, i.connectionId);
  secrets.push(encoded, Buffer.from(encoded, 'base64').toString().split(':')[1]!);
  await h.run('ensureProxyCaTrust', i);
  await h.run('writeKeystoreCredentials', { ...i, apiKey: key });
  await h.run('registerRemoteCluster', i);
  await h.run('reloadSecureSettings', i);
  await h.run('verifyRemoteConnection', i);
  await h.run('createRoles', { ...i, side: 'local' });
  return i;
}

async function connectCertificate(): Promise<StepInput> {
  const i = await input(certificateRequest({ remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 } }));
  const local: SideStepInput = { ...i, side: 'local' };
  const remote: SideStepInput = { ...i, side: 'remote' };
  const [a, b] = [await h.run('ensurePlatformTrust', local), await h.run('ensurePlatformTrust', remote)];
  await h.run('ensureDeploymentTrust', { ...local, trustRelationshipId: a.trustRelationshipId });
  await h.run('ensureDeploymentTrust', { ...remote, trustRelationshipId: b.trustRelationshipId });
  await h.run('registerRemoteCluster', i);
  await h.run('verifyRemoteConnection', i);
  await h.run('createRoles', local);
  await h.run('createRoles', remote);
  return i;
}

function find(inv: ConnectionInventory, id: string): ManagedConnection {
  const c = inv.connections.find((x) => x.connectionId === id);
  if (!c) throw new Error(`${id} not discovered (found ${inv.connections.map((x) => x.connectionId).join(', ')})`);
  return c;
}

describe('discoverConnections', () => {
  it('lists an API key connection after a real connect: model, alias, remote, access, key, run, health', async () => {
    const i = await connectApiKey();
    const inv = await discover({});
    const c = find(inv, i.connectionId);
    expect(c).toMatchObject({
      alias: i.request.alias,
      model: 'api_key',
      local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a9, version: '9.1.3' },
      remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b9, endpoint: i.preflight.remote.endpoint },
      settings: { mode: 'proxy', proxyAddress: `${i.preflight.remote.endpoint}:9443`, skipUnavailable: true },
      keystoreCredentials: true,
      health: { status: 'connected', causes: [], remoteInfo: { connected: true, clusterCredentials: true } },
    });
    expect(c.settings).toEqual({ ...c.expected, skipUnavailable: true });
    expect(c.health.probe).toEqual({ connected: true });
    expect(c.keys).toHaveLength(1);
    expect(c.keys[0]).toMatchObject({
      active: true,
      invalidated: false,
      access: { search: [{ names: ['logs-*'] }] },
      createdBy: { workflowId: 'test', runId: '00000000-0000-0000-0000-000000000000' },
    });
    expect(Date.parse(c.keys[0]!.createdAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(c.marks.map((m) => m.kind).sort()).toEqual(['api-key', 'role']);
    expect(c.roles).toEqual([{ environment: 'ece-a', deploymentId: DEFAULT_IDS.a9, name: i.request.roles[0]!.name }]);
    expect(inv.environments.map((e) => e.name).sort()).toEqual(['ece-a', 'ece-b']);
    expect(inv.errors).toEqual([]);
    // Nothing secret: neither the encoded key nor its secret part.
    for (const secret of secrets) expect(JSON.stringify(inv)).not.toContain(secret);
  });

  it('reports a key expiry, and the key is listed with it', async () => {
    const i = await connectApiKey({ apiKeyExpiration: '3d' });
    const c = find(await discover({}), i.connectionId);
    const expires = Date.parse(c.keys[0]!.expiresAt ?? '');
    expect(expires - Date.now()).toBeGreaterThan(2.9 * 86_400_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(3 * 86_400_000);
  });

  it('an invalidated key makes the connection broken, with the verify diagnosis', async () => {
    const i = await connectApiKey();
    const remote = h.registry.elasticsearch('ece-b', DEFAULT_IDS.b9, i.preflight.remote.esUrl);
    const c0 = find(await discover({}), i.connectionId);
    await invalidateApiKeys(remote, [c0.keys[0]!.id]);
    const c = find(await discover({}), i.connectionId);
    expect(c.health.status).toBe('broken');
    expect(c.health.causes[0]).toContain('key invalid');
    expect(c.keys[0]).toMatchObject({ active: false, invalidated: true });
  });

  it('a removed remote setting leaves a broken connection found from its marks', async () => {
    const i = await connectApiKey();
    const local = h.registry.elasticsearch('ece-a', DEFAULT_IDS.a9, i.preflight.local.esUrl);
    await putPersistentSettings(local, Object.fromEntries(remoteSettingKeys(i.request.alias).map((k) => [k, null])));
    const c = find(await discover({}), i.connectionId);
    expect(c.settings).toBeUndefined();
    expect(c.health.status).toBe('broken');
    expect(c.health.causes).toEqual([
      `the alias is not registered on the local cluster (cluster.remote.${i.request.alias} settings are missing)`,
    ]);
  });

  it('a changed proxy port degrades nothing silently: broken with the wrong-port cause', async () => {
    const i = await connectApiKey();
    const local = h.registry.elasticsearch('ece-a', DEFAULT_IDS.a9, i.preflight.local.esUrl);
    await putPersistentSettings(local, {
      [`cluster.remote.${i.request.alias}.proxy_address`]: `${i.preflight.remote.endpoint}:9400`,
    });
    const c = find(await discover({}), i.connectionId);
    expect(c.health.status).toBe('broken');
    expect(c.health.causes[0]).toContain('wrong port: proxy_address is');
    expect(c.settings?.proxyAddress).not.toBe(c.expected?.proxyAddress);
  });

  it('lists a certificate connection with deployment trust both ways', async () => {
    const i = await connectCertificate();
    const c = find(await discover({}), i.connectionId);
    expect(c).toMatchObject({
      model: 'certificate',
      alias: i.request.alias,
      remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 },
      deploymentTrust: { local: true, remote: true },
      keys: [],
      health: { status: 'connected', causes: [] },
    });
    expect(c.marks.map((m) => m.kind)).toContain('role');
    expect(c.roles.map((r) => r.environment).sort()).toEqual(['ece-a', 'ece-b']);
  });

  it('lists a pre-existing remote cluster without any crosslink mark as unmanaged, never as a connection', async () => {
    const inv = await discover({});
    expect(inv.unmanaged).toContainEqual({
      environment: 'ece-a',
      deploymentId: DEFAULT_IDS.a815,
      alias: 'legacy-remote',
      mode: 'sniff',
      address: '10.20.30.40:9300',
    });
    expect(inv.connections.map((c) => c.alias)).not.toContain('legacy-remote');
  });

  it('filters by deployment on either side', async () => {
    const byRemote = await discover({ deploymentId: DEFAULT_IDS.b815 });
    expect(byRemote.connections.length).toBeGreaterThan(0);
    expect(byRemote.connections.every((c) => c.remote?.deploymentId === DEFAULT_IDS.b815)).toBe(true);
    const other = await discover({ environment: 'ece-a', deploymentId: DEFAULT_IDS.a813 });
    expect(other.connections).toEqual([]);
    expect(other.unmanaged).toEqual([]);
  });
});
