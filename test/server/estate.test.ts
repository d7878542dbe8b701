/**
 * Issue 18 on a real Temporal server, as an operator meets it: the inventory workflow answers
 * `crosslink connections` (no workflow per call); a rejected connect, a rollback at a gate's
 * deadline and a disconnect leave `connections` and the audit silent (no row, no drift, no
 * drift notification); a terminated connect is a listed leftover with the disconnect command, and
 * `crosslink status` says it was terminated, what it created and what is left; a key invalidated
 * by hand on a live connection is broken, with drift and a notification. Discovery reads the runs
 * with the worker's own Temporal client.
 */
import { temporal } from '@temporalio/proto';
import { type WorkflowHandle } from '@temporalio/client';
import {
  AUDIT_WORKFLOW,
  type AuditReport,
  CONNECTION_WORKFLOW,
  type ConnectionInventory,
  DisconnectRequest,
  INVENTORY_WORKFLOW,
  INVENTORY_WORKFLOW_ID,
  OPERATION_SEARCH_ATTRIBUTES,
  connectionId,
} from '../../domain';
import { generateWebhookSecret } from '../../common/webhook-signature';
import { type NotificationSink, createNotificationSink } from '../../client/notifications/sink';
import { requestRefresh } from '../../client/cli/inventory-client';
import { runCli } from '../../client/cli/program';
import { startOrFind, startedOrThrow } from '../../client/start-or-find';
import { elasticsearchResource, getDeployment } from '../../activities/ece/deployments';
import { invalidateApiKeys } from '../../activities/elasticsearch/api-keys';
import { createEnvironmentRegistry, resolveEnvironments } from '../../activities/environments';
import { EnvironmentsFile } from '../../domain';
import { DEFAULT_IDS } from '../../simulator/api';
import { recordingContext } from '../client/cli-context';
import { type CrosslinkSuite, type Scenario, startCrosslinkSuite } from './crosslink';
import { apiKeyRequest } from './requests';
import { approve, eventually, reject, startConnection, untilAwaiting } from './runs';
import { describeIfServer } from './temporal-server';

