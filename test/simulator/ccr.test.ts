/**
 * Cross-cluster replication in the simulator (docs/simulator.md "Cross-cluster replication"; facts and
 * sources in docs/sources.md §13): followers, pause/resume, stats states, lag and catch-up, what a
 * follower does while its remote connection changes, unfollow, auto-follow patterns, both security
 * models, per-version strictness, transforms and datafeeds. Everything goes through the HTTP APIs,
 * except leader documents (the code API, `sim.ccr`), which crosslink never writes.
 *
 * Time is a replication round: each CCR request a deployment serves runs one first, so a test reads
 * the state before (`sim.ccr.index`, which does not replicate) and after (any CCR request).
 */
import { ValidationError } from '../../domain/validation';
import { parseTopology } from '../../simulator/topology';
import {
  createCrossClusterKey,
  esResource,
  platformTrust,
  putKeystoreCredential,
  registerRemote,
  trustExternal,
  trustProxyCa,
  type Side,
} from './connect';
import { DEFAULT_IDS, startClients, type Clients } from './fixtures';

let c: Clients;
const a9: Side = { env: 'ece-a', id: DEFAULT_IDS.a9 }; // 9.1.3
const a815: Side = { env: 'ece-a', id: DEFAULT_IDS.a815 }; // 8.15.1
const a813: Side = { env: 'ece-a', id: DEFAULT_IDS.a813 }; // 8.13.4
const b9: Side = { env: 'ece-b', id: DEFAULT_IDS.b9 }; // 9.1.3, private proxy CA

/** The key behind the `ak` alias on a9: replication on `leader-*` only. */
let replicationKey: { id: string; encoded: string };
let b9Endpoint: string;

beforeAll(async () => {
  c = await startClients({ planDurationMs: 30 });
  // Certificate model across environments: platform trust both ways, trust.external both deployments.
  const [relA, relB] = [await platformTrust(c, 'ece-a', 'ece-b'), await platformTrust(c, 'ece-b', 'ece-a')];
  const [a9Cluster, b9Resource] = [(await esResource(c, a9)).id, await esResource(c, b9)];
  b9Endpoint = b9Resource.info.metadata.endpoint;
  await trustExternal(c, a9, relA, b9Resource.id);
  await trustExternal(c, b9, relB, a9Cluster);
  // API key model: a9 trusts ece-b's private proxy CA; the key grants replication on leader-*.
  await trustProxyCa(c, a9, 'ece-b');
  replicationKey = await createCrossClusterKey(c, b9, 'ccr-replication', {
    access: { replication: [{ names: ['leader-*'] }] },
  });
  await putKeystoreCredential(c, a9, 'ak', replicationKey.encoded);
  await registerRemote(c, a9, 'ak', b9, { port: 9443 });
  await registerRemote(c, a9, 'cert', b9, { port: 9400 });
});
afterAll(() => c.close());

const es = (side: Side, method: string, path: string, body?: unknown) => c.es(side.env, side.id, method, path, body);

let counter = 0;
/** A fresh leader index on b9 with `documents` documents. */
function leader(documents = 5, prefix = 'leader'): string {
  counter += 1;
  const name = `${prefix}-${counter}`;
  c.sim.ccr.createIndex(b9.env, b9.id, name, documents);
  return name;
}

async function follow(side: Side, follower: string, alias: string, leaderIndex: string, query = '') {
  return es(side, 'PUT', `/${follower}/_ccr/follow${query}`, { remote_cluster: alias, leader_index: leaderIndex });
}

async function followed(side: Side, alias: string, documents = 5) {
  const leaderIndex = leader(documents);
  const follower = `f-${leaderIndex}`;
  const res = await follow(side, follower, alias, leaderIndex);
  expect(res.status).toBe(200);
  return { leaderIndex, follower };
}

/** The one shard's stats of a follower (runs a replication round). */
async function shard(side: Side, follower: string) {
  const res = await es(side, 'GET', `/${follower}/_ccr/stats`);
  expect(res.status).toBe(200);
  return res.body.indices[0].shards[0];
}

const docs = (side: Side, index: string) => c.sim.ccr.index(side.env, side.id, index)?.documents;
const append = (index: string, count: number) => c.sim.ccr.appendDocuments(b9.env, b9.id, index, count);

/** Points an alias of `side` at b9 on `port` (9400 certificate, 9443 API key). */
async function pointAlias(side: Side, alias: string, port: number) {
  const res = await es(side, 'PUT', '/_cluster/settings', {
    persistent: { [`cluster.remote.${alias}.proxy_address`]: `${b9Endpoint}:${port}` },
  });
  expect(res.status).toBe(200);
}

