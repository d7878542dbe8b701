/**
 * The CCR client functions (activities/elasticsearch/ccr.ts) against the strict simulator, through
 * connections crosslink's own activities make: followers through an alias, pause and resume (and
 * their idempotent repeats), follow stats and what they say, auto-follow patterns, and the transforms
 * and datafeeds that read through an alias. Local 8.13 and 9.1 differ (`master_timeout`, `timeout`
 * from 8.14): the same calls succeed on both.
 */
import { type StepInput } from '../../domain/activities';
import { connectionId } from '../../domain/connection-request';
import { createCrossClusterApiKey, updateCrossClusterApiKey } from '../../activities/elasticsearch/api-keys';
import { setKeystoreSecret } from '../../activities/ece/keystore';
import {
  type FollowerShardStats,
  autoFollowPatternsThroughAlias,
  followersThroughAlias,
  followingState,
  getAutoFollowPatterns,
  getFollowerInfo,
  getFollowerStats,
  jobsReadingThroughAlias,
  listTransforms,
  pauseAutoFollowPattern,
  pauseFollower,
  readsThroughAlias,
  resumeAutoFollowPattern,
  resumeFollower,
} from '../../activities/elasticsearch/ccr';
import { type EsClient } from '../../activities/elasticsearch/client';
import { putPersistentSettings } from '../../activities/elasticsearch/cluster';
import { DEFAULT_TOPOLOGY } from '../../simulator/default-topology';
import { type TopologyInput } from '../../simulator/topology';
import {
  DEFAULT_IDS,
  type Harness,
  apiKeyRequest,
  certificateRequest,
  failureOf,
  runPreflight,
  startHarness,
} from './support/harness';

/** The default topology, plus on a9 transforms and datafeeds, some reading through the `jobs` alias. */
function topology(): TopologyInput {
  const t = structuredClone(DEFAULT_TOPOLOGY);
  const a9 = t.environments['ece-a']!.deployments.find((d) => d.id === DEFAULT_IDS.a9)!;
  a9.transforms = [
    { id: 'through-jobs', source: { index: ['jobs:logs-*', 'local'] }, dest: { index: 'out-1' }, state: 'started' },
    { id: 'through-any', source: { index: '*:metrics-*' }, dest: { index: 'out-2' } },
    { id: 'local-only', source: { index: 'local' }, dest: { index: 'out-3' } },
    // More than one page of GET _transform (1000).
    ...Array.from({ length: 1000 }, (_, i) => ({
      id: `bulk-${String(i).padStart(4, '0')}`,
      source: { index: 'local' },
      dest: { index: `bulk-out-${i}` },
    })),
  ];
  a9.datafeeds = [
    { datafeed_id: 'feed-jobs', job_id: 'job-1', indices: ['jobs:metrics-*'], state: 'started' },
    { datafeed_id: 'feed-other', job_id: 'job-2', indices: ['other:metrics-*'] },
  ];
  return t;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ topology: topology() });
});
afterAll(() => h.close());

interface Connected {
  input: StepInput;
  alias: string;
  es: EsClient;
}

/** A certificate-model connection from `localId` to b9, made by crosslink's activities. */
async function certificateConnection(localId: string): Promise<Connected> {
  const request = certificateRequest({ local: { environment: 'ece-a', deploymentId: localId } });
  const input: StepInput = { connectionId: connectionId(request), request, preflight: await runPreflight(h, request) };
  const [trustA, trustB] = [
    await h.run('ensurePlatformTrust', { ...input, side: 'local' }),
    await h.run('ensurePlatformTrust', { ...input, side: 'remote' }),
  ];
  await h.run('ensureDeploymentTrust', { ...input, side: 'local', trustRelationshipId: trustA.trustRelationshipId });
  await h.run('ensureDeploymentTrust', { ...input, side: 'remote', trustRelationshipId: trustB.trustRelationshipId });
  await h.run('registerRemoteCluster', input);
  expect((await h.run('verifyRemoteConnection', input)).connected).toBe(true);
  const es = h.registry.elasticsearch('ece-a', localId, input.preflight.local.esUrl);
  return { input, alias: request.alias, es };
}

