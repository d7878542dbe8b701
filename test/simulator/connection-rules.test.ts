/**
 * The connection rules (docs/sources.md §7, §10, §11): each missing ingredient leaves the alias
 * disconnected with the reason Elasticsearch would give; all of them present connects.
 * State is set up through the HTTP APIs. The API-key cases share one simulator (each its own alias;
 * the local deployment trusts ece-b's proxy CA once); the others start from a fresh default topology.
 */
import {
  aliasState,
  createCrossClusterKey,
  esResource,
  platformTrust,
  proxyRoot,
  putKeystoreCredential,
  registerRemote,
  trustExternal,
  trustProxyCa,
  updateTrust,
  type Side,
} from './connect';
import { DEFAULT_IDS, planSettled, startClients, type Clients } from './fixtures';

let c: Clients;
const fresh = () => {
  beforeEach(async () => {
    c = await startClients({ planDurationMs: 30 });
  });
  afterEach(() => c.close());
};

const a9: Side = { env: 'ece-a', id: DEFAULT_IDS.a9 };
const b9: Side = { env: 'ece-b', id: DEFAULT_IDS.b9 };
const b815: Side = { env: 'ece-b', id: DEFAULT_IDS.b815 };
const a815: Side = { env: 'ece-a', id: DEFAULT_IDS.a815 };

describe('API key model (local ece-a, remote ece-b with a private proxy CA)', () => {
  beforeAll(async () => {
    c = await startClients({ planDurationMs: 30 });
    await trustProxyCa(c, a9, 'ece-b');
  });
  afterAll(() => c.close());

  /** The ingredient left out (or spoiled). */
  type Omit =
    | 'none'
    | 'proxy-ca'
    | 'keystore'
    | 'proxy-mode'
    | 'port-9443'
    | 'server-name'
    | 'active-key'
    | 'unexpired-key'
    | 'cross-cluster-type'
    | 'key-of-that-remote';

  /** Local a9 (trusts ece-b's proxy CA), or a815 (does not) for the 'proxy-ca' case; one alias per case. */
  async function setUp(omit: Omit) {
    const local = omit === 'proxy-ca' ? a815 : a9;
    const alias = `logs-${omit}`;
    const key =
      omit === 'unexpired-key'
        ? await createCrossClusterKey(c, b9, 'short-lived', { expiration: '1ms' })
        : omit === 'key-of-that-remote'
          ? await createCrossClusterKey(c, b815)
          : await createCrossClusterKey(c, b9);
    const credential =
      omit === 'cross-cluster-type' ? c.sim.secrets['ece-b']![b9.id]!.apiKeys[0]!.encoded : key.encoded;
    if (omit !== 'keystore') await putKeystoreCredential(c, local, alias, credential);
    await registerRemote(c, local, alias, b9, {
      mode: omit === 'proxy-mode' ? 'sniff' : 'proxy',
      port: omit === 'port-9443' ? 9400 : 9443,
      serverName: omit === 'server-name' ? 'wrong.example' : undefined,
    });
    if (omit === 'active-key') {
      const res = await c.es('ece-b', b9.id, 'DELETE', '/_security/api_key', { ids: [key.id] });
      expect(res.body.invalidated_api_keys).toEqual([key.id]);
    }
    return aliasState(c, local, alias);
  }

  test('all ingredients: connected, with cluster_credentials', async () => {
    const { info, resolved } = await setUp('none');
    expect(info).toMatchObject({ connected: true, mode: 'proxy', cluster_credentials: '::es_redacted::' });
    expect(info.num_proxy_sockets_connected).toBeGreaterThan(0);
    expect(resolved).toMatchObject({ connected: true, version: { number: '9.1.3' } });
  });

  test.each<[Omit, string]>([
    ['proxy-ca', 'failed to establish trust with server'],
    ['keystore', 'Make sure you have configured remote cluster credentials'],
    ['proxy-mode', 'connect_exception'],
    ['port-9443', 'requires channel profile to be [_remote_cluster]'],
    ['server-name', 'server name'],
    ['active-key', 'unable to authenticate'],
    ['unexpired-key', 'unable to authenticate'],
    ['cross-cluster-type', 'authentication expected API key type of [cross_cluster]'],
    ['key-of-that-remote', 'unable to authenticate'],
  ])('without %s: disconnected (%s)', async (omit, reason) => {
    const { info, resolved } = await setUp(omit);
    expect(info.connected).toBe(false);
    expect(resolved.connected).toBe(false);
    expect(resolved.error).toContain(reason);
    expect('cluster_credentials' in info).toBe(omit !== 'keystore' && omit !== 'proxy-mode');
  });
});