describeIfServer('the estate on a real server: classes, the inventory workflow, status of ended runs', () => {
  let suite: CrosslinkSuite;
  let scenario: Scenario;
  let sink: NotificationSink;

  beforeAll(async () => {
    suite = await startCrosslinkSuite('estate');
    const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
    await suite.server.client.connection.operatorService.addSearchAttributes({
      namespace: suite.server.namespace,
      searchAttributes: Object.fromEntries(Object.values(OPERATION_SEARCH_ATTRIBUTES).map((n) => [n, keyword])),
    });
    const signingSecret = generateWebhookSecret();
    sink = createNotificationSink({ secret: signingSecret, print: () => undefined });
    const { url } = await sink.listen(0, '127.0.0.1');
    scenario = await suite.scenario({ worker: false });
    await scenario.startWorker({ notifications: { url, signingSecret } });
    // The inventory workflow of this namespace, on this scenario's queue (the CLI starts it on the default one).
    await requestRefresh(suite.server.client, { reason: 'suite start' }, scenario.taskQueue);
  });
  afterAll(async () => {
    await suite.server.client.workflow
      .getHandle(INVENTORY_WORKFLOW_ID)
      .terminate('suite ends')
      .catch(() => undefined);
    await suite?.close();
    await sink?.close();
  });

  /** `crosslink <args>` against the suite's server, with real time (the CLI waits for discoveries). */
  async function crosslink(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    const ctx = {
      ...recordingContext(suite.server.client),
      now: () => new Date(),
      sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    };
    const code = await runCli(args, ctx);
    return { code, out: ctx.stdout.join('\n'), err: ctx.stderr.join('\n') };
  }

  async function inventory(): Promise<ConnectionInventory> {
    const { code, out, err } = await crosslink('connections', '--refresh', '--json');
    if (code !== 0) throw new Error(`crosslink connections exited ${code}: ${err}`);
    return JSON.parse(out) as ConnectionInventory;
  }

  async function audit(): Promise<AuditReport> {
    return (await suite.server.client.workflow.execute(AUDIT_WORKFLOW, {
      taskQueue: scenario.taskQueue,
      workflowId: `estate-audit-${Date.now()}`,
      args: [{}],
    })) as AuditReport;
  }

  const driftNotices = (id: string) =>
    sink.received.filter((r) => r.notification.kind === 'drift-found' && r.notification.workflowId === id);

  async function connected(alias: string): Promise<string> {
    const request = apiKeyRequest(alias, { approval: { gates: [] } });
    await suite.server.client.workflow.execute(CONNECTION_WORKFLOW, {
      taskQueue: scenario.taskQueue,
      workflowId: connectionId(request),
      args: [request],
    });
    return connectionId(request);
  }

  async function failure(handle: WorkflowHandle): Promise<string | undefined> {
    try {
      await handle.result();
      return undefined;
    } catch (err) {
      return ((err as Error).cause as { type?: string } | undefined)?.type;
    }
  }

  it('crosslink connections answers from the inventory workflow and starts no workflow', async () => {
    const { client } = suite.server;
    const before = await client.workflow.count();
    const first = await crosslink('connections');
    expect(first.code).toBe(0);
    expect(first.out).toContain('by the inventory workflow crosslink-inventory');
    expect(await crosslink('connections', '--json')).toMatchObject({ code: 0 });
    expect((await client.workflow.count()).count).toBe(before.count);
    const described = await client.workflow.getHandle(INVENTORY_WORKFLOW_ID).describe();
    expect(described.type).toBe(INVENTORY_WORKFLOW);
    expect(described.searchAttributes[OPERATION_SEARCH_ATTRIBUTES.operation]).toEqual(['inventory']);
  });

  it('a rejected connect: not listed, no drift, no drift notification', async () => {
    const request = apiKeyRequest('est-rejected', {
      approval: { gates: ['register-remote'], approvers: ['ops-lead'], deadline: '1h' },
    });
    const id = connectionId(request);
    const handle = await startConnection(suite.server.client, request, scenario.taskQueue);
    await untilAwaiting(handle, 'register-remote');
    await reject(handle, 'register-remote', 'not this quarter');
    expect(await failure(handle)).toBe('ApprovalRejected');

    const found = (await inventory()).connections.find((c) => c.connectionId === id);
    // Elasticsearch keeps the invalidated key with its metadata: residue, hidden.
    expect(found).toMatchObject({ class: 'residue', keys: [expect.objectContaining({ invalidated: true })] });
    const listed = await crosslink('connections');
    expect(listed.out).not.toContain('est-rejected');
    expect(listed.out).toMatch(/\d+ residue entr(y|ies) hidden/);
    expect((await crosslink('connections', '--all')).out).toContain('est-rejected: invalidated key');

    const report = await audit();
    expect(report.connections.map((c) => c.connectionId)).not.toContain(id);
    expect(driftNotices(id)).toEqual([]);
  });

  it('a rollback at a gate deadline: not listed, no drift, no drift notification', async () => {
    const request = apiKeyRequest('est-deadline', {
      approval: { gates: ['register-remote'], approvers: ['ops-lead'], deadline: '2s' },
    });
    const id = connectionId(request);
    const handle = await startConnection(suite.server.client, request, scenario.taskQueue);
    expect(await failure(handle)).toBe('ApprovalTimeout');
    expect((await inventory()).connections.find((c) => c.connectionId === id)?.class ?? 'absent').toMatch(
      /residue|absent/,
    );
    expect((await crosslink('connections')).out).not.toContain('est-deadline');
    expect((await audit()).connections.map((c) => c.connectionId)).not.toContain(id);
    expect(driftNotices(id)).toEqual([]);
  });

  it('a disconnect: not listed, no drift, no drift notification', async () => {
    const id = await connected('est-disconnected');
    expect((await inventory()).connections.find((c) => c.connectionId === id)).toMatchObject({
      class: 'connection',
      health: { status: 'connected' },
    });
    const started = startedOrThrow(
      await startOrFind(
        suite.server.client,
        { operation: 'disconnect', request: DisconnectRequest.parse({ connectionId: id, requestedBy: 'automation' }) },
        {
          taskQueue: scenario.taskQueue,
        },
      ),
    );
    const handle = suite.server.client.workflow.getHandle(started.workflowId);
    await untilAwaiting(handle, 'register-remote');
    await approve(handle, 'register-remote');
    await handle.result();

    expect((await inventory()).connections.find((c) => c.connectionId === id)?.class).toBe('residue');
    expect((await crosslink('connections')).out).not.toContain('est-disconnected');
    expect((await audit()).connections.map((c) => c.connectionId)).not.toContain(id);
    expect(driftNotices(id)).toEqual([]);
  });

  it('a terminated connect: a leftover listed with its run and the disconnect command; status tells the truth', async () => {
    const request = apiKeyRequest('est-terminated', {
      approval: { gates: ['verify'], approvers: ['ops-lead'], deadline: '1h' },
    });
    const id = connectionId(request);
    const handle = await startConnection(suite.server.client, request, scenario.taskQueue);
    await untilAwaiting(handle, 'verify');
    const { runId } = await handle.describe();
    await handle.terminate('operator stopped it');

    const found = (await inventory()).connections.find((c) => c.connectionId === id)!;
    expect(found).toMatchObject({
      class: 'leftover',
      run: { workflowId: id, runId, operation: 'connect', status: 'terminated' },
      leftover: { cleanup: `crosslink disconnect ece-a ${DEFAULT_IDS.a9} est-terminated --as <you>` },
    });
    expect(found.leftover!.left.join('\n')).toMatch(/cluster\.remote\.est-terminated\.\* \(4 settings\)/);
    expect(found.leftover!.left.join('\n')).toContain('keystore credential cluster.remote.est-terminated.credentials');
    const listed = (await crosslink('connections')).out;
    expect(listed).toContain(`est-terminated -> ece-b/`);
    expect(listed).toContain(`connect run ${runId} ended terminated without undoing what it created`);
    expect(listed).toContain(`clean up: crosslink disconnect ece-a ${DEFAULT_IDS.a9} est-terminated --as <you>`);

    const status = await crosslink('status', id);
    expect(status.out).toMatch(/State:\s+terminated \(workflow terminated\)/);
    expect(status.out).toMatch(/Created by this run \(from its history\):[\s\S]*keystore-secret/);
    expect(status.out).toContain('Undone: nothing.');
    expect(status.out).toMatch(
      /Still there now \(the inventory, discovered [^)]*\):\n\s+- cluster\.remote\.est-terminated/,
    );
    expect(status.out).toContain(`Clean up:  crosslink disconnect ece-a ${DEFAULT_IDS.a9} est-terminated --as <you>`);

    const report = await audit();
    expect(report.connections.find((c) => c.connectionId === id)?.drift).toEqual([
      expect.objectContaining({ kind: 'leftover', repair: ['disconnect'] }),
    ]);
    await eventually('the leftover notification', async () => (driftNotices(id).length > 0 ? true : undefined));

    // The printed command cleans up: afterwards only residue.
    const cleanup = startedOrThrow(
      await startOrFind(
        suite.server.client,
        { operation: 'disconnect', request: DisconnectRequest.parse({ connectionId: id, requestedBy: 'automation' }) },
        {
          taskQueue: scenario.taskQueue,
        },
      ),
    );
    const disconnect = suite.server.client.workflow.getHandle(cleanup.workflowId);
    await untilAwaiting(disconnect, 'register-remote');
    await approve(disconnect, 'register-remote');
    await disconnect.result();
    expect((await inventory()).connections.find((c) => c.connectionId === id)?.class).toBe('residue');
  });

  it('a key invalidated by hand on a live connection: broken, drift, notified', async () => {
    const id = await connected('est-by-hand');
    const keyId = (await inventory()).connections.find((c) => c.connectionId === id)!.keys[0]!.id;
    const registry = createEnvironmentRegistry(
      resolveEnvironments(EnvironmentsFile.parse(structuredClone(scenario.simulator.config)), { env: {} }),
    );
    const ece = registry.ece('ece-b');
    const { deployment } = await getDeployment(ece, DEFAULT_IDS.b9);
    const es = elasticsearchResource(ece, deployment, deployment.resources.elasticsearch[0]!.ref_id);
    await invalidateApiKeys(registry.elasticsearch('ece-b', DEFAULT_IDS.b9, es.info.metadata.service_url), [keyId]);

    const found = (await inventory()).connections.find((c) => c.connectionId === id);
    expect(found).toMatchObject({ class: 'connection', health: { status: 'broken' } });
    expect((await crosslink('connections')).out).toMatch(/est-by-hand \(broken\): key invalid/);
    const drift = (await audit()).connections.find((c) => c.connectionId === id)?.drift.map((d) => d.kind);
    expect(drift).toEqual(expect.arrayContaining(['broken', 'key-invalid']));
    await eventually('the drift notification', async () => (driftNotices(id).length > 0 ? true : undefined));
  });
});