/** An API-key connection a9 -> b9 whose key grants replication on `leader-*`. */
async function apiKeyConnection(): Promise<Connected & { keyId: string }> {
  const request = apiKeyRequest({ access: { replication: [{ names: ['leader-*'] }] }, roles: [] });
  const input: StepInput = { connectionId: connectionId(request), request, preflight: await runPreflight(h, request) };
  const key = await h.run('createCrossClusterApiKey', input);
  await h.run('ensureProxyCaTrust', input);
  await h.run('writeKeystoreCredentials', { ...input, apiKey: key });
  await h.run('registerRemoteCluster', input);
  expect((await h.run('verifyRemoteConnection', input)).connected).toBe(true);
  const es = h.registry.elasticsearch('ece-a', DEFAULT_IDS.a9, input.preflight.local.esUrl);
  return { input, alias: request.alias, es, keyId: key.keyId };
}

let counter = 0;
/** A leader on b9 and its follower on the connection's local deployment (as a user creates it). */
async function follower(c: Connected, documents = 3): Promise<{ leader: string; follower: string }> {
  counter += 1;
  const leader = `leader-${counter}`;
  h.sim.ccr.createIndex('ece-b', DEFAULT_IDS.b9, leader, documents);
  const name = `copy-${counter}`;
  await c.es.http.request({
    method: 'PUT',
    path: `/${name}/_ccr/follow`,
    body: { remote_cluster: c.alias, leader_index: leader },
  });
  return { leader, follower: name };
}

/** Points the connection's alias at b9's certificate port or the API key port. */
const pointAt = (c: Connected, port: number) =>
  putPersistentSettings(c.es, {
    [`cluster.remote.${c.alias}.proxy_address`]: `${c.input.preflight.remote.endpoint}:${port}`,
  });

