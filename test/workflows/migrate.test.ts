/**
 * `crosslink migrate` (issue 20) on the simulator with the real activities: a certificate
 * connection with followers and an auto-follow pattern moved to the API key model in place (same
 * alias, the followers never re-created), and every way it can end before its last gate (a
 * rejection at each gate, a failure at each stage) putting the certificate connection back as it
 * was: settings, followers and patterns resumed, nothing new left (no key, keystore credential or
 * proxy-CA entry).
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import {
  type ConnectionInventory,
  type ConnectionRequest,
  FailureType,
  MIGRATE_WORKFLOW,
  type MigrateRequestInput,
  type MigrationReport,
  type StepId,
  connectionId,
} from '../../domain';
import { DEFAULT_IDS, type RouteId, type SimulatorSnapshot } from '../../simulator/api';
import { DEFAULT_TOPOLOGY } from '../../simulator/default-topology';
import { type TopologyInput } from '../../simulator/topology';
import { type EsClient } from '../../activities/elasticsearch/client';
import { getRemoteInfo } from '../../activities/elasticsearch/cluster';
import { elasticsearchResource, getDeployment } from '../../activities/ece/deployments';
import { pendingChange, sign, signedApproval } from '../harness/approvers';
import { type ActivityImplementations, type HarnessRun, type RunOutcome } from '../harness/workflow-harness';
import { APPROVER, REQUESTER, certificateRequest, failureProgress, progressOf, startConnection } from './fixtures';
import { useSimulatorWorld } from './simulator-world';

/** The default topology, with a transform and a datafeed on a815 reading through `metrics-b`. */
function topology(): TopologyInput {
  const t = structuredClone(DEFAULT_TOPOLOGY);
  const a815 = t.environments['ece-a']!.deployments.find((d) => d.id === DEFAULT_IDS.a815)!;
  a815.transforms = [
    { id: 'rollup-metrics', source: { index: ['metrics-b:metrics-*'] }, dest: { index: 'rolled' }, state: 'started' },
    { id: 'local-only', source: { index: 'local' }, dest: { index: 'out' }, state: 'started' },
  ];
  a815.datafeeds = [
    { datafeed_id: 'feed-metrics', job_id: 'job-1', indices: ['metrics-b:metrics-*'], state: 'started' },
  ];
  return t;
}

const t = useSimulatorWorld({ topology });

const ACCESS = { search: [{ names: ['metrics-*'] }], replication: [{ names: ['leader-*'] }] };

/** A deployment's Elasticsearch, at the URL its ECE reports, with the worker's credentials. */
async function esOf(environment: string, deploymentId: string): Promise<EsClient> {
  const ece = t.world.registry.ece(environment);
  const { deployment } = await getDeployment(ece, deploymentId);
  const url = elasticsearchResource(ece, deployment).info.metadata.service_url;
  return t.world.registry.elasticsearch(environment, deploymentId, url);
}

function localEs(deploymentId: string = DEFAULT_IDS.a815): Promise<EsClient> {
  return esOf('ece-a', deploymentId);
}

/** A certificate connection made by crosslink's connect. */
async function certificateConnection(overrides: Parameters<typeof certificateRequest>[0] = {}) {
  const request = certificateRequest(overrides);
  const run = await startConnection(t.harness, request, {
    activities: t.world.activities,
    workflowId: connectionId(request),
  });
  await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
  return request;
}

interface Replication {
  /** Active follower of leader-1, the one the migration pauses and resumes. */
  follower: string;
  /** Paused by its owner before the migration: it stays paused. */
  pausedByUser: string;
  pattern: string;
}

/** Followers and an auto-follow pattern through the connection's alias, as a user makes them. */
async function replicationThrough(request: ConnectionRequest): Promise<Replication> {
  const remote = request.remote;
  const es = await localEs(request.local.deploymentId);
  t.world.simulator.ccr.createIndex(remote.environment, remote.deploymentId, 'leader-1', 5);
  t.world.simulator.ccr.createIndex(remote.environment, remote.deploymentId, 'leader-2', 2);
  for (const [follower, leader] of [
    ['follow-1', 'leader-1'],
    ['follow-2', 'leader-2'],
  ]) {
    await es.http.request({
      method: 'PUT',
      path: `/${follower}/_ccr/follow`,
      query: { wait_for_active_shards: '1' },
      body: { remote_cluster: request.alias, leader_index: leader },
    });
  }
  await es.http.request({ method: 'POST', path: '/follow-2/_ccr/pause_follow' });
  await es.http.request({
    method: 'PUT',
    path: '/_ccr/auto_follow/leaders',
    body: {
      remote_cluster: request.alias,
      leader_index_patterns: ['leader-auto-*'],
      follow_index_pattern: '{{leader_index}}-copy',
    },
  });
  t.world.simulator.ccr.replicate();
  return { follower: 'follow-1', pausedByUser: 'follow-2', pattern: 'leaders' };
}

