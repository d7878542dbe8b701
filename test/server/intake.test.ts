/**
 * The CloudEvents intake end to end on a real Temporal server: a signed "connection requested"
 * event starts the workflow (a repeat finds the same run), a signed "approval granted" event
 * reaches it as a signal, and the run ends connected. Afterwards a byte-identical replay of the
 * first event, and the same event re-signed as if captured long ago, start no new run; a replayed
 * approval event reaches the run as one signal.
 */
import { randomUUID } from 'node:crypto';
import { createTemporalGateway } from '../../client/connections';
import { EVENTS_PATH, createIntakeServer, type IntakeServer } from '../../client/intake/server';
import { type SignedRequest, signedEventRequest } from '../../client/intake/send';
import { generateWebhookSecret } from '../../common/webhook-signature';
import { EVENT_TYPES, connectionId } from '../../domain';
import { DEFAULT_IDS } from '../../simulator/api';
import { approveSignal } from '../../workflows/messages';
import { startCrosslinkSuite, type CrosslinkSuite, type Scenario, type WorkerOptions } from './crosslink';
import { APPROVER, apiKeyRequest } from './requests';
import { approveAll, connectedResult, progress, signFor, untilAudit, untilAwaiting } from './runs';
import { describeIfServer } from './temporal-server';

const SECRET = generateWebhookSecret();

describeIfServer('event intake on a real Temporal server', () => {
  let suite: CrosslinkSuite;
  let stack: Scenario;
  let intake: IntakeServer | undefined;
  let url: string;

  beforeAll(async () => {
    suite = await startCrosslinkSuite('intake');
  });
  afterEach(async () => {
    await intake?.close();
    intake = undefined;
  });
  afterAll(async () => {
    await suite?.close();
  });

  /**
   * Per test, a fresh simulator and queue (a run changes its deployments: the next run on them would
   * find the proxy CA trusted and no gate), served by `worker` unless none, and an intake starting
   * runs on that queue.
   */
  async function freshIntake(worker?: WorkerOptions['kind']): Promise<void> {
    stack = await suite.scenario({ worker: false });
    if (worker) await stack.startWorker({ kind: worker });
    intake = createIntakeServer({
      gateway: createTemporalGateway(suite.server.client, { taskQueue: stack.taskQueue }),
      secret: SECRET,
    });
    url = (await intake.listen(0)).url + EVENTS_PATH;
  }

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
    await freshIntake('crosslink'); // the worker users run
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

  it('a replayed approval event is signalled once: the run holds one approval signal', async () => {
    await freshIntake('sdk');
    const request = apiKeyRequest('intake-replay-b');
    const workflowId = connectionId(request);
    expect(await send('structured', EVENT_TYPES.connectionRequested, request)).toMatchObject({ status: 202 });
    const handle = suite.server.client.workflow.getHandle(workflowId);
    await untilAwaiting(handle, 'proxy-ca');

    const approval = signed('binary', EVENT_TYPES.approvalGranted, {
      workflowId,
      gate: 'proxy-ca',
      approver: APPROVER,
      token: await signFor(handle, APPROVER, 'proxy-ca', 'approve'),
    });
    expect(await post(approval)).toMatchObject({ status: 202, body: { workflowId, status: 'signalled' } });
    // The same bytes again while the run still waits on its first signal, as a sender retry or a replay would.
    expect(await post(approval)).toMatchObject({ status: 200, body: { status: 'duplicate', first: 'signalled' } });
    await untilAudit(handle, { gate: 'proxy-ca', decision: 'approved', via: 'signal' });
    expect(await connectedResult(handle)).toMatchObject({ state: 'connected', alias: 'intake-replay-b' });

    const signals = ((await handle.fetchHistory()).events ?? [])
      .map((e) => e.workflowExecutionSignaledEventAttributes?.signalName)
      .filter((name) => name != null);
    expect(signals).toEqual([approveSignal.name]);
    expect((await progress(handle)).audit.filter((a) => a.decision === 'approved')).toHaveLength(1);
  });

  it('deeply nested data answers 400 from the real gateway, not 503', async () => {
    await freshIntake();
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
    await freshIntake();
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