describe('follow, follow info and follow stats [server TransportPutFollowAction, TransportFollowInfoAction]', () => {
  test('a follower copies the leader, reports active with its parameters, and is caught up', async () => {
    const leaderIndex = leader(5);
    const res = await follow(a9, 'copy-1', 'cert', leaderIndex);
    // wait_for_active_shards defaults to 0: the answer comes before the shard is active.
    expect(res.body).toEqual({
      follow_index_created: true,
      follow_index_shards_acked: false,
      index_following_started: false,
    });
    const info = await es(a9, 'GET', '/copy-1/_ccr/info');
    expect(info.body.follower_indices).toEqual([
      {
        follower_index: 'copy-1',
        remote_cluster: 'cert',
        leader_index: leaderIndex,
        status: 'active',
        parameters: {
          max_read_request_operation_count: 5120,
          max_write_request_operation_count: 5120,
          max_outstanding_read_requests: 12,
          max_outstanding_write_requests: 9,
          max_read_request_size: '32mb',
          max_write_request_size: '9223372036854775807b',
          max_write_buffer_count: 2147483647,
          max_write_buffer_size: '512mb',
          max_retry_delay: '500ms',
          read_poll_timeout: '1m',
        },
      },
    ]);
    const s = await shard(a9, 'copy-1');
    expect(s).toMatchObject({
      remote_cluster: 'cert',
      leader_index: leaderIndex,
      follower_index: 'copy-1',
      shard_id: 0,
      leader_global_checkpoint: 4,
      follower_global_checkpoint: 4,
      read_exceptions: [],
    });
    expect(s.fatal_exception).toBeUndefined();
    expect(docs(a9, 'copy-1')).toBe(5);
  });

  test('wait_for_active_shards=1 answers once following started', async () => {
    const res = await follow(a9, 'copy-2', 'cert', leader(1), '?wait_for_active_shards=1');
    expect(res.body).toEqual({
      follow_index_created: true,
      follow_index_shards_acked: true,
      index_following_started: true,
    });
  });

  test('documents appended to the leader lag until the next round, then replicate', async () => {
    const { leaderIndex, follower } = await followed(a9, 'cert', 5);
    append(leaderIndex, 3);
    expect(docs(a9, follower)).toBe(5); // no round yet: the follower lags
    const s = await shard(a9, follower);
    expect(s).toMatchObject({ leader_global_checkpoint: 7, follower_global_checkpoint: 7, operations_read: 3 });
    expect(s.successful_read_requests).toBe(1);
    expect(docs(a9, follower)).toBe(8);
  });

  test('refusals: missing fields, unknown alias, missing leader, existing follower, invalid name', async () => {
    const missing = await es(a9, 'PUT', '/x-1/_ccr/follow', {});
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({
      type: 'action_request_validation_exception',
      reason: 'Validation Failed: 1: [remote_cluster] is missing;2: [leader_index] is missing;',
    });
    const noAlias = await follow(a9, 'x-2', 'nowhere', 'leader-1');
    expect(noAlias.status).toBe(404);
    expect(noAlias.body.error).toMatchObject({
      type: 'no_such_remote_cluster_exception',
      reason: 'no such remote cluster: [nowhere]',
    });
    const noLeader = await follow(a9, 'x-3', 'cert', 'leader-none');
    expect(noLeader.status).toBe(404);
    expect(noLeader.body.error).toMatchObject({
      type: 'index_not_found_exception',
      reason: 'no such index [leader-none]',
    });
    const { follower } = await followed(a9, 'cert', 1);
    const again = await follow(a9, follower, 'cert', leader(1));
    expect(again.status).toBe(400);
    expect(again.body.error.type).toBe('resource_already_exists_exception');
    const upper = await follow(a9, 'Upper', 'cert', leader(1));
    expect(upper.status).toBe(400);
    expect(upper.body.error).toMatchObject({
      type: 'invalid_index_name_exception',
      reason: 'Invalid index name [Upper], must be lowercase',
    });
  });

  test('info over several indices lists followers only; a missing concrete index is 404', async () => {
    const { follower } = await followed(a9, 'cert', 1);
    c.sim.ccr.createIndex(a9.env, a9.id, 'plain-1', 2);
    const info = await es(a9, 'GET', `/${follower},plain-1/_ccr/info`);
    expect(info.body.follower_indices.map((f: any) => f.follower_index)).toEqual([follower]);
    const all = await es(a9, 'GET', '/_all/_ccr/info');
    expect(all.body.follower_indices.map((f: any) => f.follower_index)).toContain(follower);
    const none = await es(a9, 'GET', '/absent-1/_ccr/info');
    expect(none.status).toBe(404);
    expect(none.body.error.type).toBe('index_not_found_exception');
  });
});

