/**
 * Connection lifecycle on a real server: a connect, then the inventory and the scheduled audit
 * (schedules need a server). The schedule is created once and updated in place on a second call.
 */
import { temporal } from '@temporalio/proto';
import {
  AUDIT_SCHEDULE_ID,
  AUDIT_WORKFLOW,
  ConnectionInventory,
  LIST_CONNECTIONS_WORKFLOW,
  OPERATION_SEARCH_ATTRIBUTES,
  connectionId,
} from '../../domain';
import { latestAuditReport, scheduleAudit } from '../../client/cli/commands/audit';
import { CONNECTION_WORKFLOW } from '../../domain';
import { type CrosslinkSuite, type Scenario, startCrosslinkSuite } from './crosslink';
import { apiKeyRequest } from './requests';
import { describeIfServer } from './temporal-server';

describeIfServer('connection lifecycle: inventory and scheduled audit', () => {
  let suite: CrosslinkSuite;
  let scenario: Scenario;
  beforeAll(async () => {
    suite = await startCrosslinkSuite('lifecycle');
    const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
    await suite.server.client.connection.operatorService.addSearchAttributes({
      namespace: suite.server.namespace,
      searchAttributes: Object.fromEntries(Object.values(OPERATION_SEARCH_ATTRIBUTES).map((n) => [n, keyword])),
    });
    scenario = await suite.scenario();
  });
  afterAll(async () => {
    await suite.server.client.schedule
      .getHandle(AUDIT_SCHEDULE_ID)
      .delete()
      .catch(() => undefined);
    await suite.close();
  });

  it('lists a connection after connect, and the scheduled audit reports it', async () => {
    const { client } = suite.server;
    const request = apiKeyRequest('lifecycle-a', { approval: { gates: [] } });
    await client.workflow.execute(CONNECTION_WORKFLOW, {
      taskQueue: scenario.taskQueue,
      workflowId: connectionId(request),
      args: [request],
    });

    const inventory = ConnectionInventory.parse(
      await client.workflow.execute(LIST_CONNECTIONS_WORKFLOW, {
        taskQueue: scenario.taskQueue,
        workflowId: 'lifecycle-list-1',
        args: [{}],
      }),
    );
    const listed = inventory.connections.find((c) => c.connectionId === connectionId(request));
    expect(listed).toMatchObject({ model: 'api_key', alias: 'lifecycle-a', health: { status: 'connected' } });
    // The key names the run that created it.
    const describe = await client.workflow.getHandle(connectionId(request)).describe();
    expect(listed?.keys[0]?.createdBy).toEqual({ workflowId: connectionId(request), runId: describe.runId });

    const options = { every: '6h', expiryWarning: '14d' };
    expect(await scheduleAudit(client, options, scenario.taskQueue)).toBe('created');
    expect(await scheduleAudit(client, { ...options, every: '2h' }, scenario.taskQueue)).toBe('updated');
    expect(await scheduleAudit(client, { ...options, every: '2h' }, scenario.taskQueue)).toBe('updated');
    const schedule = await client.schedule.getHandle(AUDIT_SCHEDULE_ID).describe();
    expect(schedule.spec.intervals).toEqual([expect.objectContaining({ every: 2 * 3_600_000 })]);
    expect(schedule.action).toMatchObject({ workflowType: AUDIT_WORKFLOW, taskQueue: scenario.taskQueue });

    await client.schedule.getHandle(AUDIT_SCHEDULE_ID).trigger();
    let latest: Awaited<ReturnType<typeof latestAuditReport>>;
    for (let i = 0; i < 200 && !latest; i++) {
      latest = await latestAuditReport(client);
      if (!latest) await new Promise((r) => setTimeout(r, 100));
    }
    expect(latest?.report.connections.find((c) => c.alias === 'lifecycle-a')).toMatchObject({
      health: 'connected',
      drift: [],
    });
    expect(latest?.report.unmanaged).toBe(1); // ece-a 8.15's pre-existing legacy-remote
    const audits = await client.workflow.getHandle(latest!.run.workflowId, latest!.run.runId).describe();
    expect(audits.searchAttributes[OPERATION_SEARCH_ATTRIBUTES.operation]).toEqual(['audit']);
    expect(audits.searchAttributes[OPERATION_SEARCH_ATTRIBUTES.drift]).toEqual(['none']);
  });
});