function ask(request: ConnectionRequest, overrides: Partial<MigrateRequestInput> = {}): MigrateRequestInput {
  return {
    local: request.local,
    alias: request.alias,
    access: ACCESS,
    requestedBy: REQUESTER,
    verifyTimeout: '5s',
    ...overrides,
  };
}

function migrate(input: MigrateRequestInput, activities = t.world.activities): Promise<HarnessRun> {
  return t.harness.start(MIGRATE_WORKFLOW, [input], { activities, workflowId: connectionId(input) });
}

/** Runs to the end, approving every gate as bob, except `reject`, which bob rejects. */
async function drive(run: HarnessRun, reject?: StepId): Promise<{ outcome: RunOutcome; gates: StepId[] }> {
  const gates: StepId[] = [];
  // Gates are the run's only timers: each one started is a gate to decide (also one opened before).
  let timers = 0;
  for (;;) {
    // A gate opens with its deadline timer: stop there, before virtual time could fire it.
    await run.until((r) => r.status !== 'running' || r.entries('timer-started').length > timers);
    if (run.status !== 'running') return { outcome: await run.outcome(), gates };
    timers = run.entries('timer-started').length;
    const gate = (await progressOf(run)).pendingGate?.gate;
    if (!gate) continue;
    gates.push(gate);
    if (gate === reject) {
      const reason = 'not now';
      const token = await sign(APPROVER, {
        workflowId: run.workflowId,
        runId: run.runId,
        gate,
        decision: 'reject',
        text: reason,
        change: await pendingChange(run),
      });
      await run.update('reject', { gate, approver: APPROVER, reason, token });
    } else {
      await run.update('approve', await signedApproval(run, gate, APPROVER));
    }
  }
}

async function discover(deploymentId: string = DEFAULT_IDS.a815): Promise<ConnectionInventory> {
  const run = t.world.activities.discoverConnections as (f: object) => Promise<ConnectionInventory>;
  return new MockActivityEnvironment().run(run, { environment: 'ece-a', deploymentId });
}

async function theConnection(request: ConnectionRequest) {
  const inventory = await discover(request.local.deploymentId);
  return inventory.connections.find((c) => c.connectionId === connectionId(request))!;
}

/** The roles as Elasticsearch renders them (a restore writes back the rendered form). */
async function rolesOf(es: EsClient): Promise<unknown> {
  return (await es.http.request({ method: 'GET', path: '/_security/role' })).body;
}

/** The simulator's state with the roles left out (compared as Elasticsearch renders them, rolesOf). */
function withoutRoles(state: SimulatorSnapshot): SimulatorSnapshot {
  const out = structuredClone(state);
  for (const env of Object.values(out)) for (const d of Object.values(env.deployments)) d.roles = {};
  return out;
}

/** A run's failure type and message, also when an activity's failure ended it (its cause carries them). */
function failureOf(outcome: RunOutcome): { type?: string; message: string } {
  if (outcome.status !== 'failed') throw new Error(`the run ended ${outcome.status}`);
  const failure = outcome.failure as ApplicationFailure & { cause?: ApplicationFailure };
  const own = failure.type ? failure : (failure.cause ?? failure);
  return { type: own.type ?? undefined, message: own.message };
}

/** The report of a completed run; a failed run's failure is the test's failure (with its reason). */
function reportOf(outcome: RunOutcome): MigrationReport {
  if (outcome.status === 'failed') throw outcome.failure;
  expect(outcome.status).toBe('completed');
  return (outcome as { value: MigrationReport }).value;
}

interface Before {
  state: SimulatorSnapshot;
  localRoles: unknown;
  remoteRoles: unknown;
  followerUuid: string;
}

