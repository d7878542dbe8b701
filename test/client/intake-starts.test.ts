/** Starts from events: idempotency across event ids, lifecycle operations, and conflicts under one connection id. */
import { EVENT_TYPES } from '../../domain';
import { post, request, requested, signed, useIntake, workflowId } from './intake-harness';

const intake = useIntake();

describe('intake idempotency across event ids', () => {
  test('the same connection requested twice, with different event ids, returns the same workflow', async () => {
    const first = signed({ ...requested, id: 'evt-a' });
    const second = signed({ ...requested, id: 'evt-b' }, 'binary');
    const r1 = await post(intake.url, first.body, first.headers);
    const r2 = await post(intake.url, second.body, second.headers);
    expect(r1.body).toMatchObject({ workflowId, status: 'started' });
    expect(r2.body).toMatchObject({ workflowId, status: 'already-running', runId: r1.body.runId });
    expect(intake.temporal.runs).toHaveLength(1);
  });
});

describe('two different requests for one connection id', () => {
  test('the second is refused with 409 saying which run holds it and which fields differ', async () => {
    const first = signed({ ...requested, id: 'evt-a' });
    const started = await post(intake.url, first.body, first.headers);
    const other = {
      ...request,
      remote: { ...request.remote, deploymentId: 'b8150000000000000000000000000815' },
      access: { search: [{ names: ['metrics-*'] }] },
    };
    const second = signed({ ...requested, data: other, id: 'evt-b' });
    const reply = await post(intake.url, second.body, second.headers);
    expect(reply.status).toBe(409);
    expect(reply.body.heldBy).toMatchObject({ runId: started.body.runId, operation: 'connect' });
    expect(reply.body.differences).toEqual([
      { field: 'access.search[0].names[0]', running: '"logs-*"', requested: '"metrics-*"' },
      {
        field: 'remote.deploymentId',
        running: JSON.stringify(request.remote.deploymentId),
        requested: '"b8150000000000000000000000000815"',
      },
    ]);
    expect(reply.body.error).toContain(`with a different connect request; this one was not started`);
    expect(reply.body.error).toContain('remote.deploymentId:');
    expect(intake.temporal.runs).toHaveLength(1);
  });

  test('once the holder ends, the other request starts', async () => {
    const first = signed({ ...requested, id: 'evt-a' });
    await post(intake.url, first.body, first.headers);
    const second = signed({ ...requested, data: { ...request, skipUnavailable: false }, id: 'evt-b' });
    expect((await post(intake.url, second.body, second.headers)).status).toBe(409);
    intake.temporal.close(workflowId);
    const retried = await post(intake.url, second.body, second.headers);
    expect(retried.status).toBe(202);
    expect(retried.body.status).toBe('started');
    expect(intake.temporal.runsOf(workflowId)).toHaveLength(2);
  });
});

describe('intake lifecycle events (update-access, rotate, disconnect, migrate)', () => {
  const local = request.local;
  const alias = request.alias;
  const sealed = { alg: 'A256GCM', kid: 'abcd1234', iv: 'aXY=', ciphertext: 'Y2lwaGVy', tag: 'dGFn' };

  test.each([
    [
      EVENT_TYPES.accessUpdateRequested,
      'update-access',
      { local, alias, access: { search: [{ names: ['logs-*'] }] }, requestedBy: 'alice' },
    ],
    [EVENT_TYPES.rotationRequested, 'rotate', { local, alias, previousCredential: sealed, requestedBy: 'alice' }],
    [EVENT_TYPES.disconnectRequested, 'disconnect', { connectionId: workflowId, requestedBy: 'alice' }],
    [
      EVENT_TYPES.migrationRequested,
      'migrate',
      { local, alias, access: { replication: [{ names: ['leader-*'] }] }, requestedBy: 'alice' },
    ],
  ])('%s starts %s under the connection id', async (type, operation, data) => {
    const e = signed({ type, data, id: `evt-${operation}` });
    const reply = await post(intake.url, e.body, e.headers);
    expect(reply).toMatchObject({ status: 202, body: { workflowId, status: 'started', operation } });
    expect(intake.temporal.open(workflowId)?.input).toMatchObject(data);
  });

  test('a disconnect while a connect holds the connection is refused with 409 naming the run; nothing starts', async () => {
    const c = signed(requested);
    await post(intake.url, c.body, c.headers);
    const connecting = intake.temporal.open(workflowId)!;
    const e = signed({
      type: EVENT_TYPES.disconnectRequested,
      data: { connectionId: workflowId, requestedBy: 'alice' },
      id: 'evt-2',
    });
    const reply = await post(intake.url, e.body, e.headers);
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({
      workflowId,
      operation: 'disconnect',
      heldBy: { runId: connecting.runId, operation: 'connect', requestedBy: request.requestedBy },
    });
    expect(reply.body.error).toMatch(
      new RegExp(
        `^another operation holds ${workflowId.replace(/\./g, '\\.')}: run ${connecting.runId} \\(connect, requested by`,
      ),
    );
    expect(intake.temporal.runs).toHaveLength(1);
  });

  test('a migration without the access its key grants is refused, naming the field', async () => {
    const e = signed({
      type: EVENT_TYPES.migrationRequested,
      data: { local, alias, requestedBy: 'alice' },
      id: 'evt-migrate-no-access',
    });
    const reply = await post(intake.url, e.body, e.headers);
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body)).toContain('data.access');
    expect(intake.temporal.runs).toHaveLength(0);
  });

  test('a rotation without the previous credential or noRestore is refused, naming the field', async () => {
    const e = signed({
      type: EVENT_TYPES.rotationRequested,
      data: { local, alias, requestedBy: 'alice' },
      id: 'evt-3',
    });
    const reply = await post(intake.url, e.body, e.headers);
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body)).toContain('data.previousCredential');
    expect(intake.temporal.runs).toHaveLength(0);
  });

  test('an update-access for the certificate-only fields (remote roles) is refused', async () => {
    const data = {
      local,
      alias,
      access: { search: [{ names: ['logs-*'] }] },
      roles: [{ name: 'r', local: {}, remote: { indices: [{ names: ['x'], privileges: ['read'] }] } }],
      requestedBy: 'alice',
    };
    const e = signed({ type: EVENT_TYPES.accessUpdateRequested, data, id: 'evt-4' });
    const reply = await post(intake.url, e.body, e.headers);
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body)).toContain('data.roles[0].remote');
  });
});
