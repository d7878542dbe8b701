/**
 * Replays and redeliveries at the intake: in this process (its window), across intakes on one
 * Temporal (the start record on the runs: a restart or another replica), and concurrent copies.
 */
import { EVENT_TYPES } from '../../domain';
import { signatureHeaders, webhookKey } from '../../common/webhook-signature';
import { MINUTE, SECRET, TOKEN, post, request, requested, signed, useIntake, workflowId } from './intake-harness';

const intake = useIntake();

describe('intake replay protection', () => {
  test('a byte-identical replay after the run ended starts nothing and says duplicate', async () => {
    const e = signed(requested);
    const first = await post(intake.url, e.body, e.headers);
    expect(first.status).toBe(202);
    intake.temporal.close(workflowId); // the run completed: a new start would begin a new run
    const replay = await post(intake.url, e.body, e.headers);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({
      workflowId,
      runId: first.body.runId,
      status: 'duplicate',
      first: 'started',
      eventId: 'evt-1',
    });
    expect(intake.temporal.runs).toHaveLength(1);
  });

  test('a sender retry (same id and event, fresh signature) is a duplicate', async () => {
    const first = signed(requested);
    await post(intake.url, first.body, first.headers);
    const resigned = signatureHeaders(webhookKey(SECRET), 'evt-1', first.body, new Date(Date.now() - MINUTE));
    const reply = await post(intake.url, first.body, { ...first.headers, ...resigned });
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('duplicate');
  });

  test('the same id with a different event is refused with 409', async () => {
    const first = signed(requested);
    expect((await post(intake.url, first.body, first.headers)).status).toBe(202);
    intake.temporal.close(workflowId);
    const other = signed({ ...requested, data: { ...request, alias: 'other-alias' } });
    const reply = await post(intake.url, other.body, other.headers);
    expect(reply.status).toBe(409);
    expect(reply.body.error).toMatch(/already used for a different event/);
    expect(intake.temporal.runs).toHaveLength(1);
  });

  test('a replayed approval is not signalled twice', async () => {
    const start = signed(requested);
    expect((await post(intake.url, start.body, start.headers)).status).toBe(202);
    const approval = signed({
      type: EVENT_TYPES.approvalGranted,
      data: { workflowId, gate: 'proxy-ca', approver: 'ops-oncall', token: TOKEN },
      id: 'evt-approve',
    });
    expect((await post(intake.url, approval.body, approval.headers)).status).toBe(202);
    expect((await post(intake.url, approval.body, approval.headers)).status).toBe(200);
    expect(intake.temporal.open(workflowId)?.signals).toHaveLength(1);
  });

  test('an event that failed to reach Temporal is processed when the sender retries', async () => {
    intake.temporal.failStarts = () => new Error('connection refused');
    const e = signed(requested);
    const failed = await post(intake.url, e.body, e.headers);
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('5');
    intake.temporal.failStarts = undefined;
    const retry = await post(intake.url, e.body, e.headers);
    expect(retry.status).toBe(202);
    expect(retry.body.status).toBe('started');
  });
});

describe('concurrent copies of one event', () => {
  test('100 at once: one starts the run (202), the 99 others get the same 200 duplicate', async () => {
    intake.temporal.startDelayMs = 50; // the first start is still on its way while the copies arrive
    const e = signed(requested);
    const replies = await Promise.all(Array.from({ length: 100 }, () => post(intake.url, e.body, e.headers)));
    const counts: Record<number, number> = {};
    for (const r of replies) counts[r.status] = (counts[r.status] ?? 0) + 1;
    expect(counts).toEqual({ 202: 1, 200: 99 });
    const started = replies.find((r) => r.status === 202)!;
    for (const r of replies.filter((x) => x.status === 200)) {
      expect(r.body).toEqual({
        workflowId,
        runId: started.body.runId,
        status: 'duplicate',
        first: 'started',
        eventId: 'evt-1',
      });
    }
    expect(intake.temporal.runs).toHaveLength(1);
  });

  test('copies waiting on a first delivery that failed get its answer, and a later retry is processed', async () => {
    intake.temporal.startDelayMs = 50;
    intake.temporal.failStarts = () => new Error('connection refused');
    const e = signed(requested);
    const replies = await Promise.all(Array.from({ length: 10 }, () => post(intake.url, e.body, e.headers)));
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(503));
    intake.temporal.failStarts = undefined;
    expect((await post(intake.url, e.body, e.headers)).status).toBe(202);
  });
});

describe('duplicates are caught on the runs, not only in memory (a restart, another replica)', () => {
  test('a replay to a second intake while the run is open is a duplicate; nothing new starts', async () => {
    const e = signed(requested);
    const first = await post(intake.url, e.body, e.headers);
    const other = await intake.replica();
    const replay = await post(other, e.body, e.headers);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ status: 'duplicate', first: 'started', runId: first.body.runId });
    expect(intake.temporal.runs).toHaveLength(1);
  });

  test('a replay to a restarted intake after the run completed is a duplicate; no second run', async () => {
    const e = signed(requested);
    const first = await post(intake.url, e.body, e.headers);
    intake.temporal.close(workflowId);
    const restarted = await intake.replica();
    const replay = await post(restarted, e.body, e.headers);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ status: 'duplicate', runId: first.body.runId });
    expect(intake.temporal.runsOf(workflowId)).toHaveLength(1);
  });

  test('a replay after a later run of the same connection also ended is still found (the runs of the window)', async () => {
    const e = signed(requested);
    const first = await post(intake.url, e.body, e.headers);
    intake.temporal.close(workflowId);
    const disconnect = signed({
      type: EVENT_TYPES.disconnectRequested,
      data: { connectionId: workflowId, requestedBy: 'alice' },
      id: 'evt-disconnect',
    });
    expect((await post(intake.url, disconnect.body, disconnect.headers)).status).toBe(202);
    intake.temporal.close(workflowId);
    const replay = await post(await intake.replica(), e.body, e.headers);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ status: 'duplicate', runId: first.body.runId });
    expect(intake.temporal.runsOf(workflowId)).toHaveLength(2);
  });

  test('the same id with other content at another intake is refused with 409', async () => {
    const e = signed(requested);
    await post(intake.url, e.body, e.headers);
    intake.temporal.close(workflowId);
    const other = signed({ ...requested, data: { ...request, requestedBy: 'mallory' } });
    const reply = await post(await intake.replica(), other.body, other.headers);
    expect(reply.status).toBe(409);
    expect(reply.body.error).toMatch(/event id evt-1 already started run .* with different content/);
    expect(intake.temporal.runs).toHaveLength(1);
  });

  test('two intakes receiving the same event at once start one run; the other answers duplicate', async () => {
    intake.temporal.startDelayMs = 30;
    const e = signed(requested);
    const other = await intake.replica();
    const replies = await Promise.all([post(intake.url, e.body, e.headers), post(other, e.body, e.headers)]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 202]);
    expect(intake.temporal.runs).toHaveLength(1);
  });
});
