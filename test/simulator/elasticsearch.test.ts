/** The Elasticsearch routes of each deployment: auth, API keys, cluster settings, roles, resolve. */
import { createCrossClusterKey, type Side } from './connect';
import { DEFAULT_IDS, basic, startClients, type Clients } from './fixtures';

let c: Clients;
beforeAll(async () => {
  c = await startClients({ planDurationMs: 30 });
});
afterAll(() => c.close());

const a9: Side = { env: 'ece-a', id: DEFAULT_IDS.a9 };
const es = (method: string, path: string, body?: unknown, auth?: string | null, side: Side = a9) =>
  c.es(side.env, side.id, method, path, body, auth);
const restKey = (side = a9) => `ApiKey ${c.sim.secrets[side.env]![side.id]!.apiKeys[0]!.encoded}`;

describe('authentication', () => {
  test.each([
    ['no credentials', null, 'missing authentication credentials'],
    ['a wrong password', basic('elastic', 'wrong-password'), 'unable to authenticate user [elastic]'],
    ['an unknown API key', `ApiKey ${Buffer.from('nope:nope').toString('base64')}`, 'unable to authenticate'],
  ])('%s: 401 in Elasticsearch format', async (_what, auth, reason) => {
    const res = await es('GET', '/', undefined, auth);
    expect(res.status).toBe(401);
    expect(res.body.error.type).toBe('security_exception');
    expect(res.body.error.reason).toContain(reason);
    expect(res.body.status).toBe(401);
  });

  test('the elastic user and the pre-made REST API key both work', async () => {
    expect((await es('GET', '/')).body.version.number).toBe('9.1.3');
    expect((await es('GET', '/', undefined, restKey())).status).toBe(200);
  });

  test('a cross-cluster key cannot authenticate REST calls', async () => {
    const key = await createCrossClusterKey(c, a9, 'cc-rest');
    const res = await es('GET', '/', undefined, `ApiKey ${key.encoded}`);
    expect(res.status).toBe(401);
    expect(res.body.error.reason).toContain('expected API key type of [rest]');
  });
});

