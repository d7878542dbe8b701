/**
 * update-access, rotate and disconnect on a real server, started the way the CLI starts them
 * (connection id as workflow id, FAIL conflict policy, CrosslinkOperation at start): rotate finds
 * the old credential sealed in the connect run's history; disconnect, approved with a signed
 * decision, removes everything and the inventory no longer lists the connection.
 */
import { temporal } from '@temporalio/proto';
import {
  CONNECTION_WORKFLOW,
  ConnectionInventory,
  type DisconnectReport,
  type LifecycleChangeReport,
  LIST_CONNECTIONS_WORKFLOW,
  OPERATION_SEARCH_ATTRIBUTES,
  RotateRequest,
  UpdateAccessRequest,
  DisconnectRequest,
  connectionId,
} from '../../domain';
import { auditTrailFromHistory } from '../../client/cli/history/audit-trail';
import { renderHistory } from '../../client/cli/render/history';
import { startOrFind, startedOrThrow } from '../../client/start-or-find';
import { findPreviousCredential } from '../../client/previous-credential';
import { progressQuery } from '../../workflows/messages';
import { type CrosslinkSuite, type Scenario, startCrosslinkSuite } from './crosslink';
import { apiKeyRequest } from './requests';
import { approve, untilAwaiting } from './runs';
import { describeIfServer } from './temporal-server';

describeIfServer('connection lifecycle on a real server: update-access, rotate, disconnect', () => {
  let suite: CrosslinkSuite;
  let scenario: Scenario;
  beforeAll(async () => {
    suite = await startCrosslinkSuite('rotate-disconnect');
    const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
    await suite.server.client.connection.operatorService.addSearchAttributes({
      namespace: suite.server.namespace,
      searchAttributes: Object.fromEntries(Object.values(OPERATION_SEARCH_ATTRIBUTES).map((n) => [n, keyword])),
    });
    scenario = await suite.scenario();
  });
  afterAll(() => suite.close());

  async function inventory(alias: string) {
    const found = ConnectionInventory.parse(
      await suite.server.client.workflow.execute(LIST_CONNECTIONS_WORKFLOW, {
        taskQueue: scenario.taskQueue,
        workflowId: `list-${alias}-${Date.now()}`,
        args: [{}],
      }),
    );
    return found.connections.find((c) => c.alias === alias);
  }

  it('connect, update-access, rotate (old key invalidated after verify), then disconnect', async () => {
    const { client } = suite.server;
    const request = apiKeyRequest('cycle-a', { approval: { gates: [] } });
    const id = connectionId(request);
    await client.workflow.execute(CONNECTION_WORKFLOW, {
      taskQueue: scenario.taskQueue,
      workflowId: id,
      args: [request],
    });
    const firstKey = (await inventory('cycle-a'))!.keys.find((k) => k.active)!.id;

    const update = UpdateAccessRequest.parse({
      local: request.local,
      alias: 'cycle-a',
      access: { search: [{ names: ['logs-*', 'metrics-*'] }] },
      requestedBy: request.requestedBy,
    });
    const updating = startedOrThrow(
      await startOrFind(client, { operation: 'update-access', request: update }, { taskQueue: scenario.taskQueue }),
    );
    const updateHandle = client.workflow.getHandle(id, updating.runId);
    await untilAwaiting(updateHandle, 'api-key');
    await approve(updateHandle, 'api-key');
    const updated = (await updateHandle.result()) as LifecycleChangeReport;
    expect(updated).toMatchObject({ operation: 'update-access', state: 'connected' });
    expect((await inventory('cycle-a'))!.keys.find((k) => k.active)).toMatchObject({
      id: firstKey,
      access: { search: [{ names: ['logs-*', 'metrics-*'] }] },
    });

    const previous = await findPreviousCredential(client, id);
    expect(previous).toMatchObject({ keyId: firstKey });
    const rotate = RotateRequest.parse({
      local: request.local,
      alias: 'cycle-a',
      requestedBy: request.requestedBy,
      expiration: '30d',
      previousCredential: previous!.sealed,
    });
    const rotating = startedOrThrow(
      await startOrFind(client, { operation: 'rotate', request: rotate }, { taskQueue: scenario.taskQueue }),
    );
    expect(rotating.status).toBe('started');
    const rotateHandle = client.workflow.getHandle(id, rotating.runId);
    const rotated = (await rotateHandle.result()) as LifecycleChangeReport;
    expect(rotated).toMatchObject({ operation: 'rotate', state: 'connected' });
    const afterRotate = (await inventory('cycle-a'))!;
    expect(afterRotate.health.status).toBe('connected');
    const active = afterRotate.keys.filter((k) => k.active);
    expect(active).toHaveLength(1);
    expect(active[0]!.id).not.toBe(firstKey);
    expect(afterRotate.keys.find((k) => k.id === firstKey)).toMatchObject({ invalidated: true });
    const described = await rotateHandle.describe();
    expect(described.searchAttributes[OPERATION_SEARCH_ATTRIBUTES.operation]).toEqual(['rotate']);
    // `crosslink history` of the rotation: the operation, its steps by name, and what it changed.
    const rotateTrail = renderHistory(auditTrailFromHistory(await rotateHandle.fetchHistory(), id));
    expect(rotateTrail).toMatch(/rotate requested\s+by \S+; \S+ remote cluster "cycle-a"/);
    expect(rotateTrail).toMatch(/api-key\s+completed \(createRotatedApiKey\)/);
    expect(rotateTrail).toMatch(/api-key\s+completed \(invalidateReplacedApiKey\)/);
    expect(rotateTrail).not.toContain('(undo)');
    expect(rotateTrail).toMatch(new RegExp(`closed\\s+connected: .*${firstKey}`));
    // The next rotation would restore the key this rotation made.
    expect(await findPreviousCredential(client, id)).toMatchObject({ keyId: active[0]!.id, runId: rotating.runId });

    const disconnect = DisconnectRequest.parse({ connectionId: id, requestedBy: request.requestedBy });
    const removing = startedOrThrow(
      await startOrFind(client, { operation: 'disconnect', request: disconnect }, { taskQueue: scenario.taskQueue }),
    );
    const removeHandle = client.workflow.getHandle(id, removing.runId);
    expect((await removeHandle.query(progressQuery)).connectionId).toBe(id);
    await untilAwaiting(removeHandle, 'register-remote');
    await approve(removeHandle, 'register-remote');
    const report = (await removeHandle.result()) as DisconnectReport;
    expect(report.state).toBe('disconnected');
    // `crosslink history` of the disconnect: the gate and its approval, the removals, and the end.
    const trail = auditTrailFromHistory(await removeHandle.fetchHistory(), id);
    expect(trail.entries[0]).toMatchObject({ kind: 'requested', operation: 'disconnect', connection: id });
    expect(trail.entries.at(-1)).toMatchObject({ kind: 'closed', outcome: 'disconnected' });
    const removeTrail = renderHistory(trail);
    expect(removeTrail).toContain(`disconnect requested`);
    expect(removeTrail).toContain('register-remote: approval asked');
    expect(removeTrail).toMatch(/register-remote: approval\s+by \S+ via update.*: approved/);
    expect(removeTrail).toMatch(/closed\s+disconnected: removed .*cross-cluster API key/);
    // Elasticsearch keeps invalidated keys until it purges them, so their marks may still be found;
    // nothing live of the connection is left.
    const left = await inventory('cycle-a');
    if (left) {
      expect(left.keys.filter((k) => k.active)).toEqual([]);
      expect(left).toMatchObject({ keystoreCredentials: false, roles: [] });
      expect(left.settings).toBeUndefined();
    }
  });
});