async function before(request: ConnectionRequest, replication: Replication): Promise<Before> {
  return {
    state: withoutRoles(t.world.state()),
    localRoles: await rolesOf(await localEs(request.local.deploymentId)),
    remoteRoles: await rolesOf(await esOf(request.remote.environment, request.remote.deploymentId)),
    followerUuid: t.world.simulator.ccr.index('ece-a', request.local.deploymentId, replication.follower)!.uuid,
  };
}

/** After a rollback: the certificate connection as it was, working, its followers following, nothing new left. */
async function expectCertificateBack(request: ConnectionRequest, replication: Replication, was: Before) {
  const local = request.local.deploymentId;
  expect(withoutRoles(t.world.state())).toEqual(was.state);
  expect(await rolesOf(await localEs(local))).toEqual(was.localRoles);
  expect(await rolesOf(await esOf(request.remote.environment, request.remote.deploymentId))).toEqual(was.remoteRoles);
  const info = (await getRemoteInfo(await localEs(local)))[request.alias];
  expect(info).toMatchObject({ connected: true, proxy_address: expect.stringMatching(/:9400$/) });
  expect(info?.cluster_credentials).toBeUndefined();
  const connection = await theConnection(request);
  expect(connection).toMatchObject({ model: 'certificate', health: { status: 'connected' } });
  // The follower is the same index, active, and catches up through the certificate connection.
  t.world.simulator.ccr.appendDocuments('ece-b', request.remote.deploymentId, 'leader-1', 3);
  t.world.simulator.ccr.replicate();
  const follower = t.world.simulator.ccr.index('ece-a', local, replication.follower)!;
  expect(follower).toMatchObject({ uuid: was.followerUuid, documents: 8, follower: { status: 'active' } });
  expect(t.world.simulator.ccr.index('ece-a', local, replication.pausedByUser)!.follower!.status).toBe('paused');
}

/** No follower was unfollowed or followed again by the migration (followers are never re-created). */
function expectNoFollowerRecreated(since: number): void {
  const routes = t.world.simulator.calls.slice(since).map((c) => c.route);
  expect(routes).not.toContain('ccr.unfollow');
  expect(routes).not.toContain('ccr.follow');
  expect(routes).not.toContain('ccr.delete_auto_follow_pattern');
  expect(routes).not.toContain('ccr.put_auto_follow_pattern');
}

