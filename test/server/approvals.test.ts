/**
 * Approval gates against a real Temporal server, as an attacker with ordinary namespace access
 * would try them: a client that calls itself the approver, a signal naming a listed approver, a
 * token that expired while no worker ran. Each is refused, and the refusal is in history (the
 * update's completed result and the check's activity result) and in `crosslink history`.
 */
import { Client } from '@temporalio/client';
import { auditTrailFromHistory } from '../../client/cli/history/audit-trail';
import { renderHistory } from '../../client/cli/render/history';
import { approveSignal, approveUpdate } from '../../workflows/messages';
import { sign } from '../harness/approvers';
import { startCrosslinkSuite, type CrosslinkSuite, type Scenario } from './crosslink';
import { APPROVER, apiKeyRequest } from './requests';
import { approve, connectedResult, startConnection, untilAudit, untilAwaiting } from './runs';
import { describeIfServer } from './temporal-server';

describeIfServer('approval gates on a real Temporal server', () => {
  let suite: CrosslinkSuite;
  let stack: Scenario;

  beforeAll(async () => {
    suite = await startCrosslinkSuite('approvals');
  });
  beforeEach(async () => {
    stack = await suite.scenario({ worker: false });
  });
  afterEach(async () => {
    await suite?.endScenario();
  });
  afterAll(async () => {
    await suite?.close();
  });

  it('an update from an arbitrary client that calls itself the approver is refused and visible as refused', async () => {
    await stack.startWorker();
    const handle = await startConnection(suite.server.client, apiKeyRequest('forged-b'), stack.taskQueue);
    await untilAwaiting(handle, 'proxy-ca');

    // `temporal workflow update execute --identity ops-lead ...`: any namespace client can do this.
    const impostor = new Client({
      connection: suite.server.client.connection,
      namespace: suite.server.client.options.namespace,
      identity: APPROVER,
    });
    const forged = await impostor.workflow
      .getHandle(handle.workflowId)
      .executeUpdate(approveUpdate, { args: [{ gate: 'proxy-ca', approver: APPROVER, comment: 'trust me' }] });
    expect(forged).toMatchObject({ decision: 'refused', refusal: expect.stringMatching(/unsigned decision/) });
    // A listed name with someone else's signature, sent as a signal.
    await handle.signal(approveSignal, {
      gate: 'proxy-ca',
      approver: APPROVER,
      token: await sign(APPROVER, {
        workflowId: handle.workflowId,
        runId: (await handle.describe()).runId,
        gate: 'proxy-ca',
        decision: 'approve',
        keyOf: 'mallory',
      }),
    });
    await untilAudit(handle, { decision: 'refused', via: 'signal' });
    expect((await handle.describe()).status.name).toBe('RUNNING');

    await expect(approve(handle, 'proxy-ca')).resolves.toMatchObject({ decision: 'approved', by: APPROVER });
    await expect(connectedResult(handle)).resolves.toMatchObject({ state: 'connected' });

    const trail = renderHistory(auditTrailFromHistory(await handle.fetchHistory(), handle.workflowId));
    expect(trail).toMatch(
      /proxy-ca: approval REFUSED\s+by ops-lead via update \(client ops-lead\), comment "trust me": refused: unsigned decision/,
    );
    expect(trail).toMatch(
      /proxy-ca: approval REFUSED\s+by ops-lead via signal .*refused: the signature is not ops-lead's/,
    );
    expect(trail).toMatch(/proxy-ca: approval\s+by ops-lead via update .*: approved/);
  });

  it('a signed decision that reached no worker before it expired is refused when a worker comes back', async () => {
    const first = await stack.startWorker();
    const handle = await startConnection(suite.server.client, apiKeyRequest('expired-b'), stack.taskQueue);
    await untilAwaiting(handle, 'proxy-ca');
    await first.shutdown();

    const runId = (await handle.describe()).runId;
    // Past its expiry and the 30 s clock tolerance: sign it as if issued 40 s ago instead of waiting.
    const stale = await sign(APPROVER, {
      workflowId: handle.workflowId,
      runId,
      gate: 'proxy-ca',
      decision: 'approve',
      text: 'stale',
      ttlSeconds: 5,
      now: new Date(Date.now() - 40_000),
    });
    await handle.signal(approveSignal, { gate: 'proxy-ca', approver: APPROVER, comment: 'stale', token: stale });

    await stack.startWorker();
    const refused = await untilAudit(handle, { decision: 'refused', via: 'signal' });
    expect(refused.refusal).toMatch(/expired/);
    const trail = renderHistory(auditTrailFromHistory(await handle.fetchHistory(), handle.workflowId));
    expect(trail).toMatch(
      /approval REFUSED\s+by ops-lead via signal .*comment "stale": refused: the decision token expired/,
    );
    await approve(handle, 'proxy-ca');
    await expect(connectedResult(handle)).resolves.toMatchObject({ state: 'connected' });
  });
});
