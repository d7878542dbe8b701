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

describe('response bodies as the spec types them', () => {
  test('a cross-cluster key lists its derived role descriptor [spec ApiKey.role_descriptors]', async () => {
    const created = await raw('9.1.0', 'POST', '/_security/cross_cluster/api_key', {
      body: { name: 'rd', access: { search: [{ names: ['logs-*'] }], replication: [{ names: 'arch-*' }] } },
    });
    const got = await raw('9.1.0', 'GET', `/_security/api_key?id=${created.body.id}`);
    expect(got.body.api_keys[0].role_descriptors).toEqual({
      cross_cluster: {
        cluster: ['cross_cluster_search', 'cross_cluster_replication'],
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