describe('a certificate connection with followers and an auto-follow pattern', () => {
  it('moves to the API key model in place: same alias, same followers resumed, certificate trust removed last', async () => {
    const request = await certificateConnection();
    const replication = await replicationThrough(request);
    const was = await before(request, replication);
    const calls = t.world.simulator.calls.length;

    const run = await migrate(ask(request));
    const { outcome, gates } = await drive(run);
    const report = reportOf(outcome);
    expect(gates).toEqual(['api-key', 'pause-replication', 'retire-certificate']);
    expect(report).toMatchObject({
      operation: 'migrate',
      state: 'connected',
      model: 'api_key',
      paused: { followers: ['follow-1'], patterns: ['leaders'] },
      resumed: { followers: ['follow-1'], patterns: ['leaders'] },
      interrupted: { transforms: ['rollup-metrics'], datafeeds: ['feed-metrics'] },
    });
    expectNoFollowerRecreated(calls);

    // The same alias, now through the API key port with a loaded credential.
    const local = DEFAULT_IDS.a815;
    const info = (await getRemoteInfo(await localEs()))[request.alias];
    expect(info).toMatchObject({
      connected: true,
      proxy_address: expect.stringMatching(/:9443$/),
      cluster_credentials: '::es_redacted::',
    });
    const connection = await theConnection(request);
    expect(connection).toMatchObject({ model: 'api_key', health: { status: 'connected' } });
    expect(connection.keys.filter((k) => k.active)).toHaveLength(1);

    // The same follower index (uuid), active, following through the API key connection.
    const follower = t.world.simulator.ccr.index('ece-a', local, 'follow-1')!;
    expect(follower).toMatchObject({
      uuid: was.followerUuid,
      follower: { status: 'active', remoteCluster: request.alias },
    });
    t.world.simulator.ccr.appendDocuments('ece-b', request.remote.deploymentId, 'leader-1', 4);
    t.world.simulator.ccr.replicate();
    expect(t.world.simulator.ccr.index('ece-a', local, 'follow-1')!.documents).toBe(9);
    expect(t.world.simulator.ccr.index('ece-a', local, 'follow-2')!.follower!.status).toBe('paused');
    // The resumed pattern follows a leader created after the migration.
    t.world.simulator.ccr.createIndex('ece-b', request.remote.deploymentId, 'leader-auto-1', 2);
    t.world.simulator.ccr.replicate();
    t.world.simulator.ccr.replicate();
    expect(t.world.simulator.ccr.index('ece-a', local, 'leader-auto-1-copy')).toMatchObject({
      documents: 2,
      follower: { status: 'active' },
    });

    // The local role carries the remote role's grant as remote_indices; the remote role is gone.
    const role = ((await rolesOf(await localEs())) as Record<string, { remote_indices?: unknown[] }>)[
      'crosslink-metrics-reader'
    ];
    expect(role?.remote_indices).toEqual([
      expect.objectContaining({ clusters: ['metrics-b'], names: ['metrics-*'], privileges: ['read'] }),
    ]);
    const after = t.world.state();
    expect(after['ece-b']!.deployments[DEFAULT_IDS.b815]!.roles['crosslink-metrics-reader']).toBeUndefined();
    // The certificate trust only this connection used is gone: relationships and allowlist entries.
    for (const env of ['ece-a', 'ece-b']) {
      expect(after[env]!.trustRelationships.map((r) => r.name)).toEqual(
        was.state[env]!.trustRelationships.filter((r) => !r.name.startsWith('crosslink ')).map((r) => r.name),
      );
    }
    expect(report.removed.map((r) => r.kind).sort()).toEqual(
      ['deployment-trust', 'deployment-trust', 'role', 'trust-relationship', 'trust-relationship'].sort(),
    );
    expect(report.kept).toEqual([]);
    const progress = await progressOf(run);
    expect(progress.state).toBe('connected');
    expect(progress.steps.map((s) => s.id)).toEqual([
      'preflight',
      'api-key',
      'proxy-ca',
      'pause-replication',
      'keystore',
      'register-remote',
      'restart',
      'verify',
      'roles',
      'resume-replication',
      'retire-certificate',
    ]);
  });

  it('shows at the gates what the remote roles grant beside the key, and what reads through the alias', async () => {
    const request = await certificateConnection();
    await replicationThrough(request);
    const run = await migrate(
      ask(request, {
        access: { search: [{ names: ['metrics-*', 'logs-*'] }], replication: [{ names: ['leader-*'] }] },
      }),
    );
    await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
    const progress = await progressOf(run);
    expect(progress.pendingGate?.gate).toBe('api-key');
    // What the approver reads: each step's line in progress (crosslink status) while it waits.
    const reasons = Object.fromEntries(progress.steps.map((s) => [s.id, s.detail ?? '']));
    expect(reasons['api-key']).toContain('granting search: metrics-*, logs-*; replication: leader-*');
    expect(reasons['api-key']).toContain('crosslink-metrics-reader: read on metrics-*');
    expect(reasons['api-key']).toContain('reaches further on: logs-*, leader-*');
    expect(reasons['pause-replication']).toContain(
      'pauses the active followers (follow-1) and auto-follow patterns (leaders)',
    );
    expect(reasons['pause-replication']).toContain('already paused and left so: follow-2');
    expect(reasons['pause-replication']).toContain('transform rollup-metrics (started, reads metrics-b:metrics-*)');
    expect(reasons['pause-replication']).toContain('datafeed feed-metrics (started');
    expect(reasons['pause-replication']).not.toContain('local-only');
    await run.cancel();
  });
});