describe('cross-cluster API keys', () => {
  test('create returns the secret once; get by name, id and active_only never returns it', async () => {
    const key = await createCrossClusterKey(c, a9, 'crosslink-abc', { expiration: '30d' });
    expect(Buffer.from(key.encoded, 'base64').toString()).toBe(`${key.id}:${key.api_key}`);
    const byName = await es('GET', '/_security/api_key?name=crosslink-abc');
    expect(byName.body.api_keys).toHaveLength(1);
    expect(byName.body.api_keys[0]).toMatchObject({
      id: key.id,
      name: 'crosslink-abc',
      type: 'cross_cluster',
      invalidated: false,
    });
    expect(byName.body.api_keys[0].expiration).toBeGreaterThan(Date.now());
    expect(JSON.stringify(byName.body)).not.toContain(key.api_key);
    expect((await es('GET', `/_security/api_key?id=${key.id}`)).body.api_keys[0].metadata).toEqual({
      owner: 'crosslink',
    });
    expect((await es('GET', '/_security/api_key?name=crosslink-*')).body.api_keys.length).toBeGreaterThan(0);
    expect((await es('GET', '/_security/api_key?name=nothing-here')).body.api_keys).toEqual([]);

    const inv = await es('DELETE', '/_security/api_key', { ids: [key.id] });
    expect(inv.body).toEqual({ invalidated_api_keys: [key.id], previously_invalidated_api_keys: [], error_count: 0 });
    const again = await es('DELETE', '/_security/api_key', { name: 'crosslink-abc' });
    expect(again.body).toEqual({ invalidated_api_keys: [], previously_invalidated_api_keys: [key.id], error_count: 0 });
    expect((await es('GET', '/_security/api_key?name=crosslink-abc&active_only=true')).body.api_keys).toEqual([]);
    expect((await es('GET', '/_security/api_key?name=crosslink-abc')).body.api_keys[0].invalidated).toBe(true);
  });

  test('an invalidated key stays listed, with invalidated: true, its invalidation time and its metadata (retention period)', async () => {
    const key = await createCrossClusterKey(c, a9, 'crosslink-kept', {
      metadata: { crosslink: { connection_id: 'x' } },
    });
    await es('DELETE', '/_security/api_key', { ids: [key.id] });
    const listed = (await es('GET', '/_security/api_key?name=crosslink-kept')).body.api_keys;
    expect(listed).toEqual([
      expect.objectContaining({
        id: key.id,
        invalidated: true,
        invalidation: expect.any(Number),
        metadata: { crosslink: { connection_id: 'x' } },
      }),
    ]);
    expect((await es('GET', `/_security/api_key?id=${key.id}`)).body.api_keys[0].invalidated).toBe(true);
    expect((await es('GET', '/_security/api_key?name=crosslink-kept&active_only=false')).body.api_keys).toHaveLength(1);
    expect((await es('GET', '/_security/api_key?name=crosslink-kept&active_only=true')).body.api_keys).toEqual([]);
  });

  test('creating one with an API-key credential is refused, as Elasticsearch does', async () => {
    const res = await es(
      'POST',
      '/_security/cross_cluster/api_key',
      { name: 'x', access: { search: [{ names: ['*'] }] } },
      restKey(),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.reason).toContain('An API key cannot be used to create a cross-cluster API key');
  });

  test.each([
    [{ name: 'x', access: {} }, 'must specify non-empty access'],
    [{ name: 'x', access: { search: [{ names: ['a'], privileges: ['read'] }] } }, 'unknown field [privileges]'],
    [{ access: { search: [{ names: ['a'] }] } }, 'name is required'],
    [{ name: 'x', access: { search: [{ names: ['a'] }] }, metadata: { _reserved: 1 } }, 'may not start with [_]'],
    [{ name: 'x', access: { search: [{ names: ['a'] }] }, expiration: 'soon' }, 'time value'],
  ])('invalid body %j: 400 (%s)', async (body, reason) => {
    const res = await es('POST', '/_security/cross_cluster/api_key', body);
    expect(res.status).toBe(400);
    expect(res.body.error.reason).toContain(reason);
  });

  test('invalidate needs a selector', async () => {
    expect((await es('DELETE', '/_security/api_key', {})).status).toBe(400);
  });
});

describe('cluster settings', () => {
  test('nested and flat bodies, flat_settings, null removes; pre-existing settings kept', async () => {
    const a815 = { env: 'ece-a', id: DEFAULT_IDS.a815 };
    const put = await es(
      'PUT',
      '/_cluster/settings',
      {
        persistent: {
          cluster: { remote: { x: { mode: 'proxy', proxy_address: 'h.example:9443' } } },
          'cluster.remote.x.server_name': 'h.example',
        },
      },
      undefined,
      a815,
    );
    expect(put.body).toMatchObject({
      acknowledged: true,
      persistent: { cluster: { remote: { x: { mode: 'proxy' } } } },
    });
    const flat = await es('GET', '/_cluster/settings?flat_settings=true', undefined, undefined, a815);
    expect(flat.body.persistent).toMatchObject({
      'cluster.remote.x.mode': 'proxy',
      'cluster.remote.x.proxy_address': 'h.example:9443',
      'cluster.remote.x.server_name': 'h.example',
      'cluster.remote.legacy-remote.mode': 'sniff',
    });
    const nested = await es('GET', '/_cluster/settings', undefined, undefined, a815);
    expect(nested.body.persistent.cluster.remote['legacy-remote'].seeds).toEqual(['10.20.30.40:9300']);
    await es(
      'PUT',
      '/_cluster/settings',
      { persistent: { cluster: { remote: { x: { mode: null, proxy_address: null, server_name: null } } } } },
      undefined,
      a815,
    );
    const after = await es('GET', '/_cluster/settings?flat_settings=true', undefined, undefined, a815);
    expect(Object.keys(after.body.persistent).filter((k) => k.startsWith('cluster.remote.x.'))).toEqual([]);
    expect((await es('GET', '/_remote/info', undefined, undefined, a815)).body['legacy-remote'].mode).toBe('sniff');
  });

  test.each([
    [{ 'cluster.remote.y.mode': 'tunnel' }, 'No enum constant'],
    [{ 'cluster.remote.y.mode': 'proxy', 'cluster.remote.y.proxy_address': 'no-port' }, 'invalid proxy address'],
    [{ 'cluster.remote.y.mode': 'proxy' }, 'without a [cluster.remote.y.proxy_address]'],
    [
      { 'cluster.remote.y.mode': 'proxy', 'cluster.remote.y.proxy_address': 'h:1', 'cluster.remote.y.seeds': ['h:2'] },
      'cannot be used',
    ],
    [{ 'cluster.remote.y.credentials': 'abc' }, 'secure setting'],
    [{ 'cluster.remote.y.bogus': 1 }, 'not recognized'],
  ])('invalid %j: 400 (%s) and nothing applied', async (persistent, reason) => {
    const res = await es('PUT', '/_cluster/settings', { persistent });
    expect(res.status).toBe(400);
    expect(res.body.error.reason).toContain(reason);
    const flat = await es('GET', '/_cluster/settings?flat_settings=true');
    expect(Object.keys(flat.body.persistent).some((k) => k.startsWith('cluster.remote.y.'))).toBe(false);
  });
});