describe.each([
  ['9.1', DEFAULT_IDS.a9],
  ['8.13', DEFAULT_IDS.a813],
])('local %s, certificate model', (_line, localId) => {
  let c: Connected;
  beforeAll(async () => {
    c = await certificateConnection(localId);
  });

  test('followersThroughAlias lists the followers of this alias only, active and paused', async () => {
    const one = await follower(c);
    const two = await follower(c);
    await c.es.http.request({ method: 'POST', path: `/${two.follower}/_ccr/pause_follow` });
    h.sim.ccr.createIndex('ece-a', localId, `plain-${counter}`, 1);
    const through = await followersThroughAlias(c.es, c.alias);
    expect(through.filter((f) => [one.follower, two.follower].includes(f.follower_index))).toEqual([
      expect.objectContaining({ follower_index: one.follower, leader_index: one.leader, status: 'active' }),
      expect.objectContaining({ follower_index: two.follower, leader_index: two.leader, status: 'paused' }),
    ]);
    expect(through.every((f) => f.remote_cluster === c.alias)).toBe(true);
    expect(await followersThroughAlias(c.es, 'another-alias')).toEqual([]);
  });

  test('pause and resume, each idempotent; the follower resumes from its checkpoint', async () => {
    const f = await follower(c, 2);
    expect(await pauseFollower(c.es, f.follower)).toBe('paused');
    expect(await pauseFollower(c.es, f.follower)).toBe('already-paused');
    expect((await getFollowerInfo(c.es, f.follower))[0]!.status).toBe('paused');
    expect(await getFollowerStats(c.es, [f.follower])).toEqual([]); // no shard follow task while paused
    h.sim.ccr.appendDocuments('ece-b', DEFAULT_IDS.b9, f.leader, 3);
    expect(await resumeFollower(c.es, f.follower)).toBe('resumed');
    expect(await resumeFollower(c.es, f.follower)).toBe('already-active');
    const [shard] = await getFollowerStats(c.es, [f.follower]);
    expect(shard).toMatchObject({ follower_global_checkpoint: 4, operations_written: 3 });
    expect(followingState(shard!)).toEqual({ state: 'following' });
  });

  test('followingState: failing while the alias does not connect, following once it does', async () => {
    const f = await follower(c, 1);
    await pointAt(c, 9443); // the certificate model on the API key port: refused
    h.sim.ccr.appendDocuments('ece-b', DEFAULT_IDS.b9, f.leader, 1);
    const [failing] = await getFollowerStats(c.es, [f.follower]);
    expect(followingState(failing!)).toMatchObject({ state: 'failing', retries: 1 });
    // Resuming needs the remote: a connection failure is Transient, so the activity retries.
    await pauseFollower(c.es, f.follower);
    const error = await failureOf(resumeFollower(c.es, f.follower));
    expect(error).toMatchObject({ type: 'Transient', nonRetryable: false });
    await pointAt(c, 9400);
    expect(await resumeFollower(c.es, f.follower)).toBe('resumed');
    const [back] = await getFollowerStats(c.es, [f.follower]);
    expect(followingState(back!)).toEqual({ state: 'following' });
    expect(back!.follower_global_checkpoint).toBe(1);
  });

  test.each([
    [400, 'connect_transport_exception'],
    [404, 'no_such_remote_cluster_exception'],
    [500, 'connect_transport_exception'],
  ])(
    'resume while the remote is unreachable is Transient whatever the status (%i %s; UNCONFIRMED, §13)',
    async (status, code) => {
      const f = await follower(c, 1);
      await pauseFollower(c.es, f.follower);
      h.sim.inject({ route: 'ccr.resume_follow', kind: 'status', status, code, message: 'remote not reached' });
      const error = await failureOf(resumeFollower(c.es, f.follower));
      expect(error).toMatchObject({ type: 'Transient', nonRetryable: false });
      expect(error.message).toContain('not reachable through the alias');
      expect(await resumeFollower(c.es, f.follower)).toBe('resumed');
    },
  );

  test('errors that are not "nothing to do" still fail: no such index, not a follower', async () => {
    expect(await failureOf(pauseFollower(c.es, 'absent'))).toMatchObject({ type: 'NotFound' });
    h.sim.ccr.createIndex('ece-a', localId, `regular-${++counter}`, 0);
    const error = await failureOf(resumeFollower(c.es, `regular-${counter}`));
    expect(error).toMatchObject({ type: 'BadRequest' });
    expect(error.message).toContain('does not have ccr metadata');
  });

  test('auto-follow patterns through the alias: list, pause and resume (idempotent)', async () => {
    const name = `pattern-${++counter}`;
    await c.es.http.request({
      method: 'PUT',
      path: `/_ccr/auto_follow/${name}`,
      body: { remote_cluster: c.alias, leader_index_patterns: [`${name}-*`] },
    });
    expect((await autoFollowPatternsThroughAlias(c.es, c.alias)).map((p) => p.name)).toContain(name);
    await pauseAutoFollowPattern(c.es, name);
    await pauseAutoFollowPattern(c.es, name);
    const paused = (await getAutoFollowPatterns(c.es)).find((p) => p.name === name);
    expect(paused!.pattern.active).toBe(false);
    await resumeAutoFollowPattern(c.es, name);
    expect((await getAutoFollowPatterns(c.es)).find((p) => p.name === name)!.pattern.active).toBe(true);
    expect(await failureOf(pauseAutoFollowPattern(c.es, 'absent-pattern'))).toMatchObject({ type: 'NotFound' });
  });

  test('follow stats of only paused followers, and of an unknown name, are empty lists', async () => {
    const f = await follower(c, 1);
    await pauseFollower(c.es, f.follower);
    expect(await getFollowerStats(c.es, [f.follower])).toEqual([]);
    expect(await getFollowerStats(c.es, ['absent-follower'])).toEqual([]);
  });
});

