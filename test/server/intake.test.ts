/**
 * The CloudEvents intake end to end on a real Temporal server: a signed "connection requested"
 * event starts the workflow (a repeat finds the same run), a signed "approval granted" event
 * reaches it as a signal, and the run ends connected.
 */
import { randomUUID } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';
import { createTemporalGateway } from '../../client/connections';
import { EVENTS_PATH, createIntakeServer, type IntakeServer } from '../../client/intake/server';
import { SIGNATURE_HEADER, signBody } from '../../client/intake/signature';
import { EVENT_TYPES, connectionId } from '../../domain';
import { DEFAULT_IDS } from '../../simulator/api';
import { startCrosslinkSuite, type CrosslinkSuite, type Scenario } from './crosslink';
import { APPROVER, apiKeyRequest } from './requests';
import { approveAll, connectedResult, progress, signFor, untilAudit, untilAwaiting } from './runs';
import { describeIfServer } from './temporal-server';

const SECRET = 'server-suite-intake-secret-0123456789';

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
      secret: SECRET,
    });
    url = (await intake.listen(0)).url + EVENTS_PATH;
  });
  afterAll(async () => {
    await intake?.close();
    await suite?.close();
  });

  /** Sends an event in the given CloudEvents mode, signed like a real sender signs it. */
  async function send(mode: 'structured' | 'binary', type: string, data: unknown) {
    const event = new CloudEvent({
      id: randomUUID(),
      source: '/crosslink/test/server',
      type,
      datacontenttype: 'application/json',
      data,
    });
    const message = mode === 'structured' ? HTTP.structured(event) : HTTP.binary(event);
    const body = typeof message.body === 'string' ? message.body : JSON.stringify(message.body);
    const res = await fetch(url, {
      method: 'POST',
      headers: { ...(message.headers as Record<string, string>), [SIGNATURE_HEADER]: signBody(SECRET, body) },
      body,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('connection requested -> workflow running -> approval granted -> connected', async () => {
    const request = apiKeyRequest('intake-b');
    const workflowId = connectionId(request);

    const started = await send('structured', EVENT_TYPES.connectionRequested, request);
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
  });

  it('an event with a bad signature starts nothing', async () => {
    const request = apiKeyRequest('intake-unsigned-b');
    const body = JSON.stringify({
      specversion: '1.0',
      id: randomUUID(),
      source: '/crosslink/test/server',
      type: EVENT_TYPES.connectionRequested,
      datacontenttype: 'application/json',
      data: request,
    });
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/cloudevents+json',
        [SIGNATURE_HEADER]: signBody('another-secret-entirely', body),
      },
      body,
    });
    expect(res.status).toBe(401);
    await expect(suite.server.client.workflow.getHandle(connectionId(request)).describe()).rejects.toThrow(
      /not found/i,
    );
  });
});
