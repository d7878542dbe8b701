/**
 * The simulator's Elasticsearch refuses what real Elasticsearch refuses, per version line. Each test
 * names its source: [spec <line>] = specs/elasticsearch/<line>.json (elasticsearch-specification);
 * [server X] = the Elasticsearch server class whose behaviour it follows (docs/simulator.md).
 */
import { Agent, request } from 'undici';
import { basic, startClients, type Clients } from './fixtures';
import { deploymentIdFor, versionTopology } from '../matrix/versions';

const VERSIONS = ['8.10.0', '8.12.0', '8.13.0', '8.14.0', '8.15.0', '8.16.0', '8.17.0', '8.18.0', '9.1.0', '9.3.0'];
let c: Clients;
let agent: Agent;
beforeAll(async () => {
  c = await startClients({ topology: versionTopology(VERSIONS), planDurationMs: 30 });
  agent = new Agent({ connect: { ca: c.sim.config.environments['ece-a']!.caCert as string } });
});
afterAll(async () => {
  await agent.close();
  await c.close();
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** A request to ece-a's deployment on `version`, with exactly the headers given (plus Basic auth). */
async function raw(
  version: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Raw> {
  const id = deploymentIdFor('a', version);
  const base = await c.serviceUrl('ece-a', id);
  const headers: Record<string, string> = {
    authorization: basic('elastic', c.sim.secrets['ece-a']![id]!.elasticPassword),
    ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  };
  const res = await request(`${base}${path}`, {
    method: method as 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    dispatcher: agent,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

describe('routes exist from the version the spec gives them [spec, server RestController]', () => {
  test('_resolve/cluster/{name}: absent on 8.10 and 8.12, present from 8.13 [spec 8.12 vs 8.13]', async () => {
    for (const v of ['8.10.0', '8.12.0']) {
      const res = await raw(v, 'GET', '/_resolve/cluster/x:*');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'no handler found for uri [/_resolve/cluster/x:*] and method [GET]' });
    }
    expect((await raw('8.13.0', 'GET', '/_resolve/cluster/_local')).status).toBe(200);
  });

  test('_resolve/cluster without an expression: from 8.18 [spec 8.17 vs 8.18]', async () => {
    expect((await raw('8.17.0', 'GET', '/_resolve/cluster')).status).toBe(400);
    expect((await raw('8.18.0', 'GET', '/_resolve/cluster')).status).toBe(200);
  });

  test('an unknown route is refused before authentication', async () => {
    const res = await raw('9.1.0', 'GET', '/_nope', { headers: { authorization: 'Basic bm9wZTpub3Bl' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('no handler found for uri [/_nope] and method [GET]');
  });
});

describe('URL parameters an endpoint does not declare [spec query parameters, server BaseRestHandler]', () => {
  test('resolve_cluster `timeout`: refused through 8.17, accepted from 8.18 [spec 8.17 vs 8.18]', async () => {
    for (const v of ['8.13.0', '8.17.0']) {
      const res = await raw(v, 'GET', '/_resolve/cluster/_local?timeout=10s');
      expect(res.status).toBe(400);
      expect(res.body.error.type).toBe('illegal_argument_exception');
      expect(res.body.error.reason).toBe(
        'request [/_resolve/cluster/_local] contains unrecognized parameter: [timeout]',
      );
    }
    for (const v of ['8.18.0', '9.1.0']) {
      expect((await raw(v, 'GET', '/_resolve/cluster/_local?timeout=10s')).status).toBe(200);
    }
  });

  test('a near miss is suggested, several are listed sorted, common parameters pass', async () => {
    const one = await raw('8.15.0', 'GET', '/_cluster/settings?flat_setting=true');
    expect(one.body.error.reason).toBe(
      'request [/_cluster/settings] contains unrecognized parameter: [flat_setting] -> did you mean [flat_settings]?',
    );
    const two = await raw('8.15.0', 'GET', '/_remote/info?zz=1&aa=2');
    expect(two.body.error.reason).toBe('request [/_remote/info] contains unrecognized parameters: [aa], [zz]');
    expect((await raw('8.15.0', 'GET', '/_remote/info?pretty=true&human=true&error_trace=true')).status).toBe(200);
  });

  test('get_api_key `active_only` exists on 8.10 [spec 8.10: since 8.10.0]', async () => {
    expect((await raw('8.10.0', 'GET', '/_security/api_key?active_only=true')).status).toBe(200);
  });
});

describe('body fields an endpoint does not declare [spec request body, server ObjectParser]', () => {
  test('put_settings: only persistent and transient', async () => {
    const res = await raw('9.1.0', 'PUT', '/_cluster/settings', { body: { persistent: {}, defaults: {} } });
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe('x_content_parse_exception');
    expect(res.body.error.reason).toContain('unknown field [defaults]');
  });

  test('create_cross_cluster_api_key `certificate_identity`: refused on 9.1, accepted on 9.3 [spec 9.1 vs 9.3]', async () => {
    const body = { name: 'cc', access: { search: [{ names: ['logs-*'] }] }, certificate_identity: 'CN=x' };
    const old = await raw('9.1.0', 'POST', '/_security/cross_cluster/api_key', { body });
    expect(old.status).toBe(400);
    expect(old.body.error.reason).toContain('unknown field [certificate_identity]');
    expect((await raw('9.3.0', 'POST', '/_security/cross_cluster/api_key', { body })).status).toBe(200);
  });

  test('a body on an endpoint without one is refused [server BaseRestHandler]', async () => {
    const res = await raw('8.15.0', 'GET', '/_remote/info', { body: {} });
    expect(res.status).toBe(400);
    expect(res.body.error.reason).toBe('request [GET /_remote/info] does not support having a body');
  });
});

describe('media types and REST compatibility per major [server RestCompatibleVersionHelper, RestRequest]', () => {
  const vendor = (n: number) => `application/vnd.elasticsearch+json; compatible-with=${n}`;

  test.each([
    ['8.15.0', 7, 200],
    ['8.15.0', 8, 200],
    ['8.15.0', 9, 400],
    ['9.1.0', 7, 400],
    ['9.1.0', 8, 200],
    ['9.1.0', 9, 200],
  ])('%s with Accept compatible-with=%i: %i', async (version, n, status) => {
    const res = await raw(version, 'GET', '/', { headers: { accept: vendor(n) } });
    expect(res.status).toBe(status);
    if (status === 200) {
      expect(res.headers['content-type']).toBe(`application/vnd.elasticsearch+json;compatible-with=${n}`);
    } else {
      const major = Number(version[0]);
      expect(res.body.error.type).toBe('media_type_header_exception');
      expect(res.body.error.reason).toBe('Invalid media-type value on headers [Accept]');
      expect(res.body.error.caused_by.reason).toBe(
        `Accept version must be either version ${major} or ${major - 1}, but found ${n}. Accept=${vendor(n)}`,
      );
    }
  });

  test('with a body, both headers must carry the same compatible-with', async () => {
    const body = { persistent: { 'cluster.remote.m1.skip_unavailable': null } };
    const onlyAccept = await raw('9.1.0', 'PUT', '/_cluster/settings', { body, headers: { accept: vendor(9) } });
    expect(onlyAccept.status).toBe(400);
    expect(onlyAccept.body.error.caused_by.reason).toContain(
      'A compatible version is required on both Content-Type and Accept headers',
    );
    const mismatch = await raw('9.1.0', 'PUT', '/_cluster/settings', {
      body,
      headers: { accept: vendor(8), 'content-type': vendor(9) },
    });
    expect(mismatch.body.error.caused_by.reason).toContain('the compatible versions must match');
    const both = await raw('9.1.0', 'PUT', '/_cluster/settings', {
      body: { persistent: { 'cluster.remote.m1.mode': 'proxy', 'cluster.remote.m1.proxy_address': 'h:9400' } },
      headers: { accept: vendor(8), 'content-type': vendor(8) },
    });
    expect(both.status).toBe(200);
    const plain = await raw('9.1.0', 'GET', '/');
    expect(plain.headers['content-type']).toBe('application/json');
  });

  test('an unsupported Content-Type is 406', async () => {
    const res = await raw('8.15.0', 'PUT', '/_cluster/settings', {
      body: { persistent: {} },
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(406);
    expect(res.body).toEqual({ error: 'Content-Type header [text/plain] is not supported', status: 406 });
  });
});

describe('cluster.remote.<alias>.* keys [server Setting.AffixKey, ClusterUpdateSettings]', () => {
  test.each(['a:b', 'é', 'a b'])('alias %p is not a setting Elasticsearch knows', async (alias) => {
    const key = `cluster.remote.${alias}.mode`;
    const res = await raw('8.15.0', 'PUT', '/_cluster/settings', { body: { persistent: { [key]: 'proxy' } } });
    expect(res.status).toBe(400);
    expect(res.body.error.reason).toBe(`persistent setting [${key}], not recognized`);
  });

  test('letters, digits, `_` and `-` are accepted, and values come back as strings [spec ClusterGetSettings]', async () => {
    const pre = 'cluster.remote.Ab_9-x';
    const put = await raw('8.15.0', 'PUT', '/_cluster/settings?flat_settings=true', {
      body: {
        persistent: { [`${pre}.mode`]: 'proxy', [`${pre}.proxy_address`]: 'h:9400', [`${pre}.skip_unavailable`]: true },
      },
    });
    expect(put.status).toBe(200);
    expect(put.body.persistent[`${pre}.skip_unavailable`]).toBe('true');
    const get = await raw('8.15.0', 'GET', '/_cluster/settings?flat_settings=true');
    expect(get.body.persistent[`${pre}.skip_unavailable`]).toBe('true');
    const nested = await raw('8.15.0', 'GET', '/_cluster/settings');
    expect(nested.body.persistent.cluster.remote['Ab_9-x'].skip_unavailable).toBe('true');
  });
});

describe('role names and role fields [server Validation.Roles, ReservedRolesStore; spec put_role]', () => {
  test.each(['superuser', 'kibana_system'])('reserved role %p is refused', async (name) => {
    const res = await raw('9.1.0', 'PUT', `/_security/role/${name}`, { body: { cluster: [] } });
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe('action_request_validation_exception');
    expect(res.body.error.reason).toBe(`Validation Failed: 1: Role [${name}] is reserved and may not be used.;`);
  });

  test.each(['team:search/reader (v2)', '_hidden', 'a@b.c!#$%', '~x'])(
    'printable ASCII name %p is accepted',
    async (name) => {
      const res = await raw('9.1.0', 'PUT', `/_security/role/${encodeURIComponent(name)}`, { body: { cluster: [] } });
      expect(res.status).toBe(200);
    },
  );

  test.each([
    ['a leading space', ' lead'],
    ['a trailing space', 'trail '],
    ['a non-ASCII letter', 'naïve'],
    ['1025 characters', 'x'.repeat(1025)],
  ])('a name with %s is refused', async (_what, name) => {
    const res = await raw('9.1.0', 'PUT', `/_security/role/${encodeURIComponent(name)}`, { body: { cluster: [] } });
    expect(res.status).toBe(400);
    expect(res.body.error.reason).toContain('Role names must be at least 1 and no more than 1024 characters');
  });

  test('description from 8.15, remote_cluster monitor_stats from 8.17 [spec since markers]', async () => {
    const desc = { description: 'd' };
    expect((await raw('8.14.0', 'PUT', '/_security/role/r1', { body: desc })).body.error.reason).toBe(
      'failed to parse role [r1]. unexpected field [description]',
    );
    expect((await raw('8.15.0', 'PUT', '/_security/role/r1', { body: desc })).status).toBe(200);
    const stats = { remote_cluster: [{ clusters: ['*'], privileges: ['monitor_stats'] }] };
    expect((await raw('8.16.0', 'PUT', '/_security/role/r2', { body: stats })).status).toBe(400);
    expect((await raw('8.17.0', 'PUT', '/_security/role/r2', { body: stats })).status).toBe(200);
  });
});

describe('put role fields follow the product where the spec is late [server RoleDescriptor; ES PR #98307]', () => {
  const remoteIndices = {
    remote_indices: [{ clusters: ['logs'], names: ['logs-*'], privileges: ['read', 'read_cross_cluster'] }],
  };
  test.each(['8.10.0', '8.12.0', '8.13.0'])(
    '%s accepts remote_indices (the API key beta; the spec marks it 8.14)',
    async (version) => {
      const res = await raw(version, 'PUT', '/_security/role/ri', { body: remoteIndices });
      expect(res.status).toBe(200);
    },
  );

  test('remote_cluster and its monitor_enrich: refused on 8.14, accepted from 8.15 [ES PR #107493]', async () => {
    const body = { remote_cluster: [{ clusters: ['logs'], privileges: ['monitor_enrich'] }] };
    const old = await raw('8.14.0', 'PUT', '/_security/role/rc', { body });
    expect(old.body.error.reason).toBe('failed to parse role [rc]. unexpected field [remote_cluster]');
    expect((await raw('8.15.0', 'PUT', '/_security/role/rc', { body })).status).toBe(200);
  });
});

describe("a key's access as Elasticsearch returns it [server ApiKey, RoleDescriptor.IndicesPrivileges]", () => {
  const dls = { bool: { filter: [{ term: { team: 'blue' } }] } };

  test('query comes back as a JSON string, allow_restricted_indices is added, names is a list', async () => {
    const created = await raw('9.1.0', 'POST', '/_security/cross_cluster/api_key', {
      body: { name: 'dls', access: { search: [{ query: dls, names: 'logs-*', field_security: { grant: ['*'] } }] } },
    });
    const got = await raw('9.1.0', 'GET', `/_security/api_key?id=${created.body.id}`);
    const key = got.body.api_keys[0];
    expect(key.access).toEqual({
      search: [
        {
          names: ['logs-*'],
          field_security: { grant: ['*'] },
          query: JSON.stringify(dls),
          allow_restricted_indices: false,
        },
      ],
    });
    expect(key.role_descriptors.cross_cluster.indices[0].query).toBe(JSON.stringify(dls));
  });

  test('a query given as a string comes back as that string; an empty one as no query', async () => {
    const text = '{ "term": { "team": "blue" } }';
    const created = await raw('9.1.0', 'POST', '/_security/cross_cluster/api_key', {
      body: {
        name: 'dls-text',
        access: {
          search: [
            { names: ['a'], query: text },
            { names: ['b'], query: '' },
          ],
        },
      },
    });
    const got = await raw('9.1.0', 'GET', `/_security/api_key?id=${created.body.id}`);
    expect(got.body.api_keys[0].access.search).toEqual([
      { names: ['a'], query: text, allow_restricted_indices: false },
      { names: ['b'], allow_restricted_indices: false },
    ]);
  });

  // Elasticsearch compares the stored query bytes: an object is kept as its compact JSON, a string as given.
  test('an update is `updated: false` when the stored query bytes are the same, whatever the form', async () => {
    const access = { search: [{ names: ['logs-*'], query: dls }] };
    const created = await raw('9.1.0', 'POST', '/_security/cross_cluster/api_key', {
      body: { name: 'dls-up', access },
    });
    const path = `/_security/cross_cluster/api_key/${created.body.id}`;
    expect((await raw('9.1.0', 'PUT', path, { body: { access } })).body).toEqual({ updated: false });
    const sameText = { search: [{ names: ['logs-*'], query: JSON.stringify(dls) }] };
    expect((await raw('9.1.0', 'PUT', path, { body: { access: sameText } })).body).toEqual({ updated: false });
    const spaced = { search: [{ names: ['logs-*'], query: JSON.stringify(dls, null, 1) }] };
    expect((await raw('9.1.0', 'PUT', path, { body: { access: spaced } })).body).toEqual({ updated: true });
  });
});

describe('smaller fidelity, per version', () => {
  test.each([
    ['8.14.0', ['cross_cluster_search'], ['cross_cluster_search', 'cross_cluster_replication']],
    [
      '8.15.0',
      ['cross_cluster_search', 'monitor_enrich'],
      ['cross_cluster_search', 'monitor_enrich', 'cross_cluster_replication'],
    ],
    [
      '9.3.0',
      ['cross_cluster_search', 'monitor_enrich'],
      ['cross_cluster_search', 'monitor_enrich', 'cross_cluster_replication'],
    ],
  ])(
    "%s: the derived key descriptor's cluster privileges [server CrossClusterApiKeyRoleDescriptorBuilder; ES issue #108735]",
    async (version, searchOnly, both) => {
      const create = async (name: string, access: object) =>
        (await raw(version, 'POST', '/_security/cross_cluster/api_key', { body: { name, access } })).body.id;
      const cluster = async (id: string) =>
        (await raw(version, 'GET', `/_security/api_key?id=${id}`)).body.api_keys[0].role_descriptors.cross_cluster
          .cluster;
      expect(await cluster(await create('s', { search: [{ names: ['a'] }] }))).toEqual(searchOnly);
      expect(await cluster(await create('r', { replication: [{ names: ['a'] }] }))).toEqual([
        'cross_cluster_replication',
      ]);
      expect(
        await cluster(await create('sr', { search: [{ names: ['a'] }], replication: [{ names: ['b'] }] })),
      ).toEqual(both);
    },
  );

  test('a role comes back as Elasticsearch renders it: names a list, query a string, allow_restricted_indices added [server RoleDescriptor]', async () => {
    const query = { term: { team: 'blue' } };
    const put = await raw('8.15.0', 'PUT', '/_security/role/render', {
      body: {
        indices: [{ names: 'logs-*', privileges: ['read'], query }],
        remote_indices: [{ clusters: 'r1', names: 'metrics-*', privileges: ['read'] }],
      },
    });
    expect(put.status).toBe(200);
    const got = (await raw('8.15.0', 'GET', '/_security/role/render')).body.render;
    expect(got.indices).toEqual([
      { names: ['logs-*'], privileges: ['read'], query: JSON.stringify(query), allow_restricted_indices: false },
    ]);
    expect(got.remote_indices).toEqual([
      { names: ['metrics-*'], privileges: ['read'], allow_restricted_indices: false, clusters: ['r1'] },
    ]);
  });

  test.each([
    ['proxy', 'node_connections', 3, 'SNIFF', 'PROXY'],
    ['proxy', 'proxy', 'h:9300', 'SNIFF', 'PROXY'],
    ['sniff', 'proxy_socket_connections', 18, 'PROXY', 'SNIFF'],
  ])(
    'mode %s with %s is refused: "cannot be used with the configured mode" [server RemoteConnectionStrategy.StrategyValidator]',
    async (mode, key, value, required, configured) => {
      const pre = `cluster.remote.strat-${key}`;
      const modeSettings = mode === 'proxy' ? { [`${pre}.proxy_address`]: 'h:9400' } : { [`${pre}.seeds`]: ['h:9300'] };
      const res = await raw('8.15.0', 'PUT', '/_cluster/settings', {
        body: { persistent: { [`${pre}.mode`]: mode, ...modeSettings, [`${pre}.${key}`]: value } },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.type).toBe('illegal_argument_exception');
      expect(res.body.error.reason).toBe(
        `Setting "${pre}.${key}" cannot be used with the configured "${pre}.mode" [required=${required}, configured=${configured}]`,
      );
    },
  );

  test.each(['8.10.0', '9.3.0'])(
    '%s: reload_secure_settings with a wrong secure_settings_password answers a per-node reload_exception [server TransportNodesReloadSecureSettingsAction]',
    async (version) => {
      const wrong = await raw(version, 'POST', '/_nodes/reload_secure_settings', {
        body: { secure_settings_password: 'not-the-password' },
      });
      expect(wrong.status).toBe(200);
      expect(wrong.body._nodes).toEqual({ total: 1, successful: 1, failed: 0 });
      const nodes = Object.values(wrong.body.nodes) as Array<Record<string, unknown>>;
      expect(nodes).toEqual([
        {
          name: 'instance-0000000000',
          reload_exception: { type: 'security_exception', reason: 'Provided keystore password was incorrect' },
        },
      ]);
      // ECE's keystore has no password: an empty one is the right one.
      const right = await raw(version, 'POST', '/_nodes/reload_secure_settings', {
        body: { secure_settings_password: '' },
      });
      expect(Object.values(right.body.nodes)).toEqual([{ name: 'instance-0000000000' }]);
    },
  );

  test.each([
    ['8.10.0', '9.7.0'],
    ['8.12.0', '9.9.1'],
    ['8.13.0', '9.10.0'],
    ['8.14.0', '9.10.0'],
    ['8.15.0', '9.11.1'],
    ['8.16.0', '9.12.0'],
    ['8.17.0', '9.12.0'],
    ['8.18.0', '9.12.1'],
    ['9.1.0', '10.2.2'],
    ['9.3.0', '10.3.2'],
  ])('%s reports lucene_version %s [server IndexVersions, IndexVersions.csv]', async (version, lucene) => {
    expect((await raw(version, 'GET', '/')).body.version.lucene_version).toBe(lucene);
  });
});

describe('response bodies as the spec types them', () => {
  test('a cross-cluster key lists its derived role descriptor [spec ApiKey.role_descriptors]', async () => {
    const created = await raw('9.1.0', 'POST', '/_security/cross_cluster/api_key', {
      body: { name: 'rd', access: { search: [{ names: ['logs-*'] }], replication: [{ names: 'arch-*' }] } },
    });
    const got = await raw('9.1.0', 'GET', `/_security/api_key?id=${created.body.id}`);
    expect(got.body.api_keys[0].role_descriptors).toEqual({
      cross_cluster: {
        cluster: ['cross_cluster_search', 'monitor_enrich', 'cross_cluster_replication'],
        indices: [
          {
            names: ['logs-*'],
            privileges: ['read', 'read_cross_cluster', 'view_index_metadata'],
            allow_restricted_indices: false,
          },
          {
            names: ['arch-*'],
            privileges: ['cross_cluster_replication', 'cross_cluster_replication_internal'],
            allow_restricted_indices: false,
          },
        ],
        applications: [],
        run_as: [],
        metadata: {},
        transient_metadata: { enabled: true },
      },
    });
  });

  test.each([
    ['8.13.0', '7.17.0'],
    ['9.1.0', '8.18.0'],
  ])('%s: version fields match the version [spec ElasticsearchVersionInfo]', async (version, wire) => {
    const info = await raw(version, 'GET', '/');
    expect(info.body.version).toMatchObject({ number: version, minimum_wire_compatibility_version: wire });
    const resolved = await raw(version, 'GET', '/_resolve/cluster/_local');
    expect(resolved.body['(local)'].version.number).toBe(version);
  });
});