describe('pause and resume [server TransportPauseFollowAction, TransportResumeFollowAction, TransportFollowStatsAction]', () => {
  test('a paused follower has no stats, reads nothing, and resumes from its checkpoint', async () => {
    const { leaderIndex, follower } = await followed(a9, 'cert', 5);
    expect((await es(a9, 'POST', `/${follower}/_ccr/pause_follow`)).body).toEqual({ acknowledged: true });
    const info = await es(a9, 'GET', `/${follower}/_ccr/info`);
    expect(info.body.follower_indices).toEqual([
      { follower_index: follower, remote_cluster: 'cert', leader_index: leaderIndex, status: 'paused' },
    ]);
    const stats = await es(a9, 'GET', `/${follower}/_ccr/stats`);
    expect(stats.status).toBe(404);
    expect(stats.body.error).toMatchObject({
      type: 'resource_not_found_exception',
      reason: `No shard follow tasks for follower indices [${follower}]`,
    });
    const all = await es(a9, 'GET', '/_all/_ccr/stats');
    expect(all.body.indices.map((i: any) => i.index)).not.toContain(follower);

    append(leaderIndex, 2);
    c.sim.ccr.replicate();
    expect(docs(a9, follower)).toBe(5);

    const twice = await es(a9, 'POST', `/${follower}/_ccr/pause_follow`);
    expect(twice.status).toBe(400);
    expect(twice.body.error).toMatchObject({
      type: 'illegal_argument_exception',
      reason: `no shard follow tasks for [${follower}]`,
    });

    expect((await es(a9, 'POST', `/${follower}/_ccr/resume_follow`)).body).toEqual({ acknowledged: true });
    const s = await shard(a9, follower);
    // A new shard follow task: its counters start again; it read the 2 documents it missed.
    expect(s).toMatchObject({ follower_global_checkpoint: 6, leader_global_checkpoint: 6, operations_read: 2 });

    const active = await es(a9, 'POST', `/${follower}/_ccr/resume_follow`);
    expect(active.status).toBe(400);
    expect(active.body.error.type).toBe('resource_already_exists_exception');
    expect(active.body.error.reason).toMatch(/^task with id \{.+-0\} already exist$/);
  });

  test('resume takes follow parameters; info shows them', async () => {
    const { follower } = await followed(a9, 'cert', 1);
    await es(a9, 'POST', `/${follower}/_ccr/pause_follow`);
    const res = await es(a9, 'POST', `/${follower}/_ccr/resume_follow`, {
      max_read_request_operation_count: 100,
      read_poll_timeout: '30s',
    });
    expect(res.status).toBe(200);
    const info = await es(a9, 'GET', `/${follower}/_ccr/info`);
    expect(info.body.follower_indices[0].parameters).toMatchObject({
      max_read_request_operation_count: 100,
      read_poll_timeout: '30s',
      max_outstanding_read_requests: 12,
    });
    const bad = await es(a9, 'POST', `/${follower}/_ccr/pause_follow`).then(() =>
      es(a9, 'POST', `/${follower}/_ccr/resume_follow`, { max_outstanding_read_requests: 0 }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.reason).toBe('Validation Failed: 1: [max_outstanding_read_requests] must be larger than 0;');
  });

  test('pause and resume of what is no follower', async () => {
    c.sim.ccr.createIndex(a9.env, a9.id, 'plain-2', 1);
    const pause = await es(a9, 'POST', '/plain-2/_ccr/pause_follow');
    expect(pause.body.error).toMatchObject({
      type: 'illegal_argument_exception',
      reason: 'index [plain-2] is not a follower index',
    });
    const resume = await es(a9, 'POST', '/plain-2/_ccr/resume_follow');
    expect(resume.body.error.reason).toBe('follow index [plain-2] does not have ccr metadata');
    expect((await es(a9, 'POST', '/absent-2/_ccr/pause_follow')).status).toBe(404);
  });
});

describe('a follower while its remote connection changes [server ShardFollowNodeTask]', () => {
  test('an active follower stops reading while the alias does not connect, and catches up after', async () => {
    await registerRemote(c, a9, 'switch', b9, { port: 9400 });
    const { leaderIndex, follower } = await followed(a9, 'switch', 5);
    // 9443 without a credential: the certificate model cannot use the remote cluster server port.
    await pointAlias(a9, 'switch', 9443);
    append(leaderIndex, 4);
    const first = await shard(a9, follower);
    expect(first.follower_global_checkpoint).toBe(4);
    expect(first.leader_global_checkpoint).toBe(4); // what the task last saw, not the leader's 8
    expect(first.read_exceptions).toHaveLength(1);
    expect(first.read_exceptions[0]).toMatchObject({ from_seq_no: 5, retries: 1 });
    expect(first.read_exceptions[0].exception.type).toBe('connect_transport_exception');
    expect(first.read_exceptions[0].exception.reason).toContain('configured remote cluster credentials');
    const second = await shard(a9, follower);
    expect(second.read_exceptions[0].retries).toBe(2);
    expect(second.failed_read_requests).toBe(2);
    expect(second.fatal_exception).toBeUndefined();
    // Still active: the task exists and keeps retrying.
    expect((await es(a9, 'GET', `/${follower}/_ccr/info`)).body.follower_indices[0].status).toBe('active');

    await pointAlias(a9, 'switch', 9400);
    const after = await shard(a9, follower);
    expect(after).toMatchObject({ read_exceptions: [], follower_global_checkpoint: 8, leader_global_checkpoint: 8 });
    expect(docs(a9, follower)).toBe(9);
  });

  test('while the alias is removed, reads fail with no_such_remote_cluster_exception', async () => {
    await registerRemote(c, a9, 'gone', b9, { port: 9400 });
    const { leaderIndex, follower } = await followed(a9, 'gone', 2);
    await es(a9, 'PUT', '/_cluster/settings', { persistent: { 'cluster.remote.gone.*': null } });
    append(leaderIndex, 1);
    const s = await shard(a9, follower);
    expect(s.read_exceptions[0].exception).toEqual({
      type: 'no_such_remote_cluster_exception',
      reason: 'no such remote cluster: [gone]',
    });
    await registerRemote(c, a9, 'gone', b9, { port: 9400 });
    expect((await shard(a9, follower)).follower_global_checkpoint).toBe(2);
  });

  test('a paused follower does not read; resume needs the remote, then reads from its checkpoint', async () => {
    await registerRemote(c, a9, 'paused', b9, { port: 9400 });
    const { leaderIndex, follower } = await followed(a9, 'paused', 3);
    await es(a9, 'POST', `/${follower}/_ccr/pause_follow`);
    await pointAlias(a9, 'paused', 9443);
    append(leaderIndex, 2);
    c.sim.ccr.replicate();
    const refused = await es(a9, 'POST', `/${follower}/_ccr/resume_follow`);
    expect(refused.status).toBe(500);
    expect(refused.body.error.type).toBe('connect_transport_exception');
    expect(c.sim.ccr.index(a9.env, a9.id, follower)).toMatchObject({ documents: 3, follower: { status: 'paused' } });
    await pointAlias(a9, 'paused', 9400);
    expect((await es(a9, 'POST', `/${follower}/_ccr/resume_follow`)).status).toBe(200);
    expect(await shard(a9, follower)).toMatchObject({ follower_global_checkpoint: 4, operations_read: 2 });
  });

  test('an alias that now reaches a cluster without the leader: fatal, the follower stops until resumed', async () => {
    // Same environment (8.13 follower of a 9.1 leader): the default account trust connects 9400.
    c.sim.ccr.createIndex(a9.env, a9.id, 'same-env-leader', 3);
    await registerRemote(c, a813, 'moving', a9, { port: 9400 });
    expect((await follow(a813, 'same-env-copy', 'moving', 'same-env-leader')).status).toBe(200);
    await registerRemote(c, a813, 'moving', a815, { port: 9400 });
    const s = await shard(a813, 'same-env-copy');
    expect(s.fatal_exception).toMatchObject({
      type: 'index_not_found_exception',
      reason: 'no such index [same-env-leader]',
    });
    c.sim.ccr.appendDocuments(a9.env, a9.id, 'same-env-leader', 1);
    expect((await shard(a813, 'same-env-copy')).failed_read_requests).toBe(s.failed_read_requests); // no more reads
    await es(a813, 'POST', '/same-env-copy/_ccr/pause_follow');
    expect((await es(a813, 'POST', '/same-env-copy/_ccr/resume_follow')).status).toBe(404);
    await registerRemote(c, a813, 'moving', a9, { port: 9400 });
    expect((await es(a813, 'POST', '/same-env-copy/_ccr/resume_follow')).status).toBe(200);
    expect(await shard(a813, 'same-env-copy')).toMatchObject({ follower_global_checkpoint: 3, read_exceptions: [] });
  });
});

describe('both security models [server RemoteClusterSecurityCcrMigrationIT, cross-cluster API key access]', () => {
  test('API key model: a key granting replication on the leader lets the follower follow', async () => {
    const { leaderIndex, follower } = await followed(a9, 'ak', 4);
    append(leaderIndex, 1);
    expect(await shard(a9, follower)).toMatchObject({ follower_global_checkpoint: 4, read_exceptions: [] });
  });

  test('API key model: a leader outside the key’s replication names is refused with security_exception', async () => {
    const other = leader(1, 'other');
    const res = await follow(a9, 'no-access', 'ak', other);
    expect(res.status).toBe(403);
    expect(res.body.error.type).toBe('security_exception');
    expect(res.body.error.reason).toContain('[indices:monitor/stats] towards remote cluster is unauthorized');
    expect(res.body.error.reason).toContain(`API key id [${replicationKey.id}]`);
    expect(res.body.error.reason).toContain(`on indices [${other}]`);
  });

  test('API key model: a search-only key cannot follow', async () => {
    const key = await createCrossClusterKey(c, b9, 'search-only', { access: { search: [{ names: ['*'] }] } });
    await putKeystoreCredential(c, a9, 'search-only', key.encoded);
    await registerRemote(c, a9, 'search-only', b9, { port: 9443 });
    const res = await follow(a9, 'search-only-copy', 'search-only', leader(1));
    expect(res.status).toBe(403);
    expect(res.body.error.type).toBe('security_exception');
  });

  test('API key model: when the key loses replication access, reads fail with security_exception until it is back', async () => {
    const key = await createCrossClusterKey(c, b9, 'narrowing', { access: { replication: [{ names: ['leader-*'] }] } });
    await putKeystoreCredential(c, a9, 'narrowing', key.encoded);
    await registerRemote(c, a9, 'narrowing', b9, { port: 9443 });
    const { leaderIndex, follower } = await followed(a9, 'narrowing', 2);
    const update = (names: string[]) =>
      es(b9, 'PUT', `/_security/cross_cluster/api_key/${key.id}`, { access: { replication: [{ names }] } });
    expect((await update(['unrelated-*'])).body).toEqual({ updated: true });
    append(leaderIndex, 3);
    const failing = await shard(a9, follower);
    expect(failing.follower_global_checkpoint).toBe(1);
    expect(failing.read_exceptions[0].exception.type).toBe('security_exception');
    expect(failing.read_exceptions[0].exception.reason).toContain('indices:data/read/xpack/ccr/shard_changes');
    expect(failing.fatal_exception).toBeUndefined(); // security errors are retried
    await update(['leader-*']);
    expect(await shard(a9, follower)).toMatchObject({ follower_global_checkpoint: 4, read_exceptions: [] });
  });

  test('certificate model to API key model in place, paused around the switch (crosslink’s migration)', async () => {
    await registerRemote(c, a9, 'migrate', b9, { port: 9400 });
    const { leaderIndex, follower } = await followed(a9, 'migrate', 3);
    expect((await es(a9, 'POST', `/${follower}/_ccr/pause_follow`)).status).toBe(200);
    await putKeystoreCredential(c, a9, 'migrate', replicationKey.encoded);
    await pointAlias(a9, 'migrate', 9443);
    append(leaderIndex, 2);
    expect((await es(a9, 'GET', '/_remote/info')).body.migrate).toMatchObject({
      connected: true,
      cluster_credentials: '::es_redacted::',
    });
    expect((await es(a9, 'POST', `/${follower}/_ccr/resume_follow`)).status).toBe(200);
    expect(await shard(a9, follower)).toMatchObject({ follower_global_checkpoint: 4, read_exceptions: [] });
  });

  test('certificate model to API key model without pausing: the follower retries, then catches up', async () => {
    await registerRemote(c, a9, 'live', b9, { port: 9400 });
    const { leaderIndex, follower } = await followed(a9, 'live', 2);
    await putKeystoreCredential(c, a9, 'live', replicationKey.encoded); // loaded at once on 9.1: 9400 now fails
    append(leaderIndex, 1);
    const during = await shard(a9, follower);
    expect(during.read_exceptions[0].exception.reason).toContain('requires channel profile to be [_remote_cluster]');
    await pointAlias(a9, 'live', 9443);
    expect(await shard(a9, follower)).toMatchObject({ follower_global_checkpoint: 2, read_exceptions: [] });
  });
});

describe('unfollow and index open/close [server TransportUnfollowAction]', () => {
  test('unfollow needs a paused and closed follower, then leaves a regular index', async () => {
    const { follower } = await followed(a9, 'cert', 2);
    const open = await es(a9, 'POST', `/${follower}/_ccr/unfollow`);
    expect(open.status).toBe(400);
    expect(open.body.error.reason).toBe(
      `cannot convert the follower index [${follower}] to a non-follower, because it has not been closed`,
    );
    const closed = await es(a9, 'POST', `/${follower}/_close`);
    expect(closed.body).toEqual({
      acknowledged: true,
      shards_acknowledged: true,
      indices: { [follower]: { closed: true } },
    });
    const active = await es(a9, 'POST', `/${follower}/_ccr/unfollow`);
    expect(active.body.error.reason).toBe(
      `cannot convert the follower index [${follower}] to a non-follower, because it has not been paused`,
    );
    await es(a9, 'POST', `/${follower}/_ccr/pause_follow`);
    expect((await es(a9, 'POST', `/${follower}/_ccr/unfollow`)).body).toEqual({ acknowledged: true });
    expect((await es(a9, 'GET', `/${follower}/_ccr/info`)).body.follower_indices).toEqual([]);
    expect((await es(a9, 'POST', `/${follower}/_open`)).body).toEqual({
      acknowledged: true,
      shards_acknowledged: true,
    });
    expect(c.sim.ccr.index(a9.env, a9.id, follower)).toMatchObject({ open: true, documents: 2 });
    expect(c.sim.ccr.index(a9.env, a9.id, follower)!.follower).toBeUndefined();
    const again = await es(a9, 'POST', `/${follower}/_ccr/unfollow`);
    expect(again.body.error.reason).toBe(`index [${follower}] is not a follower index`);
    expect((await es(a9, 'POST', '/absent-3/_ccr/unfollow')).status).toBe(404);
  });

  test('unfollow with the remote unreachable converts the index but reports the lease it could not remove', async () => {
    await registerRemote(c, a9, 'lease', b9, { port: 9400 });
    const { follower } = await followed(a9, 'lease', 1);
    await es(a9, 'POST', `/${follower}/_ccr/pause_follow`);
    await es(a9, 'POST', `/${follower}/_close`);
    await pointAlias(a9, 'lease', 9443);
    const res = await es(a9, 'POST', `/${follower}/_ccr/unfollow`);
    expect(res.status).toBe(500);
    expect(res.body.error.failed_to_remove_retention_leases).toMatch(new RegExp(`/${follower}/.+-following-lease/`));
    expect(c.sim.ccr.index(a9.env, a9.id, follower)!.follower).toBeUndefined();
  });
});

describe('auto-follow patterns [server TransportPutAutoFollowPatternAction, AutoFollowCoordinator]', () => {
  test('lifecycle: put, follow new leaders only, pause, resume, delete', async () => {
    c.sim.ccr.createIndex(b9.env, b9.id, 'auto-old', 1);
    const put = await es(a9, 'PUT', '/_ccr/auto_follow/logs-pattern', {
      remote_cluster: 'cert',
      leader_index_patterns: ['auto-*'],
      leader_index_exclusion_patterns: ['auto-skip-*'],
      follow_index_pattern: '{{leader_index}}-copy',
    });
    expect(put.body).toEqual({ acknowledged: true });
    const got = await es(a9, 'GET', '/_ccr/auto_follow/logs-pattern');
    expect(got.body.patterns).toEqual([
      {
        name: 'logs-pattern',
        pattern: {
          active: true,
          remote_cluster: 'cert',
          leader_index_patterns: ['auto-*'],
          leader_index_exclusion_patterns: ['auto-skip-*'],
          follow_index_pattern: '{{leader_index}}-copy',
        },
      },
    ]);
    c.sim.ccr.createIndex(b9.env, b9.id, 'auto-new', 2);
    c.sim.ccr.createIndex(b9.env, b9.id, 'auto-skip-1', 2);
    const stats = await es(a9, 'GET', '/_ccr/stats');
    expect(stats.body.auto_follow_stats).toMatchObject({
      number_of_successful_follow_indices: 1,
      number_of_failed_follow_indices: 0,
      recent_auto_follow_errors: [],
    });
    expect(stats.body.auto_follow_stats.auto_followed_clusters.map((x: any) => x.cluster_name)).toEqual(['cert']);
    const info = await es(a9, 'GET', '/auto-*/_ccr/info');
    expect(info.body.follower_indices).toEqual([
      expect.objectContaining({ follower_index: 'auto-new-copy', leader_index: 'auto-new', status: 'active' }),
    ]);
    expect(stats.body.follow_stats.indices.map((i: any) => i.index)).toContain('auto-new-copy');

    expect((await es(a9, 'POST', '/_ccr/auto_follow/logs-pattern/pause')).body).toEqual({ acknowledged: true });
    expect((await es(a9, 'GET', '/_ccr/auto_follow')).body.patterns[0].pattern.active).toBe(false);
    c.sim.ccr.createIndex(b9.env, b9.id, 'auto-while-paused', 1);
    c.sim.ccr.replicate();
    expect(c.sim.ccr.index(a9.env, a9.id, 'auto-while-paused-copy')).toBeUndefined();
    await es(a9, 'POST', '/_ccr/auto_follow/logs-pattern/resume');
    c.sim.ccr.replicate();
    // Indices created while the pattern was paused are followed once it resumes.
    expect(c.sim.ccr.index(a9.env, a9.id, 'auto-while-paused-copy')?.follower?.status).toBe('active');

    expect((await es(a9, 'DELETE', '/_ccr/auto_follow/logs-pattern')).body).toEqual({ acknowledged: true });
    const gone = await es(a9, 'GET', '/_ccr/auto_follow/logs-pattern');
    expect(gone.status).toBe(404);
    expect(gone.body.error).toMatchObject({
      type: 'resource_not_found_exception',
      reason: 'auto-follow pattern [logs-pattern] is missing',
    });
    expect((await es(a9, 'POST', '/_ccr/auto_follow/logs-pattern/pause')).status).toBe(404);
    expect((await es(a9, 'DELETE', '/_ccr/auto_follow/logs-pattern')).status).toBe(404);
  });

  test('a remote that does not connect: failed remote state reads, then recovery', async () => {
    await registerRemote(c, a9, 'flaky', b9, { port: 9400 });
    await es(a9, 'PUT', '/_ccr/auto_follow/flaky-pattern', {
      remote_cluster: 'flaky',
      leader_index_patterns: ['flaky-*'],
    });
    await pointAlias(a9, 'flaky', 9443);
    c.sim.ccr.createIndex(b9.env, b9.id, 'flaky-1', 1);
    const before = (await es(a9, 'GET', '/_ccr/stats')).body.auto_follow_stats;
    const after = (await es(a9, 'GET', '/_ccr/stats')).body.auto_follow_stats;
    expect(after.number_of_failed_remote_cluster_state_requests).toBe(
      before.number_of_failed_remote_cluster_state_requests + 1,
    );
    expect(after.recent_auto_follow_errors).toEqual([
      expect.objectContaining({
        leader_index: 'flaky-pattern',
        auto_follow_exception: expect.objectContaining({ type: 'connect_transport_exception' }),
      }),
    ]);
    await pointAlias(a9, 'flaky', 9400);
    const recovered = (await es(a9, 'GET', '/_ccr/stats')).body.auto_follow_stats;
    expect(recovered.recent_auto_follow_errors).toEqual([]);
    expect(c.sim.ccr.index(a9.env, a9.id, 'flaky-1')?.follower?.status).toBe('active');
    await es(a9, 'DELETE', '/_ccr/auto_follow/flaky-pattern');
  });

  test('a follower name already taken: a failed follow, retried each round', async () => {
    c.sim.ccr.createIndex(a9.env, a9.id, 'taken-1', 0);
    await es(a9, 'PUT', '/_ccr/auto_follow/taken-pattern', {
      remote_cluster: 'cert',
      leader_index_patterns: ['taken-*'],
    });
    c.sim.ccr.createIndex(b9.env, b9.id, 'taken-1', 1);
    const first = (await es(a9, 'GET', '/_ccr/stats')).body.auto_follow_stats;
    const second = (await es(a9, 'GET', '/_ccr/stats')).body.auto_follow_stats;
    expect(second.number_of_failed_follow_indices).toBe(first.number_of_failed_follow_indices + 1);
    expect(second.recent_auto_follow_errors).toEqual([
      expect.objectContaining({ leader_index: 'taken-pattern:taken-1' }),
    ]);
    await es(a9, 'DELETE', '/_ccr/auto_follow/taken-pattern');
  });

  test('validation, an unknown alias and the API key model’s replication names', async () => {
    const invalid = await es(a9, 'PUT', '/_ccr/auto_follow/Bad_Name', { remote_cluster: 'cert' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.reason).toBe(
      'Validation Failed: 1: [name] must be lower cased;2: [leader_index_patterns] is missing;',
    );
    const noAlias = await es(a9, 'PUT', '/_ccr/auto_follow/p-none', {
      remote_cluster: 'nowhere',
      leader_index_patterns: ['x-*'],
    });
    expect(noAlias.status).toBe(404);
    // The key grants replication on leader-* only: an auto-followed `denied-*` index fails to follow.
    await es(a9, 'PUT', '/_ccr/auto_follow/ak-pattern', { remote_cluster: 'ak', leader_index_patterns: ['denied-*'] });
    c.sim.ccr.createIndex(b9.env, b9.id, 'denied-1', 1);
    const stats = (await es(a9, 'GET', '/_ccr/stats')).body.auto_follow_stats;
    const error = stats.recent_auto_follow_errors.find((e: any) => e.leader_index === 'ak-pattern:denied-1');
    expect(error.auto_follow_exception.type).toBe('security_exception');
    await es(a9, 'DELETE', '/_ccr/auto_follow/ak-pattern');
  });
});

describe('per-version strictness of the CCR requests [spec 8.13 vs 8.14, 8.17 vs 8.18; server BaseRestHandler]', () => {
  test('master_timeout on the CCR APIs: refused on 8.13, accepted from 8.14', async () => {
    const old = await es(a813, 'POST', '/absent-4/_ccr/pause_follow?master_timeout=30s');
    expect(old.status).toBe(400);
    expect(old.body.error.reason).toBe(
      'request [/absent-4/_ccr/pause_follow] contains unrecognized parameter: [master_timeout]',
    );
    // Accepted: the request reaches the handler, which finds no such index.
    expect((await es(a815, 'POST', '/absent-4/_ccr/pause_follow?master_timeout=30s')).status).toBe(404);
    expect((await es(a813, 'GET', '/_ccr/auto_follow?master_timeout=30s')).status).toBe(400);
    expect((await es(a815, 'GET', '/_ccr/auto_follow?master_timeout=30s')).status).toBe(200);
  });

  test('follow stats `timeout`: refused on 8.13, accepted from 8.14', async () => {
    expect((await es(a813, 'GET', '/_all/_ccr/stats?timeout=10s')).status).toBe(400);
    expect((await es(a815, 'GET', '/_all/_ccr/stats?timeout=10s')).status).toBe(200);
  });

  test('follow body `settings`: unknown to the spec before 8.18', async () => {
    const body = { remote_cluster: 'nowhere', leader_index: 'x', settings: { 'index.number_of_replicas': 0 } };
    const old = await es(a815, 'PUT', '/x-4/_ccr/follow', body);
    expect(old.status).toBe(400);
    expect(old.body.error).toMatchObject({
      type: 'x_content_parse_exception',
      reason: '[indices:admin/xpack/ccr/put_follow] unknown field [settings]',
    });
    expect((await es(a9, 'PUT', '/x-4/_ccr/follow', body)).body.error.type).toBe('no_such_remote_cluster_exception');
  });

  test('bodies: pause takes none, auto-follow put refuses unknown fields', async () => {
    const pause = await es(a9, 'POST', '/absent-5/_ccr/pause_follow', {});
    expect(pause.body.error.reason).toBe('request [POST /absent-5/_ccr/pause_follow] does not support having a body');
    const put = await es(a9, 'PUT', '/_ccr/auto_follow/p-x', {
      remote_cluster: 'cert',
      leader_index_patterns: ['a'],
      x: 1,
    });
    expect(put.body.error.reason).toBe('[put_auto_follow_pattern_request] unknown field [x]');
  });
});

test('snapshots list followers and auto-follow patterns', async () => {
  const { leaderIndex, follower } = await followed(a9, 'cert', 1);
  await es(a9, 'POST', `/${follower}/_ccr/pause_follow`);
  await es(a9, 'PUT', '/_ccr/auto_follow/snap-pattern', { remote_cluster: 'cert', leader_index_patterns: ['snap-*'] });
  const dep = c.sim.snapshot()['ece-a']!.deployments[a9.id]!;
  expect(dep.followers[follower]).toEqual({ remoteCluster: 'cert', leaderIndex, status: 'paused' });
  expect(dep.autoFollowPatterns['snap-pattern']).toEqual({ remoteCluster: 'cert', active: true });
});

describe('transforms and datafeeds, read-only, from the topology file', () => {
  let j: Clients;
  const id = 'a'.repeat(32);
  const side: Side = { env: 'x', id };
  beforeAll(async () => {
    j = await startClients({
      planDurationMs: 30,
      topology: {
        environments: {
          x: {
            deployments: [
              {
                id,
                name: 'jobs',
                version: '8.15.1',
                indices: [{ name: 'local-logs', documents: 3 }],
                transforms: [
                  { id: 'remote-rollup', source: { index: ['cert:logs-*', 'local-logs'] }, dest: { index: 'rollup' } },
                  { id: 'local-only', source: { index: 'local-logs' }, dest: { index: 'l2' }, state: 'started' },
                ],
                datafeeds: [{ datafeed_id: 'datafeed-remote', job_id: 'remote', indices: ['cert:metrics-*'] }],
              },
            ],
          },
        },
      },
    });
  });
  afterAll(() => j.close());
  const get = (path: string) => j.es(side.env, side.id, 'GET', path);

  test('GET _transform lists every transform with its source indices; by id, wildcard and missing', async () => {
    const all = await get('/_transform');
    expect(all.body.count).toBe(2);
    expect(all.body.transforms.map((t: any) => [t.id, t.source.index])).toEqual([
      ['local-only', ['local-logs']],
      ['remote-rollup', ['cert:logs-*', 'local-logs']],
    ]);
    expect((await get('/_transform/remote-*')).body.transforms.map((t: any) => t.id)).toEqual(['remote-rollup']);
    expect((await get('/_transform/none-*')).body).toEqual({ count: 0, transforms: [] });
    expect((await get('/_transform/none-*?allow_no_match=false')).status).toBe(404);
    const missing = await get('/_transform/absent');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({
      type: 'resource_not_found_exception',
      reason: 'Transform with id [absent] could not be found',
    });
    const stats = await get('/_transform/_all/_stats');
    expect(stats.body.transforms.map((t: any) => [t.id, t.state])).toEqual([
      ['local-only', 'started'],
      ['remote-rollup', 'stopped'],
    ]);
  });

  test('GET _ml/datafeeds lists datafeeds with their indices; stats; missing', async () => {
    const all = await get('/_ml/datafeeds');
    expect(all.body).toMatchObject({
      count: 1,
      datafeeds: [{ datafeed_id: 'datafeed-remote', job_id: 'remote', indices: ['cert:metrics-*'] }],
    });
    expect((await get('/_ml/datafeeds/_stats')).body.datafeeds).toEqual([
      expect.objectContaining({ datafeed_id: 'datafeed-remote', state: 'stopped' }),
    ]);
    const missing = await get('/_ml/datafeeds/absent/_stats');
    expect(missing.status).toBe(404);
    expect(missing.body.error.reason).toBe('No datafeed with id [absent] exists');
  });

  test('topology indices exist with their documents', () => {
    expect(j.sim.ccr.index('x', id, 'local-logs')).toMatchObject({ documents: 3, globalCheckpoint: 2, open: true });
  });
});

test('the topology file refuses an invalid or repeated index name, naming the field', () => {
  const topology = (indices: unknown) => ({
    environments: { x: { deployments: [{ id: 'a'.repeat(32), name: 'n', version: '8.15.1', indices }] } },
  });
  expect(() => parseTopology(topology([{ name: 'Logs' }]))).toThrow(ValidationError);
  expect(() => parseTopology(topology([{ name: 'Logs' }]))).toThrow(
    /environments\.x\.deployments\[0\]\.indices\[0\]\.name: must be a valid index name: must be lowercase/,
  );
  expect(() => parseTopology(topology([{ name: 'a' }, { name: 'a' }]))).toThrow(/indices\[1\]\.name/);
});
