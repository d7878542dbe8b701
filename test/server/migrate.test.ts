/**
 * `crosslink migrate` on a real Temporal server with the production worker (workers/), started the
 * way the CLI starts it (connection id as workflow id, FAIL conflict policy, CrosslinkOperation
 * `migrate`): a certificate connection with a follower and an auto-follow pattern moves to the API
 * key model in place, every gate approved with a signed decision; the same follower index follows
 * again through the same alias. A rejection at the pause gate puts the certificate connection back.
 */
import { temporal } from '@temporalio/proto';
import {
  CONNECTION_WORKFLOW,
  ConnectionInventory,
  LIST_CONNECTIONS_WORKFLOW,
  MigrateRequest,
  type MigrationReport,
  OPERATION_SEARCH_ATTRIBUTES,
  connectionId,
} from '../../domain';
import { startOrFind, startedOrThrow } from '../../client/start-or-find';
import { getRemoteInfo } from '../../activities/elasticsearch/cluster';
import { type CrosslinkSuite, type Scenario, startCrosslinkSuite } from './crosslink';
import { elasticsearchOf, autoFollowThrough, followThrough } from './replication';
import { certificateRequest } from './requests';
import { approveAll, approve, progress, reject, untilAwaiting } from './runs';
import { describeIfServer } from './temporal-server';

describeIfServer('migrate on a real server: certificate to API key, in place', () => {
  let suite: CrosslinkSuite;
  beforeAll(async () => {
    suite = await startCrosslinkSuite('migrate');
    const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
    await suite.server.client.connection.operatorService.addSearchAttributes({
      namespace: suite.server.namespace,
      searchAttributes: Object.fromEntries(Object.values(OPERATION_SEARCH_ATTRIBUTES).map((n) => [n, keyword])),
    });
  });
  afterAll(() => suite.close());

  async function connection(scenario: Scenario, alias: string) {
    const found = ConnectionInventory.parse(
      await suite.server.client.workflow.execute(LIST_CONNECTIONS_WORKFLOW, {
        taskQueue: scenario.taskQueue,
        workflowId: `list-${alias}-${Date.now()}`,
        args: [{}],
      }),
    );
    return found.connections.find((c) => c.alias === alias);
  }

  /** A certificate connection (every gate approved) with one follower and one auto-follow pattern through it. */
  async function certificateWithReplication(scenario: Scenario, alias: string) {
    const { client } = suite.server;
    const request = certificateRequest(alias, { approval: { gates: [] } });
    await client.workflow.execute(CONNECTION_WORKFLOW, {
      taskQueue: scenario.taskQueue,
      workflowId: connectionId(request),
      args: [request],
    });
    const [followed] = await followThrough(scenario.simulator, request, 1, 3);
    await autoFollowThrough(scenario.simulator, request, 'auto');
    const uuid = scenario.simulator.ccr.index('ece-a', request.local.deploymentId, followed!.follower)!.uuid;
    return { request, follower: followed!.follower, leader: followed!.leader, uuid };
  }

  function startMigration(scenario: Scenario, request: ReturnType<typeof certificateRequest>) {
    const migrate = MigrateRequest.parse({
      local: request.local,
      alias: request.alias,
      access: { search: [{ names: ['metrics-*'] }], replication: [{ names: ['leader-*'] }] },
      requestedBy: request.requestedBy,
      verifyTimeout: '30s',
    });
    return startOrFind(
      suite.server.client,
      { operation: 'migrate', request: migrate },
      { taskQueue: scenario.taskQueue },
    );
  }

  it('migrates end to end with the production worker: same alias, same follower, certificate trust retired', async () => {
    const scenario = await suite.scenario({ worker: false });
    await scenario.startWorker({ kind: 'crosslink' });
    const { request, follower, leader, uuid } = await certificateWithReplication(scenario, 'moving-b');
    const started = startedOrThrow(await startMigration(scenario, request));
    const handle = suite.server.client.workflow.getHandle(started.workflowId, started.runId);
    expect(await approveAll(handle)).toEqual(['api-key', 'pause-replication', 'retire-certificate']);
    const report = (await handle.result()) as MigrationReport;
    expect(report).toMatchObject({
      operation: 'migrate',
      state: 'connected',
      model: 'api_key',
      paused: { followers: [follower], patterns: ['auto'] },
      resumed: { followers: [follower], patterns: ['auto'] },
      kept: [],
    });
    const described = await handle.describe();
    expect(described.type).toBe('migrateConnection');
    expect(described.searchAttributes[OPERATION_SEARCH_ATTRIBUTES.operation]).toEqual(['migrate']);

    const es = await elasticsearchOf(scenario.simulator, 'ece-a', request.local.deploymentId);
    expect((await getRemoteInfo(es))[request.alias]).toMatchObject({
      connected: true,
      proxy_address: expect.stringMatching(/:9443$/),
      cluster_credentials: '::es_redacted::',
    });
    expect(await connection(scenario, request.alias)).toMatchObject({
      model: 'api_key',
      health: { status: 'connected' },
    });
    scenario.simulator.ccr.appendDocuments('ece-b', request.remote.deploymentId, leader, 2);
    scenario.simulator.ccr.replicate();
    expect(scenario.simulator.ccr.index('ece-a', request.local.deploymentId, follower)).toMatchObject({
      uuid,
      documents: 5,
      follower: { status: 'active', remoteCluster: request.alias },
    });
  });

  it('a rejection at the pause gate puts the certificate connection back, followers untouched', async () => {
    const scenario = await suite.scenario();
    const { request, follower, uuid } = await certificateWithReplication(scenario, 'staying-b');
    const before = scenario.simulator.snapshot();
    const started = startedOrThrow(await startMigration(scenario, request));
    const handle = suite.server.client.workflow.getHandle(started.workflowId, started.runId);
    await untilAwaiting(handle, 'api-key');
    await approve(handle, 'api-key');
    await untilAwaiting(handle, 'pause-replication');
    await reject(handle, 'pause-replication', 'not during the quarter close');
    await expect(handle.result()).rejects.toThrow();
    expect((await progress(handle)).state).toBe('rolled-back');
    expect(await connection(scenario, request.alias)).toMatchObject({
      model: 'certificate',
      health: { status: 'connected' },
    });
    const after = scenario.simulator.snapshot()['ece-a']!.deployments[request.local.deploymentId]!;
    const was = before['ece-a']!.deployments[request.local.deploymentId]!;
    expect(after.keystore).toEqual(was.keystore);
    expect(after.persistentSettings).toEqual(was.persistentSettings);
    expect(after.followers).toEqual(was.followers);
    expect(scenario.simulator.ccr.index('ece-a', request.local.deploymentId, follower)!.uuid).toBe(uuid);
  });
});
