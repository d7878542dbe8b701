/**
 * The migration's activities (issue 20) against the strict simulator, on a certificate connection
 * crosslink's own activities make: the inspection's prerequisites and facts, the pause (exactly
 * what is active; a retry after a lost response keeps what it paused), the undo of the pause, the
 * switch and its undo (the certificate settings back, never nulled), the follower reading after a
 * resume, and the local roles moved from the remote ones.
 */
import { type InspectedConnection, type StepInput } from '../../domain/activities';
import { connectionId } from '../../domain/connection-request';
import { type ReplicationSet } from '../../domain/records';
import { type EsClient } from '../../activities/elasticsearch/client';
import { getPersistentSettings, putPersistentSettings } from '../../activities/elasticsearch/cluster';
import { type FollowerShardStats } from '../../activities/elasticsearch/ccr';
import { readFollower } from '../../activities/steps/resume-replication';
import { movedRole } from '../../activities/steps/migration-facts';
import {
  DEFAULT_IDS,
  type Harness,
  certificateRequest,
  failureOf,
  runPreflight,
  startHarness,
} from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

interface Connected {
  input: StepInput;
  es: EsClient;
}

/** A certificate-model connection from `localId` to b9, made by crosslink's activities (with a role on both sides). */
async function certificateConnection(localId: string = DEFAULT_IDS.a9): Promise<Connected> {
  const request = certificateRequest({
    local: { environment: 'ece-a', deploymentId: localId },
  });
  const input: StepInput = { connectionId: connectionId(request), request, preflight: await runPreflight(h, request) };
  const trust = await Promise.all(
    (['local', 'remote'] as const).map((side) => h.run('ensurePlatformTrust', { ...input, side })),
  );
  for (const [i, side] of (['local', 'remote'] as const).entries()) {
    await h.run('ensureDeploymentTrust', { ...input, side, trustRelationshipId: trust[i]!.trustRelationshipId });
  }
  await h.run('registerRemoteCluster', input);
  for (const side of ['local', 'remote'] as const) await h.run('createRoles', { ...input, side });
  expect((await h.run('verifyRemoteConnection', input)).connected).toBe(true);
  return { input, es: h.registry.elasticsearch('ece-a', localId, input.preflight.local.esUrl) };
}

let counter = 0;
async function follower(c: Connected): Promise<string> {
  counter += 1;
  h.sim.ccr.createIndex('ece-b', DEFAULT_IDS.b9, `leader-${counter}`, 2);
  await c.es.http.request({
    method: 'PUT',
    path: `/copy-${counter}/_ccr/follow`,
    body: { remote_cluster: c.input.request.alias, leader_index: `leader-${counter}` },
  });
  return `copy-${counter}`;
}

async function inspect(c: Connected, access: Record<string, unknown>, allowBeta = false): Promise<InspectedConnection> {
  return h.run('inspectConnection', {
    connectionId: c.input.connectionId,
    operation: 'migrate',
    requestedBy: 'alice',
    gates: ['api-key', 'pause-replication', 'restart', 'retire-certificate'],
    deadline: '1h',
    change: { access, verifyTimeout: '2s', allowBetaApiKeyModel: allowBeta },
  });
}

const status = (c: Connected, name: string) => h.sim.ccr.index('ece-a', c.input.request.local.deploymentId, name);

