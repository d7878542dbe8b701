/**
 * The CloudEvents intake end to end on a real Temporal server: a signed "connection requested"
 * event starts the workflow (a repeat finds the same run), a signed "approval granted" event
 * reaches it as a signal, and the run ends connected. Afterwards a byte-identical replay of the
 * first event (to this intake, and to a fresh one that never saw it), and the same event re-signed
 * as if captured long ago, start no new run; a replayed approval event reaches the run as one signal. Then two intake processes behind one Temporal: a
 * replay to the other process, or to a restarted one, is a duplicate; two different requests for
 * one connection id are a start and a 409.
 */
import { randomUUID } from 'node:crypto';
import { createTemporalGateway } from '../../client/connections';
import { EVENTS_PATH, createIntakeServer, type IntakeServer } from '../../client/intake/server';
import { type SignedRequest, signedEventRequest } from '../../client/intake/send';
import { START_MEMO_KEY } from '../../client/start-or-find';
import { generateWebhookSecret } from '../../common/webhook-signature';
import { EVENT_TYPES, connectionId } from '../../domain';
import { DEFAULT_IDS } from '../../simulator/api';
import { approveSignal } from '../../workflows/messages';
import { startCrosslinkSuite, type CrosslinkSuite, type Scenario, type WorkerOptions } from './crosslink';
import { APPROVER, apiKeyRequest } from './requests';
import { approveAll, connectedResult, eventually, progress, signFor, untilAudit, untilAwaiting } from './runs';
import { type IntakeProcess, startIntakeProcess } from './intake-process';
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
      secrets: [SECRET],
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
    // An intake that never saw the event (a restart, a replica) finds it on the completed run.
    const unaware = createIntakeServer({
      gateway: createTemporalGateway(suite.server.client, { taskQueue: stack.taskQueue }),
      secrets: [SECRET],
    });
    const unawareUrl = (await unaware.listen(0)).url + EVENTS_PATH;
    try {
      const res = await fetch(unawareUrl, { method: 'POST', headers: first.headers, body: first.body });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ workflowId, runId: started.body.runId, status: 'duplicate' });
    } finally {
      await unaware.close();
    }
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
    expect(described.memo?.[START_MEMO_KEY]).toMatchObject({ operation: 'connect', event: { id: captured.id } });
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

  describe('two intake processes behind one Temporal server', () => {
    let a: IntakeProcess;
    let b: IntakeProcess;
    const env = () => ({
      TEMPORAL_ADDRESS: suite.server.address,
      TEMPORAL_NAMESPACE: suite.server.namespace,
      CROSSLINK_INTAKE_SECRET: SECRET,
      CROSSLINK_LOG_LEVEL: 'info',
    });

    beforeAll(async () => {
      [a, b] = await Promise.all([startIntakeProcess(env()), startIntakeProcess(env())]);
    }, 120_000);
    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
    });

    const to = async (intake: IntakeProcess, message: SignedRequest) => {
      const res = await fetch(intake.url, { method: 'POST', headers: message.headers, body: message.body });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const runsOf = async (workflowId: string) => {
      const runs: string[] = [];
      for await (const run of suite.server.client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
        runs.push(run.runId);
      return runs;
    };

    it('a replay to the other process, to it after the run closed, and to a restarted process starts nothing', async () => {
      const request = apiKeyRequest('two-intakes-b');
      const workflowId = connectionId(request);
      const event = signed('structured', EVENT_TYPES.connectionRequested, request);

      const started = await to(a, event);
      expect(started).toMatchObject({ status: 202, body: { workflowId, status: 'started' } });
      const runId = started.body.runId;
      expect(await to(b, event)).toMatchObject({ status: 200, body: { status: 'duplicate', runId } });

      // The run closes (no worker serves the intakes' queue here: terminate it): a start would now begin a new run.
      await suite.server.client.workflow.getHandle(workflowId).terminate('test: the run is over');
      expect(await to(b, event)).toMatchObject({ status: 200, body: { status: 'duplicate', runId } });

      await a.stop();
      a = await startIntakeProcess(env());
      expect(await to(a, event)).toMatchObject({ status: 200, body: { status: 'duplicate', runId } });

      const described = await suite.server.client.workflow.getHandle(workflowId).describe();
      expect(described.runId).toBe(runId);
      expect(described.status.name).toBe('TERMINATED');
      await eventually('visibility to list the run', async () =>
        (await runsOf(workflowId)).length > 0 ? true : undefined,
      );
      expect(await runsOf(workflowId)).toEqual([runId]);
    });

    it('two different requests for one connection id: the first starts, the second is a 409 naming the run', async () => {
      const request = apiKeyRequest('two-requests-b');
      const workflowId = connectionId(request);
      const first = await to(a, signed('structured', EVENT_TYPES.connectionRequested, request));
      expect(first).toMatchObject({ status: 202, body: { workflowId, status: 'started' } });
      const other = { ...request, remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 } };
      const second = await to(b, signed('binary', EVENT_TYPES.connectionRequested, other));
      expect(second.status).toBe(409);
      expect(second.body).toMatchObject({
        workflowId,
        heldBy: { runId: first.body.runId, operation: 'connect', requestedBy: request.requestedBy },
        differences: [
          { field: 'remote.deploymentId', running: `"${DEFAULT_IDS.b9}"`, requested: `"${DEFAULT_IDS.b815}"` },
        ],
      });
      // The same request again, under a new event id, is still a harmless duplicate.
      const same = await to(b, signed('binary', EVENT_TYPES.connectionRequested, request));
      expect(same).toMatchObject({ status: 202, body: { status: 'already-running', runId: first.body.runId } });
      await suite.server.client.workflow.getHandle(workflowId).terminate('test cleanup');
    });

    it('/readyz answers 200 while Temporal answers', async () => {
      const ready = await fetch(a.url.replace(EVENTS_PATH, '/readyz'));
      expect(ready.status).toBe(200);
    });
  });
});