describe('before its last gate, every ending puts the certificate connection back as it was', () => {
  it.each<StepId>(['api-key', 'pause-replication', 'retire-certificate'])('a rejection at %s', async (gate) => {
    const request = await certificateConnection();
    const replication = await replicationThrough(request);
    const was = await before(request, replication);
    const calls = t.world.simulator.calls.length;
    const { outcome } = await drive(await migrate(ask(request)), gate);
    expect(outcome.status).toBe('failed');
    if (outcome.status === 'failed') {
      expect((outcome.failure as ApplicationFailure).type).toBe(FailureType.ApprovalRejected);
      expect(failureProgress(outcome.failure)).toMatchObject({ state: 'rolled-back' });
    }
    expectNoFollowerRecreated(calls);
    await expectCertificateBack(request, replication, was);
  });

  it.each<{ stage: string; route: RouteId; step: StepId; environment?: string }>([
    { stage: 'the key', route: 'security.create_cross_cluster_api_key', step: 'api-key' },
    { stage: 'the proxy CA', route: 'update-deployment', step: 'proxy-ca', environment: 'ece-a' },
    { stage: 'the pause', route: 'ccr.pause_follow', step: 'pause-replication' },
    { stage: 'the keystore', route: 'set-deployment-es-resource-keystore', step: 'keystore' },
    { stage: 'the switch', route: 'cluster.put_settings', step: 'register-remote' },
    { stage: 'the reload', route: 'cluster.remote_info', step: 'restart' },
    { stage: 'the roles', route: 'security.put_role', step: 'roles' },
    { stage: 'the resume', route: 'ccr.resume_follow', step: 'resume-replication' },
  ])('a failure at $stage ($step)', async ({ route, step, environment }) => {
    const request = await certificateConnection();
    const replication = await replicationThrough(request);
    const was = await before(request, replication);
    const calls = t.world.simulator.calls.length;
    const run = await migrate(ask(request));
    // Armed once the run is past the inspection, so it hits the stage, not the reads before it.
    await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
    t.world.simulator.inject({
      route,
      kind: 'status',
      status: 403,
      message: 'injected',
      ...(environment ? { environment } : {}),
    });
    const { outcome } = await drive(run);
    expect(outcome.status).toBe('failed');
    if (outcome.status === 'failed')
      expect(failureProgress(outcome.failure)).toMatchObject({
        state: 'rolled-back',
        reason: { step, message: expect.stringContaining('injected') },
      });
    expectNoFollowerRecreated(calls);
    await expectCertificateBack(request, replication, was);
  });

  it('a failed verify', async () => {
    const request = await certificateConnection();
    const replication = await replicationThrough(request);
    const was = await before(request, replication);
    const activities = {
      ...t.world.activities,
      verifyRemoteConnection: async () => {
        throw ApplicationFailure.create({
          type: FailureType.VerificationFailed,
          message: 'injected',
          nonRetryable: true,
        });
      },
    } as ActivityImplementations;
    const { outcome } = await drive(await migrate(ask(request), activities));
    expect(outcome.status).toBe('failed');
    if (outcome.status === 'failed')
      expect(failureProgress(outcome.failure)).toMatchObject({ state: 'rolled-back', reason: { step: 'verify' } });
    await expectCertificateBack(request, replication, was);
  });
});

describe('the last stage', () => {
  it('keeps a certificate trust relationship another connection uses, and that connection keeps working', async () => {
    const request = await certificateConnection();
    const other = await certificateConnection({
      local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a9 },
      remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b9 },
      alias: 'metrics-c',
      roles: [
        {
          name: 'crosslink-metrics-c-reader',
          local: { remote_indices: [{ clusters: ['metrics-c'], names: ['metrics-*'], privileges: ['read'] }] },
          remote: { indices: [{ names: ['metrics-*'], privileges: ['read'] }] },
        },
      ],
    });
    const { outcome } = await drive(await migrate(ask(request, { access: { search: [{ names: ['metrics-*'] }] } })));
    const report = reportOf(outcome);
    expect(report.kept.map((k) => [k.resource.kind, k.resource.environment]).sort()).toEqual([
      ['trust-relationship', 'ece-a'],
      ['trust-relationship', 'ece-b'],
    ]);
    expect(report.kept.every((k) => k.reason.includes('still used by the trust.external of'))).toBe(true);
    expect(
      report.removed
        .filter((r) => r.kind === 'deployment-trust')
        .map((r) => r.deploymentId)
        .sort(),
    ).toEqual([DEFAULT_IDS.a815, DEFAULT_IDS.b815].sort());
    expect(await theConnection(other)).toMatchObject({ model: 'certificate', health: { status: 'connected' } });
    expect(await theConnection(request)).toMatchObject({ model: 'api_key', health: { status: 'connected' } });
  });

  it('a failure after its gate is reported, not rolled back: the API key connection stays', async () => {
    const request = await certificateConnection();
    const run = await migrate(ask(request, { access: { search: [{ names: ['metrics-*'] }] } }));
    for (const gate of ['api-key', 'pause-replication'] as const) {
      await run.until((r) => r.entries('timer-started').length > ['api-key', 'pause-replication'].indexOf(gate));
      await run.update('approve', await signedApproval(run, gate, APPROVER));
    }
    await run.until((r) => r.entries('timer-started').length > 2);
    expect((await progressOf(run)).pendingGate?.gate).toBe('retire-certificate');
    t.world.simulator.inject({
      route: 'update-deployment',
      kind: 'status',
      status: 403,
      message: 'injected',
      times: 10,
    });
    await run.update('approve', await signedApproval(run, 'retire-certificate', APPROVER));
    const outcome = await run.outcome();
    expect(outcome.status).toBe('failed');
    if (outcome.status === 'failed') {
      expect((outcome.failure as ApplicationFailure).type).toBe(FailureType.Forbidden);
      expect(outcome.failure.message).toContain(
        'uses the API key model and verified before the certificate trust was retired',
      );
    }
    t.world.simulator.clearFaults();
    expect(await theConnection(request)).toMatchObject({ model: 'api_key', health: { status: 'connected' } });
  });
});

