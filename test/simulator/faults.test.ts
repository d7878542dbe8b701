/** Fault injection: failed calls, latency, lost responses, resets, failed plans; the call log. */
import { DEFAULT_IDS, startClients, type Clients } from './fixtures';

let c: Clients;
beforeAll(async () => {
  c = await startClients({ planDurationMs: 30 });
});
afterAll(() => c.close());
afterEach(() => {
  c.sim.clearFaults();
  c.sim.resetCalls();
});

const A = 'ece-a';
const trustPath = '/platform/configuration/trust-relationships';
const nonLocalCount = async (env = A) =>
  (await c.ece(env, 'GET', `${trustPath}?filter=non-local`)).body.trust_relationships.length as number;
const newRelationship = () => ({
  name: 'fault-test',
  public_ca_cert: c.sim.config.environments['ece-b']!.caCert as string,
  account_ids: ['ac0000000000000000000000000000b2'],
});

test('status: the next N matching calls fail with that status and code, then calls succeed', async () => {
  c.sim.inject({ route: 'get-deployment', kind: 'status', status: 503, code: 'root.service_unavailable', times: 2 });
  for (let i = 0; i < 2; i++) {
    const res = await c.ece(A, 'GET', `/deployments/${DEFAULT_IDS.a9}`);
    expect(res.status).toBe(503);
    expect(res.body.errors[0].code).toBe('root.service_unavailable');
  }
  expect((await c.ece(A, 'GET', `/deployments/${DEFAULT_IDS.a9}`)).status).toBe(200);
  expect(c.sim.calls.map((x) => [x.route, x.status, x.fault])).toEqual([
    ['get-deployment', 503, 'status'],
    ['get-deployment', 503, 'status'],
    ['get-deployment', 200, undefined],
  ]);
});

test('status on an Elasticsearch route uses the Elasticsearch error format and matches the deployment', async () => {
  c.sim.inject({ route: 'cluster.remote_info', kind: 'status', status: 500, deploymentId: DEFAULT_IDS.a815 });
  expect((await c.es(A, DEFAULT_IDS.a9, 'GET', '/_remote/info')).status).toBe(200);
  const res = await c.es(A, DEFAULT_IDS.a815, 'GET', '/_remote/info');
  expect(res.status).toBe(500);
  expect(res.body.error.reason).toBe('injected fault');
});

test('environment matcher: a fault for ece-b leaves ece-a alone', async () => {
  c.sim.inject({ route: 'get-platform', environment: 'ece-b', kind: 'status', status: 500 });
  expect((await c.ece(A, 'GET', '/platform')).status).toBe(200);
  expect((await c.ece('ece-b', 'GET', '/platform')).status).toBe(500);
});

test('latency: the call is held that long, then answered and applied', async () => {
  const before = await nonLocalCount();
  c.sim.inject({ route: 'create-trust-relationship', kind: 'latency', ms: 50 });
  expect((await c.ece(A, 'POST', trustPath, newRelationship())).status).toBe(201);
  expect(await nonLocalCount()).toBe(before + 1);
  const calls = c.sim.calls.map(({ route, status, fault, delayMs }) => ({ route, status, fault, delayMs }));
  expect(calls).toEqual([
    { route: 'get-trust-relationships', status: 200, fault: undefined, delayMs: undefined },
    { route: 'create-trust-relationship', status: 201, fault: 'latency', delayMs: 50 },
    { route: 'get-trust-relationships', status: 200, fault: undefined, delayMs: undefined },
  ]);
});

test('drop-response: the change is applied but the client gets no answer', async () => {
  const before = await nonLocalCount();
  c.sim.inject({ route: 'create-trust-relationship', kind: 'drop-response' });
  await expect(c.ece(A, 'POST', trustPath, newRelationship())).rejects.toThrow();
  expect(await nonLocalCount()).toBe(before + 1);
});

test('reset: the connection is destroyed before the change is applied', async () => {
  const before = await nonLocalCount();
  c.sim.inject({ route: 'create-trust-relationship', kind: 'reset' });
  await expect(c.ece(A, 'POST', trustPath, newRelationship())).rejects.toThrow();
  expect(await nonLocalCount()).toBe(before);
  expect(c.sim.calls.find((x) => x.route === 'create-trust-relationship')).toMatchObject({ status: 0, fault: 'reset' });
});

test('drop-response on an Elasticsearch route: the API key exists though the secret never arrived', async () => {
  c.sim.inject({ route: 'security.create_cross_cluster_api_key', kind: 'drop-response', deploymentId: DEFAULT_IDS.b9 });
  await expect(
    c.es('ece-b', DEFAULT_IDS.b9, 'POST', '/_security/cross_cluster/api_key', {
      name: 'lost',
      access: { search: [{ names: ['*'] }] },
    }),
  ).rejects.toThrow();
  const keys = await c.es('ece-b', DEFAULT_IDS.b9, 'GET', '/_security/api_key?name=lost');
  expect(keys.body.api_keys).toHaveLength(1);
});

test('setTiming latency holds every call, on top of a latency fault; latencyMs 0 holds none', async () => {
  c.sim.setTiming({ latencyMs: 20 });
  try {
    expect((await c.ece(A, 'GET', '/platform')).status).toBe(200);
    expect((await c.es(A, DEFAULT_IDS.a9, 'GET', '/_remote/info')).status).toBe(200);
    c.sim.inject({ route: 'get-platform', kind: 'latency', ms: 30 });
    expect((await c.ece(A, 'GET', '/platform')).status).toBe(200);
  } finally {
    c.sim.setTiming({ latencyMs: 0 });
  }
  expect((await c.ece(A, 'GET', '/platform')).status).toBe(200);
  expect(c.sim.calls.map((x) => [x.route, x.fault, x.delayMs])).toEqual([
    ['get-platform', undefined, 20],
    ['cluster.remote_info', undefined, 20],
    ['get-platform', 'latency', 50],
    ['get-platform', undefined, undefined],
  ]);
});

test('clearFaults disarms faults', async () => {
  c.sim.inject({ route: 'get-platform', kind: 'status', status: 500, times: 5 });
  c.sim.clearFaults();
  expect((await c.ece(A, 'GET', '/platform')).status).toBe(200);
});

test('snapshot is a deep copy of every environment', () => {
  const snap = c.sim.snapshot();
  expect(Object.keys(snap)).toEqual(['ece-a', 'ece-b']);
  expect(snap['ece-a']!.deployments[DEFAULT_IDS.a815]!.keystore).toEqual({
    's3.client.default.secret_key': { as_file: false },
  });
  snap['ece-a']!.deployments[DEFAULT_IDS.a815]!.roles = {};
  expect(Object.keys(c.sim.snapshot()['ece-a']!.deployments[DEFAULT_IDS.a815]!.roles)).toEqual(['analyst']);
});
