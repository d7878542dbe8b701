/**
 * Ownership that survives overlap: connections that share trust objects on one deployment, one of
 * them rolled back late; a foreign allowlist addition; one connection under two workflow ids; writes
 * that wait for another change's plan. Every assertion reads the simulator's state or `_remote/info`.
 */
import { type SideStepInput, type StepInput } from '../../domain/activities';
import { type ConnectionRequest, connectionId } from '../../domain/connection-request';
import { type ApiKeyRecord, type TrustSettings } from '../../domain/records';
import { comparableState } from '../../simulator/api';
import {
  getDeployment,
  trustUpdatePayload,
  updateDeployment,
  elasticsearchResource,
  trustOf,
} from '../../activities/ece/deployments';
import { waitForPlan } from '../../activities/ece/plan-tracker';
import { restartElasticsearchResource } from '../../activities/ece/restart';
import { getRemoteInfo } from '../../activities/elasticsearch/cluster';
import { proxyCaEntryName } from '../../activities/marks';
import {
  DEFAULT_IDS,
  type Harness,
  apiKeyRequest,
  certificateRequest,
  failureOf,
  runPreflight,
  startHarness,
} from './support/harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const state = () => comparableState(h.sim.snapshot());
const deployment = (env: string, id: string) => h.sim.snapshot()[env]!.deployments[id]!;
const direct = (env: string, id: string) =>
  ((deployment(env, id).trust as TrustSettings).direct ?? []) as Array<{ name: string; type?: string }>;
const external = (env: string, id: string) =>
  ((deployment(env, id).trust as TrustSettings).external ?? []) as Array<{
    trust_relationship_id: string;
    trust_allowlist?: string[];
  }>;

const to = (env: string, id: string) => ({ environment: env, deploymentId: id });

async function prepare(request: ConnectionRequest): Promise<StepInput> {
  return { connectionId: connectionId(request), request, preflight: await runPreflight(h, request) };
}

const sides = (i: StepInput): [SideStepInput, SideStepInput] => [
  { ...i, side: 'local' },
  { ...i, side: 'remote' },
];

/** `_remote/info` of the local deployment, as Elasticsearch reports it now. */
async function connected(i: StepInput): Promise<boolean> {
  const local = i.preflight.local;
  const info = await getRemoteInfo(h.registry.elasticsearch(local.environment, local.deploymentId, local.esUrl));
  return info[i.request.alias]?.connected === true;
}

async function keyStep(i: StepInput, workflowId?: string): Promise<ApiKeyRecord> {
  return h.run('createCrossClusterApiKey', i, workflowId ? { workflowId } : {});
}

/** The rest of the API key model after key and proxy CA. */
async function finishApiKey(i: StepInput, key: ApiKeyRecord): Promise<void> {
  await h.run('writeKeystoreCredentials', { ...i, apiKey: key });
  await h.run('registerRemoteCluster', i);
  await h.run('reloadSecureSettings', i);
}

async function rollbackApiKey(i: StepInput) {
  await h.run('unregisterRemoteCluster', i);
  await h.run('removeKeystoreCredentials', i);
  const proxyCa = await h.run('removeProxyCaTrust', i);
  await h.run('invalidateCrossClusterApiKey', i);
  return proxyCa;
}