describe('prerequisites', () => {
  it('refuses the beta API key model (a side on 8.13) unless allowed, changing nothing', async () => {
    const request = await certificateConnection({ local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a813 } });
    const was = t.world.state();
    const outcome = await (await migrate(ask(request))).outcome();
    expect(failureOf(outcome)).toEqual({
      type: FailureType.PreflightRefused,
      message: expect.stringContaining('the API key model is beta on 8.10-8.13 (local 8.13.4, remote 8.15.1)'),
    });
    expect(t.world.state()).toEqual(was);
  });

  it("refuses a key whose replication access does not cover a follower's leader", async () => {
    const request = await certificateConnection();
    await replicationThrough(request);
    const was = t.world.state();
    const outcome = await (await migrate(ask(request, { access: { search: [{ names: ['metrics-*'] }] } }))).outcome();
    const { type, message } = failureOf(outcome);
    expect(type).toBe(FailureType.PreflightRefused);
    expect(message).toContain('follower follow-1 (leader leader-1)');
    expect(message).toContain('auto-follow pattern leaders (leader leader-auto-*)');
    expect(t.world.state()).toEqual(was);
  });

  it('refuses a connection that already uses the API key model', async () => {
    const request = await certificateConnection();
    const first = await drive(await migrate(ask(request, { access: { search: [{ names: ['metrics-*'] }] } })));
    reportOf(first.outcome);
    const outcome = await (await migrate(ask(request, { access: { search: [{ names: ['metrics-*'] }] } }))).outcome();
    expect(failureOf(outcome)).toEqual({
      type: FailureType.PreflightRefused,
      message: expect.stringContaining('already uses the API key model'),
    });
  });
});

describe('where the keystore loads only on a restart (local 8.13, the beta accepted)', () => {
  const beta = { local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a813 } };

  it('restarts behind the restart gate and migrates', async () => {
    const request = await certificateConnection(beta);
    const replication = await replicationThrough(request);
    const { outcome, gates } = await drive(await migrate(ask(request, { allowBetaApiKeyModel: true })));
    reportOf(outcome);
    expect(gates).toEqual(['api-key', 'pause-replication', 'restart', 'retire-certificate']);
    expect(await theConnection(request)).toMatchObject({ model: 'api_key', health: { status: 'connected' } });
    expect(t.world.simulator.ccr.index('ece-a', DEFAULT_IDS.a813, replication.follower)!.follower!.status).toBe(
      'active',
    );
  });

  it('a rejection at the restart gate puts the certificate connection back', async () => {
    const request = await certificateConnection(beta);
    const replication = await replicationThrough(request);
    const was = await before(request, replication);
    const { outcome } = await drive(await migrate(ask(request, { allowBetaApiKeyModel: true })), 'restart');
    expect(outcome.status).toBe('failed');
    await expectCertificateBack(request, replication, was);
  });

  it('a failure after the restart restarts again to unload the credential, and the certificate connection works', async () => {
    const request = await certificateConnection(beta);
    const replication = await replicationThrough(request);
    const was = await before(request, replication);
    const run = await migrate(ask(request, { allowBetaApiKeyModel: true }));
    await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
    t.world.simulator.inject({ route: 'ccr.resume_follow', kind: 'status', status: 403, message: 'injected' });
    const { outcome } = await drive(run);
    expect(outcome.status).toBe('failed');
    if (outcome.status === 'failed')
      expect(failureProgress(outcome.failure)).toMatchObject({
        state: 'rolled-back',
        reason: { step: 'resume-replication' },
      });
    await expectCertificateBack(request, replication, was);
  });
});