describe('roles', () => {
  const a813 = { env: 'ece-a', id: DEFAULT_IDS.a813 };
  const a815 = { env: 'ece-a', id: DEFAULT_IDS.a815 };
  const remoteIndices = {
    remote_indices: [{ clusters: ['logs'], names: ['logs-*'], privileges: ['read', 'read_cross_cluster'] }],
  };
  const remoteCluster = { remote_cluster: [{ clusters: ['logs'], privileges: ['monitor_enrich'] }] };

  test('create, update, get, delete', async () => {
    expect((await es('PUT', '/_security/role/remote-search', remoteIndices)).body).toEqual({ role: { created: true } });
    expect((await es('POST', '/_security/role/remote-search', { ...remoteIndices, ...remoteCluster })).body).toEqual({
      role: { created: false },
    });
    const got = await es('GET', '/_security/role/remote-search');
    expect(got.body['remote-search'].remote_cluster).toEqual(remoteCluster.remote_cluster);
    expect((await es('DELETE', '/_security/role/remote-search')).body).toEqual({ found: true });
    const missing = await es('DELETE', '/_security/role/remote-search');
    expect(missing).toMatchObject({ status: 404, body: { found: false } });
    expect((await es('GET', '/_security/role/remote-search')).status).toBe(404);
  });

  test('remote_indices from 8.10 (so on 8.13), remote_cluster from 8.15, refused in Elasticsearch style', async () => {
    expect((await es('PUT', '/_security/role/r', remoteIndices, undefined, a813)).status).toBe(200);
    const old = await es('PUT', '/_security/role/r', remoteCluster, undefined, a813);
    expect(old.status).toBe(400);
    expect(old.body.error).toMatchObject({
      type: 'parse_exception',
      reason: 'failed to parse role [r]. unexpected field [remote_cluster]',
    });
    expect((await es('PUT', '/_security/role/r', { ...remoteIndices, ...remoteCluster }, undefined, a815)).status).toBe(
      200,
    );
    const stats = await es(
      'PUT',
      '/_security/role/r',
      { remote_cluster: [{ clusters: ['x'], privileges: ['monitor_stats'] }] },
      undefined,
      a815,
    );
    expect(stats.status).toBe(400);
  });

  test('the pre-existing analyst role is there', async () => {
    expect((await es('GET', '/_security/role/analyst', undefined, undefined, a815)).body.analyst.metadata).toEqual({
      owner: 'analytics-team',
    });
  });
});

describe('resolve cluster and reload', () => {
  test('an unknown alias is no_such_remote_cluster_exception; the local part resolves', async () => {
    const res = await es('GET', '/_resolve/cluster/nope:*');
    expect(res.status).toBe(404);
    expect(res.body.error.type).toBe('no_such_remote_cluster_exception');
    expect((await es('GET', '/_resolve/cluster/logs-*')).body['(local)'].connected).toBe(true);
  });

  test('reload_secure_settings answers per node', async () => {
    const res = await es('POST', '/_nodes/reload_secure_settings', {});
    expect(res.body._nodes).toEqual({ total: 1, successful: 1, failed: 0 });
  });
});
