/**
 * When Elasticsearch sees a keystore change: from 8.14 at once; below, only after a completed plan
 * (a restart), so `_nodes/reload_secure_settings` alone does not load a new credential on 8.13.
 */
import {
  aliasState,
  createCrossClusterKey,
  putKeystoreCredential,
  registerRemote,
  trustProxyCa,
  type Side,
} from './connect';
import { DEFAULT_IDS, planSettled, startClients, type Clients } from './fixtures';

let c: Clients;
beforeEach(async () => {
  c = await startClients({ planDurationMs: 30 });
});
afterEach(() => c.close());

const b9: Side = { env: 'ece-b', id: DEFAULT_IDS.b9 };
const keystorePath = (side: Side) => `/deployments/${side.id}/elasticsearch/_main/keystore`;

async function connectFrom(local: Side) {
  await trustProxyCa(c, local, 'ece-b');
  const key = await createCrossClusterKey(c, b9);
  await registerRemote(c, local, 'logs', b9);
  await putKeystoreCredential(c, local, 'logs', key.encoded);
  return key;
}

test('8.15: a keystore PATCH is loaded at once', async () => {
  const local = { env: 'ece-a', id: DEFAULT_IDS.a815 };
  await connectFrom(local);
  const { info } = await aliasState(c, local, 'logs');
  expect(info).toMatchObject({ connected: true, cluster_credentials: '::es_redacted::' });
});

test('8.13: reload alone does not load a new credential; a restart does', async () => {
  const local = { env: 'ece-a', id: DEFAULT_IDS.a813 };
  await connectFrom(local);
  expect((await aliasState(c, local, 'logs')).info.cluster_credentials).toBeUndefined();

  await c.es(local.env, local.id, 'POST', '/_nodes/reload_secure_settings', {});
  const afterReload = await aliasState(c, local, 'logs');
  expect(afterReload.info.cluster_credentials).toBeUndefined();
  expect(afterReload.info.connected).toBe(false);

  expect((await c.ece(local.env, 'POST', `/deployments/${local.id}/elasticsearch/_main/_restart`)).status).toBe(202);
  await planSettled(c, local.env, local.id);
  const afterRestart = await aliasState(c, local, 'logs');
  expect(afterRestart.info).toMatchObject({ connected: true, cluster_credentials: '::es_redacted::' });
});

test('8.13: removing the secret is not seen until the next plan either', async () => {
  const local = { env: 'ece-a', id: DEFAULT_IDS.a813 };
  await connectFrom(local);
  await c.ece(local.env, 'POST', `/deployments/${local.id}/elasticsearch/_main/_restart`);
  await planSettled(c, local.env, local.id);
  expect((await aliasState(c, local, 'logs')).info.connected).toBe(true);

  await c.ece(local.env, 'PATCH', keystorePath(local), { secrets: { 'cluster.remote.logs.credentials': {} } });
  await c.es(local.env, local.id, 'POST', '/_nodes/reload_secure_settings', {});
  expect((await aliasState(c, local, 'logs')).info).toMatchObject({
    connected: true,
    cluster_credentials: '::es_redacted::',
  });

  await c.ece(local.env, 'POST', `/deployments/${local.id}/elasticsearch/_main/_restart`);
  await planSettled(c, local.env, local.id);
  const after = await aliasState(c, local, 'logs');
  expect(after.info.cluster_credentials).toBeUndefined();
  expect(after.resolved.error).toContain('Make sure you have configured remote cluster credentials');
});

test('keystore values are never returned; pre-existing secrets stay untouched by a partial PATCH', async () => {
  const a815 = { env: 'ece-a', id: DEFAULT_IDS.a815 };
  await putKeystoreCredential(c, a815, 'logs', 'c2VjcmV0OnNlY3JldA==');
  const res = await c.ece(a815.env, 'GET', keystorePath(a815));
  expect(res.body).toEqual({
    secrets: {
      's3.client.default.secret_key': { as_file: false },
      'cluster.remote.logs.credentials': { as_file: false },
    },
  });
  expect(JSON.stringify(c.sim.snapshot())).not.toContain('c2VjcmV0OnNlY3JldA==');
  const removeAbsent = await c.ece(a815.env, 'PATCH', keystorePath(a815), {
    secrets: { 'not.there': { value: null } },
  });
  expect(Object.keys(removeAbsent.body.secrets)).toHaveLength(2);
});
