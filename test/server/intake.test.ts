/**
 * The CloudEvents intake end to end on a real Temporal server: a signed "connection requested"
 * event starts the workflow (a repeat finds the same run), a signed "approval granted" event
 * reaches it as a signal, and the run ends connected. Afterwards a byte-identical replay of the
 * first event, and the same event re-signed as if captured long ago, start no new run.
 */
import { randomUUID } from 'node:crypto';
import { createTemporalGateway } from '../../client/connections';
import { EVENTS_PATH, createIntakeServer, type IntakeServer } from '../../client/intake/server';
import { type SignedRequest, signedEventRequest } from '../../client/intake/send';
import { generateWebhookSecret } from '../../common/webhook-signature';
import { EVENT_TYPES, connectionId } from '../../domain';
import { DEFAULT_IDS } from '../../simulator/api';
import { startCrosslinkSuite, type CrosslinkSuite, type Scenario } from './crosslink';
import { APPROVER, apiKeyRequest } from './requests';
import { approveAll, connectedResult, progress, signFor, untilAudit, untilAwaiting } from './runs';
import { describeIfServer } from './temporal-server';

const SECRET = generateWebhookSecret();

describeIfServer('event intake on a real Temporal server', () => {
  let suite: CrosslinkSuite;
  let stack: Scenario;
  let intake: IntakeServer;
  let url: string;

  beforeAll(async () => {
    suite = await startCrosslinkSuite('intake');
    stack = await suite.scenario({ worker: false });
    await stack.startWorker({ kind: 'crosslink' }); // the worker users run
    intake = createIntakeServer({
      gateway: createTemporalGateway(suite.server.client, { taskQueue: stack.taskQueue }),
      secrets: [SECRET],
    });
    url = (await intake.listen(0)).url + EVENTS_PATH;
  });
  afterAll(async () => {
    await intake?.close();
    await suite?.close();
  });

  /** An event in the given CloudEvents mode, signed like a real sender signs it (at `at`). */
  function signed(mode: 'structured' | 'binary', type: string, data: unknown, at?: Date): SignedRequest {
    return signedEventRequest(SECRET, { id: randomUUID(), source: '/crosslink/test/server', type, data }, mode, at);
  }

  async function post(message: SignedRequest) {
    const res = await fetch(url, { method: 'POST', headers: message.headers, body: message.body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  const send = (mode: 'structured' | 'binary', type: string, data: unknown) => post(signed(mode, type, data));

  it('connection requested -> workflow running -> approval granted -> connected', async () => {
    const request = apiKeyRequest('intake-b');
    const workflowId = connectionId(request);

    const first = signed('structured', EVENT_TYPES.connectionRequested, request);
    const started = await post(first);
    expect(started).toMatchObject({ status: 202, body: { workflowId, status: 'started' } });
    const repeated = await send('binary', EVENT_TYPES.connectionRequested, request);
    expect(repeated).toMatchObject({
      status: 202,
      body: { workflowId, runId: started.body.runId, status: 'already-running' },
    });

    const handle = suite.server.client.workflow.getHandle(workflowId);
    await untilAwaiting(handle, 'proxy-ca');
    const approved = await send('binary', EVENT_TYPES.approvalGranted, {
      workflowId,
      gate: 'proxy-ca',
      approver: APPROVER,
      comment: 'approved from the change ticket',
      token: await signFor(handle, APPROVER, 'proxy-ca', 'approve', 'approved from the change ticket'),
    });
    expect(approved).toMatchObject({ status: 202, body: { workflowId, status: 'signalled' } });
    await untilAudit(handle, { gate: 'proxy-ca', decision: 'approved', via: 'signal' });

    await approveAll(handle); // any later gate (none by default on 9.x)
    const result = await connectedResult(handle);
    expect(result).toMatchObject({ state: 'connected', alias: 'intake-b' });
    const final = await progress(handle);
    expect(final.audit).toContainEqual(
      expect.objectContaining({ gate: 'proxy-ca', decision: 'approved', by: APPROVER, via: 'signal' }),
    );
    expect(stack.simulator.snapshot()['ece-a']?.deployments[DEFAULT_IDS.a9]?.keystore).toHaveProperty([
      'cluster.remote.intake-b.credentials',
    ]);

    // The run is closed, so a start would begin a new run: a replay must start nothing.
    const replay = await post(first);
    expect(replay).toMatchObject({ status: 200, body: { workflowId, status: 'duplicate', first: 'started' } });
    const captured = JSON.parse(first.body) as { id: string };
    const staleReplay = signedEventRequest(
      SECRET,
      { id: captured.id, source: '/crosslink/test/server', type: EVENT_TYPES.connectionRequested, data: request },
      'structured',
      new Date(Date.now() - 60 * 60_000),
    );
    expect(await post(staleReplay)).toMatchObject({ status: 401, body: { error: expect.stringMatching(/old/) } });
    const fresh = await post(
      signed('structured', EVENT_TYPES.connectionRequested, { ...request }, new Date(Date.now() - 60 * 60_000)),
    );
    expect(fresh.status).toBe(401);
    const described = await handle.describe();
    expect(described.runId).toBe(started.body.runId);
    expect(described.status.name).toBe('COMPLETED');
  });

  it('deeply nested data answers 400 from the real gateway, not 503', async () => {
    const request = apiKeyRequest('intake-deep-b');
    const deep = '['.repeat(3000) + ']'.repeat(3000);
    const message = signedEventRequest(SECRET, {
      id: randomUUID(),
      source: '/crosslink/test/server',
      type: EVENT_TYPES.connectionRequested,
      data: { ...request, access: { search: [{ names: ['logs-*'], query: JSON.parse(deep) as unknown }] } },
    });
    expect(await post(message)).toMatchObject({
      status: 400,
      body: { errors: [{ field: '(body)', message: 'is nested deeper than 64 levels' }] },
    });
    await expect(suite.server.client.workflow.getHandle(connectionId(request)).describe()).rejects.toThrow(
      /not found/i,
    );
  });

  it('an event with a bad signature starts nothing', async () => {
    const request = apiKeyRequest('intake-unsigned-b');
    const message = signedEventRequest(generateWebhookSecret(), {
      id: randomUUID(),
      source: '/crosslink/test/server',
      type: EVENT_TYPES.connectionRequested,
      data: request,
    });
    const res = await fetch(url, { method: 'POST', headers: message.headers, body: message.body });
    expect(res.status).toBe(401);
    await expect(suite.server.client.workflow.getHandle(connectionId(request)).describe()).rejects.toThrow(
      /not found/i,
    );
  });
});
