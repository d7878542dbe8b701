/**
 * The business view inside Temporal, read back through the Temporal API as the Web UI reads it:
 * the start's static summary and details, the current details (user metadata query), the labelled
 * gate deadline timer and activity summaries in history, a rejection ending as a designed rollback,
 * and the notifications the worker's sink received.
 */
import { type temporal } from '@temporalio/proto';
import { type WorkflowHandle } from '@temporalio/client';
import { generateWebhookSecret } from '../../common/webhook-signature';
import { type NotificationSink, createNotificationSink } from '../../client/notifications/sink';
import { auditTrailFromHistory } from '../../client/cli/history/audit-trail';
import { renderHistory } from '../../client/cli/render/history';
import { startCrosslinkSuite, type CrosslinkSuite, type Scenario } from './crosslink';
import { APPROVER, REQUESTER, apiKeyRequest } from './requests';
import { approveAll, connectedResult, failureOf, reject, startConnection, untilAwaiting } from './runs';
import { describeIfServer } from './temporal-server';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** A user-metadata payload's text (json/plain; bytes, or base64 when the history came as JSON). */
function text(payload: { data?: unknown } | null | undefined): string | undefined {
  const data = payload?.data;
  if (data instanceof Uint8Array) return String(JSON.parse(Buffer.from(data).toString('utf8')));
  return typeof data === 'string' ? String(JSON.parse(Buffer.from(data, 'base64').toString('utf8'))) : undefined;
}

async function events(handle: WorkflowHandle): Promise<HistoryEvent[]> {
  return (await handle.fetchHistory()).events ?? [];
}

async function currentDetails(handle: WorkflowHandle): Promise<string> {
  const meta = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  return meta.currentDetails ?? '';
}

describeIfServer('the business view on a real Temporal server', () => {
  let suite: CrosslinkSuite;
  let stack: Scenario;
  let sink: NotificationSink;
  let signingSecret: string;
  let url: string;

  beforeAll(async () => {
    suite = await startCrosslinkSuite('business-view');
    signingSecret = generateWebhookSecret();
    sink = createNotificationSink({ secret: signingSecret, print: () => undefined });
    ({ url } = await sink.listen(0, '127.0.0.1'));
  });
  beforeEach(async () => {
    stack = await suite.scenario({ worker: false });
    await stack.startWorker({ kind: 'crosslink', notifications: { url, signingSecret } });
  });
  afterEach(async () => {
    await suite?.endScenario();
  });
  afterAll(async () => {
    await suite?.close();
    await sink?.close();
  });

  it('a gated run shows what it is, who may approve, until when; then connects and says so', async () => {
    const request = apiKeyRequest('view-b');
    const handle = await startConnection(suite.server.client, request, stack.taskQueue);
    await untilAwaiting(handle, 'proxy-ca');

    const description = await handle.describe();
    expect(await description.staticSummary()).toBe(
      `connect ece-a/${request.local.deploymentId} -> ece-b/${request.remote.deploymentId} as view-b (api_key), requested by ${REQUESTER}`,
    );
    const staticDetails = await description.staticDetails();
    expect(staticDetails).toContain(`**Requested by**: ${REQUESTER}`);
    // The request's default gates name platform-trust too, a certificate-model step: not listed for an API key run.
    expect(staticDetails).toContain('**Gates requested**: `proxy-ca`, `restart`, each waiting at most 1h');

    const waiting = await currentDetails(handle);
    expect(waiting).toMatch(
      new RegExp(`^\\*\\*waiting for approval\\*\\* of \`proxy-ca\` by ${APPROVER} or ${REQUESTER}; deadline \\S+Z`),
    );

    const timers = (await events(handle)).filter((e) => e.timerStartedEventAttributes);
    expect(timers.map((e) => text(e.userMetadata?.summary))).toEqual([
      expect.stringMatching(/^deadline of gate proxy-ca: \S+Z$/),
    ]);

    const gates = await approveAll(handle);
    await connectedResult(handle);
    expect(await currentDetails(handle)).toMatch(/^\*\*connected\*\*: `view-b`/);

    const summaries = (await events(handle))
      .filter((e) => e.activityTaskScheduledEventAttributes)
      .map((e) => text(e.userMetadata?.summary));
    expect(summaries).toContain('notify: connected');
    expect(summaries.some((s) => s?.startsWith('notify: gate proxy-ca waits for '))).toBe(true);

    const kinds = sink.received.filter((r) => r.notification.workflowId === handle.workflowId);
    expect(kinds.map((r) => r.notification.kind)).toEqual([...gates.map(() => 'gate-opened'), 'connected']);
  });

  it('a rejection ends as a designed rollback: who and why in details, failure and `crosslink history`', async () => {
    const handle = await startConnection(suite.server.client, apiKeyRequest('refused-b'), stack.taskQueue);
    await untilAwaiting(handle, 'proxy-ca');
    await reject(handle, 'proxy-ca', 'change freeze');
    const failure = await failureOf(handle);
    expect(failure).toMatchObject({
      type: 'ApprovalRejected',
      message: 'rolled back as designed: gate "proxy-ca" rejected by ops-lead because: change freeze',
    });

    const closed = (await events(handle)).find((e) => e.workflowExecutionFailedEventAttributes);
    const recorded = closed?.workflowExecutionFailedEventAttributes?.failure;
    expect(recorded?.stackTrace ?? '').not.toMatch(/\n\s+at /);
    expect(String(recorded?.applicationFailureInfo?.category)).toMatch(/BENIGN|^1$/);

    expect(await currentDetails(handle)).toMatch(
      /^\*\*rolled back\*\* \(an expected outcome[^)]*\) after `ApprovalRejected` at `proxy-ca`: gate "proxy-ca" rejected by ops-lead because: change freeze/,
    );
    const trail = renderHistory(auditTrailFromHistory(await handle.fetchHistory(), handle.workflowId));
    expect(trail).toContain('rolled back as designed: gate "proxy-ca" rejected by ops-lead because: change freeze');
    expect(trail).not.toContain('rolled back as designed: rolled back as designed');

    const kinds = sink.received.filter((r) => r.notification.workflowId === handle.workflowId);
    expect(kinds.map((r) => r.notification.kind)).toEqual(['gate-opened', 'rolled-back']);
  });
});
