/**
 * Who a run waits for, through the visibility API (issue 18 item 4): while a gate waits, the run
 * carries `CrosslinkGate` and `CrosslinkApprovers` (the approvers the worker's policy allows), so the
 * Web UI's list filtered by an approver (and `crosslink list --awaiting-me --as <name>`) shows exactly
 * the runs waiting for that person; a closed gate clears them.
 */
import { runCli } from '../../client/cli/program';
import { EXIT } from '../../client/cli/exit-codes';
import { listQuery } from '../../client/cli/commands/list';
import { DEFAULT_IDS } from '../../simulator/api';
import { recordingContext } from '../client/cli-context';
import { testPolicy } from '../harness/approvers';
import { startCrosslinkSuite, type CrosslinkSuite, type Scenario } from './crosslink';
import { REQUESTER, apiKeyRequest } from './requests';
import { approve, connectedResult, eventually, startConnection, untilAwaiting } from './runs';
import { describeIfServer } from './temporal-server';

const POLICY = testPolicy(
  [
    { deployments: [DEFAULT_IDS.a9], approvers: ['ops-oncall'] },
    { deployments: [DEFAULT_IDS.a815], approvers: ['sec-lead', 'net-lead'] },
  ],
  [REQUESTER],
);

describeIfServer('the runs waiting for an approver, by search attribute', () => {
  let suite: CrosslinkSuite;
  let stack: Scenario;

  beforeAll(async () => {
    suite = await startCrosslinkSuite('awaiting');
    stack = await suite.scenario({ worker: false });
    await stack.startWorker({ approvals: POLICY });
  });
  afterAll(async () => {
    await suite?.close();
  });

  async function waitingFor(approver: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const info of suite.server.client.workflow.list({ query: listQuery(undefined, approver) })) {
      ids.push(info.workflowId);
    }
    return ids.sort();
  }

  /** Visibility follows the upserts shortly after: poll until it shows `count` runs. */
  const listed = (approver: string, count: number) =>
    eventually(`${count} run(s) waiting for ${approver}`, async () => {
      const ids = await waitingFor(approver);
      return ids.length === count ? ids : undefined;
    });

  it('lists exactly the runs whose pending gate the approver may decide, and none once it is decided', async () => {
    const gated = { approval: { gates: ['register-remote' as const], deadline: '1h' } };
    const forOps = await startConnection(
      suite.server.client,
      apiKeyRequest('await-ops', { ...gated, roles: [] }),
      stack.taskQueue,
    );
    const forSec = await startConnection(
      suite.server.client,
      apiKeyRequest('await-sec', {
        ...gated,
        roles: [],
        local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 },
      }),
      stack.taskQueue,
    );
    await untilAwaiting(forOps, 'register-remote');
    await untilAwaiting(forSec, 'register-remote');

    expect(await listed('ops-oncall', 1)).toEqual([forOps.workflowId]);
    expect(await listed('sec-lead', 1)).toEqual([forSec.workflowId]);
    expect(await waitingFor('net-lead')).toEqual([forSec.workflowId]);
    expect(await waitingFor('nobody')).toEqual([]);

    // The CLI asks the same question.
    const ctx = recordingContext(suite.server.client);
    expect(await runCli(['list', '--awaiting-me', '--as', 'ops-oncall', '--json'], ctx)).toBe(EXIT.OK);
    const printed = JSON.parse(ctx.stdout.join('')) as Array<{ workflowId: string; gate: string; approvers: string[] }>;
    expect(printed).toEqual([
      expect.objectContaining({ workflowId: forOps.workflowId, gate: 'register-remote', approvers: ['ops-oncall'] }),
    ]);

    // Decided: the gate closes and the run no longer waits for anyone.
    await approve(forOps, 'register-remote', 'ops-oncall');
    await connectedResult(forOps);
    expect(await listed('ops-oncall', 0)).toEqual([]);
    expect(await waitingFor('sec-lead')).toEqual([forSec.workflowId]);
    await approve(forSec, 'register-remote', 'sec-lead');
    await connectedResult(forSec);
  });
});
