/**
 * One connection, one run, on a real Temporal server: two clients start the same connection, one
 * under its connection id (as crosslink connect and the intake do) and one under another id. The
 * second is refused before it schedules anything; one run connects, with one live key.
 */
import { Client, Connection } from '@temporalio/client';
import { CONNECTION_WORKFLOW, FailureType, connectionId } from '../../domain';
import { createTemporalGateway } from '../../client/connections';
import { startedOrThrow } from '../../client/start-or-find';
import { DEFAULT_IDS } from '../../simulator/api';
import { startCrosslinkSuite, type CrosslinkSuite, type Scenario } from './crosslink';
import { apiKeyRequest } from './requests';
import { connectedResult, failureOf, scheduledActivities } from './runs';
import { describeIfServer } from './temporal-server';

describeIfServer('one connection, one run (real server)', () => {
  let suite: CrosslinkSuite;
  let stack: Scenario;
  let connection: Connection;
  let other: Client;

  beforeAll(async () => {
    suite = await startCrosslinkSuite('one-run');
    stack = await suite.scenario();
    connection = await Connection.connect({ address: suite.server.address });
    other = new Client({ connection, namespace: suite.server.namespace });
  });
  afterAll(async () => {
    await connection?.close();
    await suite?.close();
  });

  it('two clients, two workflow ids: one run connects, the other is refused, one live key', async () => {
    const request = apiKeyRequest('one-run-b', { approval: { gates: [] } });
    const id = connectionId(request);
    const started = startedOrThrow(
      await createTemporalGateway(suite.server.client, { taskQueue: stack.taskQueue }).start({
        operation: 'connect',
        request,
      }),
    );
    const stray = await other.workflow.start(CONNECTION_WORKFLOW, {
      workflowId: `${id}-again`,
      taskQueue: stack.taskQueue,
      args: [request],
    });

    const refused = await failureOf(stray);
    expect(refused.type).toBe(FailureType.OwnershipConflict);
    expect(refused.message).toContain(`runs only under the workflow id "${id}", not "${id}-again"`);
    expect(await scheduledActivities(stray)).toEqual([]);

    expect(started.workflowId).toBe(id);
    const result = await connectedResult(suite.server.client.workflow.getHandle(id, started.runId));
    expect(result.state).toBe('connected');
    const remote = stack.simulator.snapshot()['ece-b']!.deployments[DEFAULT_IDS.b9]!;
    const live = remote.apiKeys.filter((k) => k.type === 'cross_cluster' && !k.invalidated);
    expect(live).toHaveLength(1);
  });
});