describe('API key model, one fresh simulator per case', () => {
  fresh();

  test('a public remote proxy CA needs no trust entry', async () => {
    const remote: Side = { env: 'ece-a', id: DEFAULT_IDS.a9 };
    const local = b9;
    const key = await createCrossClusterKey(c, remote);
    await putKeystoreCredential(c, local, 'search', key.encoded);
    await registerRemote(c, local, 'search', remote);
    expect((await aliasState(c, local, 'search')).info.connected).toBe(true);
  });

  test('the proxy CA trust counts only once its plan completed; a failed plan restores the old trust', async () => {
    const key = await createCrossClusterKey(c, b9);
    await putKeystoreCredential(c, a9, 'logs', key.encoded);
    await registerRemote(c, a9, 'logs', b9);
    c.sim.failNextPlan('ece-a', a9.id, 'allocator out of capacity');
    const last = await trustProxyCa(c, a9, 'ece-b');
    expect(last).toMatchObject({ step_id: 'plan-completed', status: 'error' });
    expect((await esResource(c, a9)).info.settings.trust.direct).toEqual([]);
    expect((await aliasState(c, a9, 'logs')).resolved.error).toContain('failed to establish trust with server');

    // While the plan that adds the trust is pending, the nodes do not apply it yet.
    c.sim.setTiming({ planDurationMs: 2_000 });
    const pem = await proxyRoot(c, 'ece-b');
    const current = await c.ece('ece-a', 'GET', `/deployments/${a9.id}?show_settings=true`);
    const es = current.body.resources.elasticsearch[0];
    const { metadata: _m, ...settings } = es.info.settings;
    settings.trust.direct = [{ name: 'ece-b proxy', type: 'proxy', trust_all: false, certificates: [{ pem }] }];
    const put = await c.ece('ece-a', 'PUT', `/deployments/${a9.id}`, {
      prune_orphans: false,
      resources: {
        elasticsearch: [{ ref_id: es.ref_id, region: es.region, plan: es.info.plan_info.current.plan, settings }],
      },
    });
    expect(put.status).toBe(200);
    const during = await aliasState(c, a9, 'logs');
    const after = await c.ece('ece-a', 'GET', `/deployments/${a9.id}`);
    // Asserted only if the plan was still pending after the read (no dependence on machine speed).
    if (after.body.resources.elasticsearch[0].info.plan_info.pending) expect(during.info.connected).toBe(false);
    expect(await planSettled(c, 'ece-a', a9.id)).toMatchObject({ step_id: 'plan-completed', status: 'success' });
    expect((await aliasState(c, a9, 'logs')).info.connected).toBe(true);
  });

  test('an unknown remote endpoint is a connect_exception', async () => {
    await c.es('ece-a', a9.id, 'PUT', '/_cluster/settings', {
      persistent: {
        'cluster.remote.ghost.mode': 'proxy',
        'cluster.remote.ghost.proxy_address': 'nowhere.ece.local:9443',
      },
    });
    const { info, resolved } = await aliasState(c, a9, 'ghost');
    expect(info.connected).toBe(false);
    expect(resolved.error).toContain('connect_exception');
  });
});

describe('certificate model (ece-a 9.1.3 <-> ece-b 9.1.3)', () => {
  fresh();

  type Omit = 'none' | 'platform-a' | 'platform-b' | 'deployment-a' | 'deployment-b' | 'port-9400';

  async function setUp(omit: Omit) {
    const [aCluster, bCluster] = [(await esResource(c, a9)).id, (await esResource(c, b9)).id];
    const inA = omit === 'platform-a' ? undefined : await platformTrust(c, 'ece-a', 'ece-b');
    const inB = omit === 'platform-b' ? undefined : await platformTrust(c, 'ece-b', 'ece-a');
    // A deployment can only reference a relationship of its own environment; without one, reference the pre-existing one.
    const legacy = '1e9ac7000000000000000000000000c3';
    if (omit !== 'deployment-a') await trustExternal(c, a9, inA ?? legacy, bCluster);
    if (omit !== 'deployment-b' && inB) await trustExternal(c, b9, inB, aCluster);
    await registerRemote(c, a9, 'logs', b9, { port: omit === 'port-9400' ? 9443 : 9400 });
    return aliasState(c, a9, 'logs');
  }

  test('all ingredients: connected, without cluster_credentials', async () => {
    const { info, resolved } = await setUp('none');
    expect(info.connected).toBe(true);
    expect(info.cluster_credentials).toBeUndefined();
    expect(resolved.connected).toBe(true);
  });

  test.each<[Omit, string]>([
    ['platform-a', 'failed to establish trust with server'],
    ['deployment-a', 'failed to establish trust with server'],
    ['platform-b', 'bad_certificate'],
    ['deployment-b', 'bad_certificate'],
    ['port-9400', 'Make sure you have configured remote cluster credentials'],
  ])('without %s: disconnected (%s)', async (omit, reason) => {
    const { info, resolved } = await setUp(omit);
    expect(info.connected).toBe(false);
    expect(resolved.error).toContain(reason);
  });

  test('trust_all on the external entry also allows the remote cluster', async () => {
    const inA = await platformTrust(c, 'ece-a', 'ece-b');
    const inB = await platformTrust(c, 'ece-b', 'ece-a');
    await updateTrust(c, a9, (t) => (t.external = [{ trust_relationship_id: inA, trust_all: true }]));
    await updateTrust(c, b9, (t) => (t.external = [{ trust_relationship_id: inB, trust_all: true }]));
    await registerRemote(c, a9, 'logs', b9, { port: 9400 });
    expect((await aliasState(c, a9, 'logs')).info.connected).toBe(true);
  });
});
