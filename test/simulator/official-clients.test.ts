/**
 * The official JavaScript clients as a second, independent caller: 8.x against 8.x deployments,
 * 8.x and 9.x against 9.x, and 9.x refused by 8.x exactly as Elasticsearch refuses it (its
 * `compatible-with=9` media type) [server RestCompatibleVersionHelper].
 */
import { Client as Client8 } from 'es8';
import { Client as Client9 } from 'es9';
import { startClients, type Clients } from './fixtures';
import { deploymentIdFor, versionTopology } from '../matrix/versions';

const VERSIONS = ['8.13.0', '8.15.0', '8.18.0', '9.1.0'];
let c: Clients;
beforeAll(async () => {
  c = await startClients({ topology: versionTopology(VERSIONS), planDurationMs: 30 });
});
afterAll(() => c.close());

/** The 9.x client's API for the calls below has the 8.x shape; typed as one to share `exercise`. */
type AnyClient = Client8;
async function client(kind: 8 | 9, version: string): Promise<AnyClient> {
  const id = deploymentIdFor('a', version);
  const options = {
    node: await c.serviceUrl('ece-a', id),
    auth: { username: 'elastic', password: c.sim.secrets['ece-a']![id]!.elasticPassword },
    tls: { ca: c.sim.config.environments['ece-a']!.caCert as string },
  };
  return kind === 8 ? new Client8(options) : (new Client9(options) as unknown as Client8);
}

/** The calls a user's client may make during a connection, through the client's typed API. */
async function exercise(es: AnyClient, version: string, tag: string) {
  const info = await es.info();
  expect(info.version.number).toBe(version);
  const alias = `oc-${tag}`;
  const put = await es.cluster.putSettings({
    persistent: {
      [`cluster.remote.${alias}.mode`]: 'proxy',
      [`cluster.remote.${alias}.proxy_address`]: 'remote.example:9400',
      [`cluster.remote.${alias}.skip_unavailable`]: true,
    },
  });
  expect(put.acknowledged).toBe(true);
  const settings = await es.cluster.getSettings({ flat_settings: true });
  expect(settings.persistent[`cluster.remote.${alias}.skip_unavailable`]).toBe('true');
  expect((await es.cluster.remoteInfo())[alias]).toMatchObject({ mode: 'proxy', connected: false });
  await es.security.putRole({ name: `role-${tag}`, cluster: ['monitor'] });
  expect(Object.keys(await es.security.getRole({ name: `role-${tag}` }))).toEqual([`role-${tag}`]);
  const key = await es.security.createCrossClusterApiKey({
    name: `key-${tag}`,
    access: { search: [{ names: ['logs-*'] }] },
  });
  const keys = await es.security.getApiKey({ id: key.id });
  expect(keys.api_keys[0]!.role_descriptors?.cross_cluster).toBeDefined();
  await es.security.invalidateApiKey({ ids: [key.id] });
  await es.nodes.reloadSecureSettings();
  await es.security.deleteRole({ name: `role-${tag}` });
  await es.cluster.putSettings({ persistent: { [`cluster.remote.${alias}.*`]: null } });
}

describe('official clients against the strict simulator', () => {
  test.each([
    [8, '8.13.0'],
    [8, '8.15.0'],
    [8, '8.18.0'],
    [8, '9.1.0'],
    [9, '9.1.0'],
  ] as const)('client %i.x against %s: every call accepted', async (kind, version) => {
    const es = await client(kind, version);
    try {
      await exercise(es, version, `${kind}-${version.replace(/\./g, '_')}`);
    } finally {
      await es.close();
    }
  });

  test('client 9.x against 8.x: refused with media_type_header_exception, as Elasticsearch does', async () => {
    const es = await client(9, '8.15.0');
    try {
      await expect(es.info()).rejects.toMatchObject({
        meta: { statusCode: 400, body: { error: { type: 'media_type_header_exception' } } },
      });
    } finally {
      await es.close();
    }
  });

  test('a request real Elasticsearch refuses fails through the client too (resolve_cluster timeout on 8.15)', async () => {
    const es = await client(8, '8.15.0');
    try {
      await expect(es.indices.resolveCluster({ name: '_local', timeout: '10s' })).rejects.toMatchObject({
        meta: { statusCode: 400 },
      });
    } finally {
      await es.close();
    }
  });
});