describe('the migration on a certificate connection (local 9.1)', () => {
  let c: Connected;
  beforeAll(async () => {
    c = await certificateConnection();
  });

  test('the inspection reads the certificate connection and builds the API key request', async () => {
    const active = await follower(c);
    const inspected = await inspect(c, { search: [{ names: ['logs-*'] }], replication: [{ names: ['leader-*'] }] });
    const alias = c.input.request.alias;
    expect(inspected.request).toMatchObject({ securityModel: 'api_key', alias, remote: c.input.request.remote });
    expect(inspected.preflight.model).toBe('api_key');
    expect(inspected.preflight.existingKey).toBeUndefined();
    const migration = inspected.preflight.migration!;
    expect(migration.settings[`cluster.remote.${alias}.proxy_address`]).toMatch(/:9400$/);
    expect(migration.followers).toContainEqual({ name: active, leaderIndex: `leader-${counter}`, status: 'active' });
    // The local role gets the remote role's index privileges as remote_indices for the alias.
    const role = inspected.request.roles.find((r) => r.name === c.input.request.roles[0]!.name)!;
    expect(role.local.remote_indices).toEqual([
      expect.objectContaining({ clusters: [alias], names: ['logs-*'], privileges: ['read', 'read_cross_cluster'] }),
    ]);
    expect(migration.remoteRoles.map((r) => r.name)).toEqual([role.name]);
    // The trust the last stage may remove is not counted as there before (as a disconnect reads it).
    expect(migration.retire.local.trustBefore.external ?? []).toEqual([]);
    expect(inspected.decisions?.find((d) => d.id === 'api-key')?.reason).toContain('read,read_cross_cluster on logs-*');
  });

  test('pause: exactly the active followers and patterns of the alias; a retry keeps what an earlier attempt paused', async () => {
    const one = await follower(c);
    const two = await follower(c);
    const paused = await follower(c);
    await c.es.http.request({ method: 'POST', path: `/${paused}/_ccr/pause_follow` });
    // An earlier attempt paused `one` and lost its response: its heartbeat says so.
    await c.es.http.request({ method: 'POST', path: `/${one}/_ccr/pause_follow` });
    const earlier: ReplicationSet = { followers: [one], patterns: [] };
    const record = await h.run('pauseReplication', c.input, { attempt: 2, heartbeatDetails: earlier });
    expect(record.paused.followers).toEqual(expect.arrayContaining([one, two]));
    expect(record.paused.followers).not.toContain(paused);
    expect(record.alreadyPaused.followers).toContain(paused);
    expect(record.alreadyPaused.followers).not.toContain(one);
    for (const name of [one, two, paused]) expect(status(c, name)!.follower!.status).toBe('paused');

    // Its undo resumes exactly those, not the one paused before.
    const undo = await h.run('resumePausedReplication', { ...c.input, paused: record.paused });
    expect(undo.removed.map((r) => r.id)).toEqual(expect.arrayContaining([`follower:${one}`, `follower:${two}`]));
    for (const name of [one, two]) expect(status(c, name)!.follower!.status).toBe('active');
    expect(status(c, paused)!.follower!.status).toBe('paused');
    // Again: nothing left to resume, nothing fails.
    const again = await h.run('resumePausedReplication', { ...c.input, paused: record.paused });
    expect(again.removed.filter((r) => r.id.startsWith('follower:'))).toEqual([]);
  });

  test('switch and its undo: the same alias to 9443, then the certificate settings back as they were', async () => {
    const inspected = await inspect(c, { replication: [{ names: ['leader-*'] }] });
    const input: StepInput = {
      connectionId: c.input.connectionId,
      request: inspected.request,
      preflight: inspected.preflight,
    };
    const alias = c.input.request.alias;
    const before = await getPersistentSettings(c.es);
    const record = await h.run('switchRemoteCluster', input);
    expect(record.to[`cluster.remote.${alias}.proxy_address`]).toMatch(/:9443$/);
    expect((await getPersistentSettings(c.es))[`cluster.remote.${alias}.proxy_address`]).toMatch(/:9443$/);
    const undo = await h.run('restoreRemoteCluster', input);
    expect(undo.removed).toHaveLength(1);
    expect(await getPersistentSettings(c.es)).toEqual(before);
    // Idempotent: settings already back are left alone.
    expect((await h.run('restoreRemoteCluster', input)).removed).toEqual([]);
  });

  test('a key whose replication access misses a follower leader is refused at the inspection', async () => {
    const active = await follower(c);
    const error = await failureOf(inspect(c, { search: [{ names: ['logs-*'] }] }));
    expect(error).toMatchObject({ type: 'PreflightRefused' });
    expect(error.message).toContain(`follower ${active} (leader leader-${counter})`);
  });
});