describe('API key model: two connections from one deployment into one remote environment', () => {
  it('the one rolled back late leaves the other connected and its objects untouched', async () => {
    const a = await prepare(apiKeyRequest({ remote: to('ece-b', DEFAULT_IDS.b9) }));
    const b = await prepare(apiKeyRequest({ remote: to('ece-b', DEFAULT_IDS.b815) }));
    // Both preflights saw no proxy-CA entry; A's write adds it, B's finds it.
    const initial = state();
    const keyA = await keyStep(a);
    expect((await h.run('ensureProxyCaTrust', a)).created).toHaveLength(1);
    await finishApiKey(a, keyA);
    expect(await connected(a)).toBe(true);
    const afterA = state();

    const keyB = await keyStep(b);
    const caB = await h.run('ensureProxyCaTrust', b);
    expect(caB.created).toEqual([]);
    expect(caB.detail).toContain(proxyCaEntryName('ece-b', a.connectionId));
    await finishApiKey(b, keyB);
    expect(await connected(b)).toBe(true);

    // B is rejected late: its rollback keeps the entry A needs, and says why.
    const undo = await rollbackApiKey(b);
    expect(undo.removed).toEqual([]);
    expect(undo.kept?.[0]?.reason).toContain(`"${a.request.alias}"`);
    expect(await connected(a)).toBe(true);
    expect(state()).toEqual(afterA);

    // A, now alone, takes the entry with it.
    expect((await rollbackApiKey(a)).removed).toHaveLength(1);
    expect(state()).toEqual(initial);
  });

  it('concurrent creation: the run that created the entry rolls back after the other connected', async () => {
    const a = await prepare(apiKeyRequest({ remote: to('ece-b', DEFAULT_IDS.b9) }));
    const b = await prepare(apiKeyRequest({ remote: to('ece-b', DEFAULT_IDS.b815) }));
    const initial = state();
    // B created the entry; A found it present (though its preflight saw it absent): not A's.
    expect((await h.run('ensureProxyCaTrust', b)).created).toHaveLength(1);
    const keyB = await keyStep(b);
    const keyA = await keyStep(a);
    expect((await h.run('ensureProxyCaTrust', a)).created).toEqual([]);
    await finishApiKey(a, keyA);
    await finishApiKey(b, keyB);
    expect(await connected(a)).toBe(true);

    const undo = await rollbackApiKey(b);
    expect(undo.kept).toHaveLength(1);
    expect(direct('ece-a', DEFAULT_IDS.a9).map((d) => d.name)).toEqual([proxyCaEntryName('ece-b', b.connectionId)]);
    expect(await connected(a)).toBe(true);

    await rollbackApiKey(a);
    expect(state()).toEqual(initial);
  });

  it('a connection in flight (credential written, alias not yet registered) keeps the entry', async () => {
    const a = await prepare(apiKeyRequest({ remote: to('ece-b', DEFAULT_IDS.b9) }));
    const b = await prepare(apiKeyRequest({ remote: to('ece-b', DEFAULT_IDS.b815) }));
    await h.run('ensureProxyCaTrust', a);
    const keyB = await keyStep(b);
    await h.run('ensureProxyCaTrust', b);
    await h.run('writeKeystoreCredentials', { ...b, apiKey: keyB });
    const undo = await h.run('removeProxyCaTrust', a);
    expect(undo.removed).toEqual([]);
    expect(undo.kept?.[0]?.reason).toContain('kept to be safe');
    expect(direct('ece-a', DEFAULT_IDS.a9)).toHaveLength(1);
  });

  it('a lost response: the retry that finds its own entry (by its mark) records it as created', async () => {
    const a = await prepare(apiKeyRequest({ remote: to('ece-b', DEFAULT_IDS.b9) }));
    h.sim.inject({ route: 'update-deployment', kind: 'drop-response', environment: 'ece-a' });
    await expect(h.run('ensureProxyCaTrust', a)).rejects.toMatchObject({ type: 'Transient' });
    const retry = await h.run('ensureProxyCaTrust', a, { attempt: 2 });
    expect(retry.created).toHaveLength(1);
    expect(direct('ece-a', DEFAULT_IDS.a9)).toHaveLength(1);
  });
});

