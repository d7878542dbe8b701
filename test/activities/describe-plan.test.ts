/**
 * `describePlannedActions` against the simulator: what each gate of a planned action's run would
 * approve, read now, with nothing written: a create's gates as preflight places them (the proxy-CA
 * entry it would add, the restart only if needed), an update's api-key gate with the key's access
 * before -> after, a disconnect's register-remote gate with what it removes; a create preflight
 * would refuse says why.
 */
import {
  type ConnectionRequest,
  type DescribePlanInput,
  type DescribedAction,
  type LifecycleActivities,
  type StepInput,
  UpdateAccessRequest,
  connectionId,
  preflightFacts,
} from '../../domain';
import { type Harness, apiKeyRequest, startHarness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

function describe_(input: DescribePlanInput): Promise<DescribedAction[]> {
  const fn = (h.activities as unknown as LifecycleActivities).describePlannedActions;
  return h.environment().run(fn, input);
}

/** The connection, made by its steps as its own run (the connection id's workflow) would make it. */
async function connect(request: ConnectionRequest): Promise<string> {
  const asRun = { workflowId: connectionId(request) };
  const preflight = await h.run('preflight', { connectionId: connectionId(request), request }, asRun);
  const input: StepInput = { connectionId: connectionId(request), request, preflight: preflightFacts(preflight) };
  const key = await h.run('createCrossClusterApiKey', input, asRun);
  await h.run('ensureProxyCaTrust', input, asRun);
  await h.run('writeKeystoreCredentials', { ...input, apiKey: key }, asRun);
  await h.run('registerRemoteCluster', input, asRun);
  expect((await h.run('verifyRemoteConnection', input, asRun)).connected).toBe(true);
  return key.keyId;
}

it('a create: each gate the run would wait at, with what it would send, and nothing written', async () => {
  const request = apiKeyRequest({ approval: { gates: ['proxy-ca', 'restart'] } });
  const before = h.sim.snapshot();
  const [described] = await describe_({
    actions: [{ connectionId: connectionId(request), kind: 'create', request }],
  });
  expect(described!.gates!.map((g) => g.gate)).toEqual(['proxy-ca', 'restart']);
  const proxyCa = described!.gates![0]!;
  expect(proxyCa.activities[0]).toMatchObject({ activity: 'ensureProxyCaTrust' });
  expect(proxyCa.activities[0]!.requests[0]).toMatchObject({ system: 'ece', method: 'PUT' });
  expect(proxyCa.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(described!.gates![1]!.activities[0]).toMatchObject({ activity: 'restartElasticsearch' });
  expect(described!.note).toMatch(/gate restart waits only if reloadSecureSettings finds it needed/);
  expect(h.sim.snapshot()).toEqual(before);
});

it('an update: the api-key gate, with the key’s access before -> after', async () => {
  const request = apiKeyRequest();
  const keyId = await connect(request);
  const update = UpdateAccessRequest.parse({
    local: request.local,
    alias: request.alias,
    access: { search: [{ names: ['logs-*', 'metrics-*'] }] },
    requestedBy: 'tester',
  });
  const [described] = await describe_({
    actions: [{ connectionId: connectionId(request), kind: 'update-access', request: update }],
  });
  expect(described).toMatchObject({ kind: 'update-access' });
  expect(described!.note).toBeUndefined();
  const apiKey = described!.gates!.find((g) => g.gate === 'api-key')!;
  expect(apiKey.activities[0]!.requests[0]).toMatchObject({
    system: 'elasticsearch',
    method: 'PUT',
    path: `/_security/cross_cluster/api_key/${keyId}`,
  });
  expect(JSON.stringify(apiKey.activities[0]!.changes)).toContain('metrics-*');
});

it('a create preflight would refuse says why instead', async () => {
  const request = apiKeyRequest({ remote: { environment: 'ece-b', deploymentId: 'b0000000000000000000000000000000' } });
  const [described] = await describe_({
    actions: [{ connectionId: connectionId(request), kind: 'create', request }],
  });
  expect(described).toMatchObject({ kind: 'create', note: expect.stringMatching(/^the run would be refused \(/) });
  expect(described!.gates).toBeUndefined();
});