describe('prerequisites', () => {
  test('a side on 8.13 needs the beta accepted; with it, the restart is expected', async () => {
    const c = await certificateConnection(DEFAULT_IDS.a813);
    const refused = await failureOf(inspect(c, { search: [{ names: ['logs-*'] }] }));
    expect(refused).toMatchObject({ type: 'PreflightRefused' });
    expect(refused.message).toContain('the API key model is beta on 8.10-8.13 (local 8.13.4, remote 9.1.3)');
    const accepted = await inspect(c, { search: [{ names: ['logs-*'] }] }, true);
    expect(accepted.preflight.restartExpected).toBe(true);
  });

  test('an alias the certificate connection no longer holds is refused', async () => {
    const c = await certificateConnection(DEFAULT_IDS.a815);
    await putPersistentSettings(c.es, { [`cluster.remote.${c.input.request.alias}.proxy_address`]: 'elsewhere:9400' });
    const error = await failureOf(inspect(c, { search: [{ names: ['logs-*'] }] }));
    expect(error).toMatchObject({ type: 'PreflightRefused' });
  });
});

describe('readFollower: following again after a resume', () => {
  const shard = (over: Partial<FollowerShardStats>): FollowerShardStats => ({
    remote_cluster: 'r',
    leader_index: 'l',
    follower_index: 'f',
    shard_id: 0,
    leader_global_checkpoint: 10,
    follower_global_checkpoint: 10,
    successful_read_requests: 0,
    failed_read_requests: 0,
    operations_written: 0,
    read_exceptions: [],
    ...over,
  });

  test.each<[string, Partial<FollowerShardStats>[], string]>([
    ['no task yet', [], 'waiting'],
    ['caught up, nothing to read (Elasticsearch does not count empty polls)', [{}], 'following'],
    ['behind and no read yet', [{ follower_global_checkpoint: 7 }], 'waiting'],
    ['behind, reading', [{ follower_global_checkpoint: 7, successful_read_requests: 1 }], 'following'],
    [
      'reads fail (the alias does not connect)',
      [
        {
          read_exceptions: [
            { from_seq_no: 11, retries: 2, exception: { type: 'connect_transport_exception', reason: 'x' } },
          ],
        },
      ],
      'waiting',
    ],
    [
      'a fatal failure',
      [{ fatal_exception: { type: 'index_not_found_exception', reason: 'no such index' } }],
      'stopped',
    ],
  ])('%s', (_what, shards, state) => {
    expect(
      readFollower(
        'f',
        shards.map((s) => shard(s)),
      ).state,
    ).toBe(state);
  });
});

test('movedRole: the remote grant as remote_indices for the alias, other aliases and local grants kept', () => {
  const moved = movedRole(
    'logs',
    {
      name: 'r',
      definition: {
        indices: [{ names: ['logs-*'], privileges: ['read'], allow_restricted_indices: false }],
        metadata: {},
      },
    },
    {
      name: 'r',
      definition: {
        cluster: ['monitor'],
        indices: [{ names: ['own-*'], privileges: ['read'], allow_restricted_indices: false }],
        remote_indices: [
          { clusters: ['logs'], names: ['old-*'], privileges: ['read'] },
          { clusters: ['other'], names: ['x-*'], privileges: ['read'] },
        ],
        applications: [],
        run_as: [],
        metadata: { crosslink_connection_id: 'c' },
      },
    },
  );
  expect(moved).toEqual({
    name: 'r',
    local: {
      cluster: ['monitor'],
      indices: [{ names: ['own-*'], privileges: ['read'], allow_restricted_indices: false }],
      remote_indices: [
        { clusters: ['other'], names: ['x-*'], privileges: ['read'] },
        { clusters: ['logs'], names: ['logs-*'], privileges: ['read'], allow_restricted_indices: false },
      ],
    },
  });
});