describe('certificate model: two connections from one deployment into one remote environment', () => {
  async function trustBoth(i: StepInput) {
    const [local, remote] = sides(i);
    const [relL, relR] = [await h.run('ensurePlatformTrust', local), await h.run('ensurePlatformTrust', remote)];
    const dl = await h.run('ensureDeploymentTrust', { ...local, trustRelationshipId: relL.trustRelationshipId });
    const dr = await h.run('ensureDeploymentTrust', { ...remote, trustRelationshipId: relR.trustRelationshipId });
    return { relL, relR, dl, dr };
  }
  async function rollbackCertificate(i: StepInput) {
    const [local, remote] = sides(i);
    await h.run('unregisterRemoteCluster', i);
    const trust = [await h.run('removeDeploymentTrust', local), await h.run('removeDeploymentTrust', remote)];
    const platform = [await h.run('removePlatformTrust', local), await h.run('removePlatformTrust', remote)];
    return { trust, platform };
  }

  it('the one rolled back late leaves the other connected and its objects untouched', async () => {
    const a = await prepare(certificateRequest({ remote: to('ece-b', DEFAULT_IDS.b815) }));
    const b = await prepare(certificateRequest({ remote: to('ece-b', DEFAULT_IDS.b9) }));
    const initial = state();
    await trustBoth(a);
    await h.run('registerRemoteCluster', a);
    expect(await connected(a)).toBe(true);
    const afterA = state();

    const tb = await trustBoth(b);
    expect(tb.relL.createdByRun).toBe(false);
    // B's write added b9 to the entry A's run created: only that id is B's.
    expect(tb.dl.created.map((c) => c.id)).toEqual([`${tb.relL.trustRelationshipId}/${b.preflight.remote.clusterId}`]);
    await h.run('registerRemoteCluster', b);
    expect(await connected(b)).toBe(true);

    await rollbackCertificate(b);
    expect(await connected(a)).toBe(true);
    expect(state()).toEqual(afterA);

    await rollbackCertificate(a);
    expect(state()).toEqual(initial);
  });

  it('concurrent creation: B created the relationship and entry, A added to them, B rolls back', async () => {
    const a = await prepare(certificateRequest({ remote: to('ece-b', DEFAULT_IDS.b815) }));
    const b = await prepare(certificateRequest({ remote: to('ece-b', DEFAULT_IDS.b9) }));
    const initial = state();
    const tb = await trustBoth(b);
    expect(tb.relL.createdByRun).toBe(true);
    const ta = await trustBoth(a);
    expect(ta.relL).toMatchObject({ createdByRun: false, trustRelationshipId: tb.relL.trustRelationshipId });
    await h.run('registerRemoteCluster', a);
    await h.run('registerRemoteCluster', b);
    expect(await connected(a)).toBe(true);

    const undo = await rollbackCertificate(b);
    // B's own relationship is still what A's trust uses: kept, and the report says by whom.
    expect(undo.platform[0]!.removed).toEqual([]);
    expect(undo.platform[0]!.kept?.[0]?.reason).toContain(DEFAULT_IDS.a9);
    expect(external('ece-a', DEFAULT_IDS.a9)).toEqual([
      expect.objectContaining({
        trust_relationship_id: tb.relL.trustRelationshipId,
        trust_allowlist: [a.preflight.remote.clusterId],
      }),
    ]);
    expect(external('ece-b', DEFAULT_IDS.b9)).toEqual([]);
    expect(await connected(a)).toBe(true);

    await rollbackCertificate(a);
    // B's relationships, kept for A, are not A's to delete: they stay (named after B's connection).
    const after = state();
    expect(after['ece-a']!.deployments).toEqual(initial['ece-a']!.deployments);
    expect(after['ece-b']!.deployments).toEqual(initial['ece-b']!.deployments);
  });

  it("a foreign allowlist addition to an entry the run created survives the run's rollback", async () => {
    const a = await prepare(certificateRequest({ remote: to('ece-b', DEFAULT_IDS.b815) }));
    const { dl } = await trustBoth(a);
    expect(dl.created).toHaveLength(1);
    // Another party allowlists a cluster of its own in the entry crosslink created.
    const foreign = 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0';
    const ece = h.registry.ece('ece-a');
    const read = await getDeployment(ece, DEFAULT_IDS.a9);
    const es = elasticsearchResource(ece, read.deployment);
    const trust = trustOf(es);
    trust.external = (trust.external ?? []).map((e) => ({
      ...e,
      trust_allowlist: [...((e.trust_allowlist as string[] | undefined) ?? []), foreign],
    }));
    await updateDeployment(ece, DEFAULT_IDS.a9, trustUpdatePayload(read.deployment, es.ref_id, trust), read.version);
    await waitForPlan(ece, DEFAULT_IDS.a9, es.ref_id, { heartbeat: () => undefined, pollMs: 10 });

    const { trust: undo } = await rollbackCertificate(a);
    expect(undo[0]!.removed.map((r) => r.id)).toEqual([`${dl.created[0]!.id}`]);
    expect(external('ece-a', DEFAULT_IDS.a9)).toEqual([expect.objectContaining({ trust_allowlist: [foreign] })]);
  });

  it('a lost response: the heartbeat of the attempt that wrote tells the retry the id is its own', async () => {
    const a = await prepare(certificateRequest({ remote: to('ece-b', DEFAULT_IDS.b815) }));
    const [local] = sides(a);
    const rel = await h.run('ensurePlatformTrust', local);
    const input = { ...local, trustRelationshipId: rel.trustRelationshipId };
    h.sim.inject({ route: 'update-deployment', kind: 'drop-response', environment: 'ece-a' });
    h.transcript.heartbeats.length = 0;
    await expect(h.run('ensureDeploymentTrust', input)).rejects.toMatchObject({ type: 'Transient' });
    const last = h.transcript.heartbeats.filter((d) => (d as { adding?: string }).adding).at(-1);
    expect(last).toBeDefined();
    expect((await h.run('ensureDeploymentTrust', input, { attempt: 2, heartbeatDetails: last })).created).toHaveLength(
      1,
    );
    // Without that record, finding the id present proves nothing: not claimed.
    expect((await h.run('ensureDeploymentTrust', input, { attempt: 3 })).created).toEqual([]);
  });
});

