/**
 * Many connections on one deployment, on a real Temporal server: 50 single connections from one
 * local deployment to 50 remote deployments (the benchmark's fan-out topology), started together
 * as 50 users would. Every run's writes to the shared local deployment wait for its plan slot, so
 * all 50 connect, and the local deployment ends with 50 remote clusters and one proxy-CA entry.
 */
import { createTemporalGateway } from '../../client/connections';
import { type ConnectionResult } from '../../domain';
import { LOCAL_ID, fanOutRequest, fanOutTopology } from '../../bench/topology';
import { startCrosslinkSuite, type CrosslinkSuite, type Scenario } from './crosslink';
import { describeIfServer } from './temporal-server';

const COUNT = 50;

describeIfServer('many connections from one deployment (real server)', () => {
  let suite: CrosslinkSuite;
  let stack: Scenario;

  beforeAll(async () => {
    suite = await startCrosslinkSuite('many');
    // Short plans keep the file's runtime reasonable; each plan still holds the deployment's slot.
    stack = await suite.scenario({ topology: fanOutTopology(COUNT), planDurationMs: 200 });
  });
  afterAll(async () => {
    await suite?.close();
  });

  it(`${COUNT} concurrent connections from one local deployment: all connect`, async () => {
    const gateway = createTemporalGateway(suite.server.client, { taskQueue: stack.taskQueue });
    const requests = Array.from({ length: COUNT }, (_, i) => fanOutRequest('many', i + 1));
    const started = await Promise.all(requests.map((request) => gateway.start({ operation: 'connect', request })));
    const outcomes = await Promise.all(
      started.map(async ({ workflowId }) => {
        try {
          const result = (await suite.server.client.workflow.getHandle(workflowId).result()) as ConnectionResult;
          return `${workflowId}: ${result.state}`;
        } catch (err) {
          return `${workflowId}: ${err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err)}`;
        }
      }),
    );
    expect(outcomes.filter((o) => !o.endsWith(': connected'))).toEqual([]);

    const local = stack.simulator.snapshot()['ece-a']!.deployments[LOCAL_ID]!;
    for (const r of requests) expect(local.persistentSettings[`cluster.remote.${r.alias}.mode`]).toBe('proxy');
    expect(Object.keys(local.keystore).filter((k) => /^cluster\.remote\..+\.credentials$/.test(k))).toHaveLength(COUNT);
    const direct = (local.trust.direct ?? []) as Array<{ name?: unknown }>;
    const proxyCaEntries = direct.filter((d) => /^crosslink proxy CA ece-b/.test(String(d.name)));
    expect(proxyCaEntries).toHaveLength(1);
  }, 600_000);
});