describe('local 9.1, API key model', () => {
  let c: Connected & { keyId: string };
  beforeAll(async () => {
    c = await apiKeyConnection();
  });

  test('a follower through the key’s replication access follows; losing access shows as failing', async () => {
    const f = await follower(c, 2);
    const [shard] = await getFollowerStats(c.es, [f.follower]);
    expect(followingState(shard!)).toEqual({ state: 'following' });
    const remote = h.registry.elasticsearch('ece-b', DEFAULT_IDS.b9, c.input.preflight.remote.esUrl);
    await updateCrossClusterApiKey(remote, c.keyId, { access: { replication: [{ names: ['nothing-*'] }] } });
    h.sim.ccr.appendDocuments('ece-b', DEFAULT_IDS.b9, f.leader, 1);
    const [denied] = await getFollowerStats(c.es, [f.follower]);
    const state = followingState(denied!);
    expect(state).toMatchObject({ state: 'failing' });
    expect((state as { reason: string }).reason).toMatch(/^security_exception: /);
    // Resuming reads the leader through the key: refused on the remote, and the message says which credential.
    await pauseFollower(c.es, f.follower);
    const error = await failureOf(resumeFollower(c.es, f.follower));
    expect(error).toMatchObject({ type: 'Forbidden', nonRetryable: true });
    expect(error.message).toContain('the cross-cluster API key of this alias must grant access.replication');
    await updateCrossClusterApiKey(remote, c.keyId, { access: { replication: [{ names: ['leader-*'] }] } });
    expect(await resumeFollower(c.es, f.follower)).toBe('resumed');
  });

  test('certificate to API key model in place: pause, switch the alias, resume, following again', async () => {
    const cert = await certificateConnection(DEFAULT_IDS.a9);
    const f = await follower(cert, 2);
    expect(await pauseFollower(cert.es, f.follower)).toBe('paused');
    // What a migration writes for the same alias: a replication key in the keystore, the 9443 port.
    // (a9 trusts ece-b's private proxy CA since the API key connection above.)
    const remote = h.registry.elasticsearch('ece-b', DEFAULT_IDS.b9, cert.input.preflight.remote.esUrl);
    const key = await createCrossClusterApiKey(remote, {
      name: `migrate-${cert.alias}`,
      access: { replication: [{ names: ['leader-*'] }] },
      metadata: {},
    });
    await setKeystoreSecret(
      h.registry.ece('ece-a'),
      DEFAULT_IDS.a9,
      'main-elasticsearch',
      `cluster.remote.${cert.alias}.credentials`,
      key.encoded,
    );
    h.sim.ccr.appendDocuments('ece-b', DEFAULT_IDS.b9, f.leader, 2);
    // The credential is loaded (9.1), the alias still on 9400: resuming cannot reach the leader yet.
    expect(await failureOf(resumeFollower(cert.es, f.follower))).toMatchObject({ type: 'Transient' });
    await pointAt(cert, 9443);
    expect(await resumeFollower(cert.es, f.follower)).toBe('resumed');
    const [shard] = await getFollowerStats(cert.es, [f.follower]);
    expect(followingState(shard!)).toEqual({ state: 'following' });
    expect(shard!.follower_global_checkpoint).toBe(3);
  });
});

describe('jobs reading through an alias', () => {
  test('transforms (all pages) and datafeeds whose sources name the alias', async () => {
    const es = h.registry.elasticsearch(
      'ece-a',
      DEFAULT_IDS.a9,
      (await runPreflight(h, certificateRequest())).local.esUrl,
    );
    expect((await listTransforms(es)).length).toBe(1003);
    const jobs = await jobsReadingThroughAlias(es, 'jobs');
    expect(jobs.transforms).toEqual([
      { id: 'through-any', indices: ['*:metrics-*'], state: 'stopped' },
      { id: 'through-jobs', indices: ['jobs:logs-*', 'local'], state: 'started' },
    ]);
    expect(jobs.datafeeds).toEqual([{ id: 'feed-jobs', indices: ['jobs:metrics-*'], state: 'started' }]);
  });

  test.each([
    ['jobs:logs-*', 'jobs', true],
    [['local', 'jobs:x'], 'jobs', true],
    ['a:x,jobs:y', 'jobs', true],
    ['jo*:x', 'jobs', true],
    ['*:x', 'jobs', true],
    ['jobs-2:x', 'jobs', false],
    ['logs-*', 'jobs', false],
    ['-jobs:x', 'jobs', false],
  ] as const)('readsThroughAlias(%j, %s) is %s', (expression, alias, expected) => {
    expect(readsThroughAlias(expression, alias)).toBe(expected);
  });
});

test('followingState reads lag and a fatal failure from the stats', () => {
  const shard = (over: Partial<FollowerShardStats>): FollowerShardStats => ({
    remote_cluster: 'r',
    leader_index: 'l',
    follower_index: 'f',
    shard_id: 0,
    leader_global_checkpoint: 10,
    follower_global_checkpoint: 10,
    successful_read_requests: 1,
    failed_read_requests: 0,
    operations_written: 0,
    read_exceptions: [],
    ...over,
  });
  expect(followingState(shard({}))).toEqual({ state: 'following' });
  expect(followingState(shard({ follower_global_checkpoint: 7 }))).toEqual({ state: 'lagging', operationsBehind: 3 });
  expect(
    followingState(shard({ fatal_exception: { type: 'index_not_found_exception', reason: 'no such index [l]' } })),
  ).toEqual({ state: 'stopped', reason: 'index_not_found_exception: no such index [l]' });
});