describe('one connection, one run', () => {
  it('the same connection under two workflow ids leaves one live key', async () => {
    const request = apiKeyRequest({ remote: to('ece-b', DEFAULT_IDS.b9) });
    const i = await prepare(request);
    const live = () =>
      deployment('ece-b', DEFAULT_IDS.b9).apiKeys.filter((k) => k.type === 'cross_cluster' && !k.invalidated);
    const first = await keyStep(i, 'wf-first');
    const refused = await failureOf(keyStep(i, 'wf-second'));
    expect(refused).toMatchObject({ type: 'OwnershipConflict', nonRetryable: true });
    expect(refused.message).toContain('wf-first');
    // The refused run's undo leaves the other run's key alone.
    const undo = await h.run('invalidateCrossClusterApiKey', i, { workflowId: 'wf-second' });
    expect(undo.removed).toEqual([]);
    expect(live().map((k) => k.id)).toEqual([first.keyId]);
    // A retry of the first run (a lost response) still replaces its own key.
    const again = await keyStep(i, 'wf-first');
    expect(live().map((k) => k.id)).toEqual([again.keyId]);
  });

  it('two workflow ids creating at the same moment end with one live key and one refusal', async () => {
    const i = await prepare(apiKeyRequest({ remote: to('ece-b', DEFAULT_IDS.b9) }));
    const outcomes = await Promise.allSettled([keyStep(i, 'wf-x'), keyStep(i, 'wf-y')]);
    const live = deployment('ece-b', DEFAULT_IDS.b9).apiKeys.filter(
      (k) => k.type === 'cross_cluster' && !k.invalidated,
    );
    expect(live).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({
      reason: expect.objectContaining({ type: 'OwnershipConflict' }),
    });
  });
});

describe('one plan at a time per deployment', () => {
  it('a trust write and a keystore write wait for another change’s plan instead of failing', async () => {
    const i = await prepare(apiKeyRequest({ remote: to('ece-b', DEFAULT_IDS.b9) }));
    const key = await keyStep(i);
    const ece = h.registry.ece('ece-a');
    await restartElasticsearchResource(ece, DEFAULT_IDS.a9, i.preflight.local.refId);
    h.transcript.heartbeats.length = 0;
    expect((await h.run('ensureProxyCaTrust', i)).created).toHaveLength(1);
    const waiting = `waiting for the pending plan on ${DEFAULT_IDS.a9} (another change)`;
    expect(h.transcript.heartbeats).toContainEqual(expect.objectContaining({ waiting }));

    await restartElasticsearchResource(ece, DEFAULT_IDS.a9, i.preflight.local.refId);
    h.transcript.heartbeats.length = 0;
    await h.run('writeKeystoreCredentials', { ...i, apiKey: key });
    expect(h.transcript.heartbeats).toContainEqual(expect.objectContaining({ waiting }));
  });
});
