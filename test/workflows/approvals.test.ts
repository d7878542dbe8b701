import { type AuditEntry, type ConnectionResult, FailureType } from '../../domain';
import { type SignOptions, pendingChange, sign, testPolicy } from '../harness/approvers';
import { type ScriptOptions, scriptedActivities, withOverrides } from '../harness/scripted-activities';
import { type HarnessRun } from '../harness/workflow-harness';
import {
  APPROVER,
  REQUESTER,
  useHarness,
  apiKeyRequest,
  certificateRequest,
  failureProgress,
  progressOf,
  startConnection,
  statuses,
} from './fixtures';

const h = useHarness();

const gated = (gates: string[], extra: Record<string, unknown> = {}) =>
  apiKeyRequest({ approval: { gates: gates as never, deadline: '2h', ...extra } });

async function startGated(gates = ['proxy-ca'], extra: Record<string, unknown> = {}, script: ScriptOptions = {}) {
  const run = await startConnection(h.harness, gated(gates, extra), {
    activities: withOverrides(scriptedActivities(script)),
  });
  await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
  return run;
}

type Sign = Partial<SignOptions> & { as?: string };

/** A decision as `crosslink approve --key` sends it: the plain fields plus the approver's token. */
async function approval(run: HarnessRun, gate: string, o: Sign & { comment?: string } = {}) {
  const as = o.as ?? APPROVER;
  const change = await pendingChange(run);
  const token = await sign(as, {
    workflowId: run.workflowId,
    runId: run.runId,
    gate: gate as never,
    decision: 'approve',
    ...(o.comment !== undefined ? { text: o.comment } : {}),
    ...(change ? { change } : {}),
    ...o,
  });
  return { gate, approver: as, ...(o.comment !== undefined ? { comment: o.comment } : {}), token };
}

async function rejection(run: HarnessRun, gate: string, reason: string, o: Sign = {}) {
  const as = o.as ?? APPROVER;
  const change = await pendingChange(run);
  const token = await sign(as, {
    workflowId: run.workflowId,
    runId: run.runId,
    gate: gate as never,
    decision: 'reject',
    text: reason,
    ...(change ? { change } : {}),
    ...o,
  });
  return { gate, approver: as, reason, token };
}

/** Refused decisions leave the gate open and are recorded, with the reason, as the update's result. */
async function expectRefused(run: HarnessRun, entry: AuditEntry, reason: RegExp) {
  expect(entry).toMatchObject({ decision: 'refused', via: 'update', refusal: expect.stringMatching(reason) });
  const progress = await progressOf(run);
  expect(progress.state).toBe('awaiting-approval');
  expect(progress.audit.at(-1)).toEqual(entry);
  // The update completed (it is in history with its refused result) and the check is in history too.
  expect(run.entries('update').at(-1)).toMatchObject({ name: 'approve', outcome: 'completed' });
  expect(run.scheduled().at(-1)).toBe('verifyApprovalDecision');
}

describe('approval gates', () => {
  it('waits at the gate before anything is created; a signed approval lets the run connect', async () => {
    const run = await startGated();
    const waiting = await progressOf(run);
    expect(waiting.state).toBe('awaiting-approval');
    expect(waiting.pendingGate).toMatchObject({
      gate: 'proxy-ca',
      requestedAt: '2026-01-01T00:00:00.000Z',
      deadline: '2026-01-01T02:00:00.000Z',
      // Who may decide comes from the worker's policy, shown to `crosslink status`.
      approvers: { gate: 'proxy-ca', groups: [{ approvers: ['bob', 'carol', 'alice'], required: 1 }] },
      // The exact change the gate lets through, read before it opened; a token signs its digest.
      change: {
        gate: 'proxy-ca',
        activities: [expect.objectContaining({ activity: 'ensureProxyCaTrust' })],
        digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      },
    });
    // Nothing that changes the systems has run: only the read of what the gate guards.
    expect(run.scheduled()).toEqual(['preflight', 'describeChange']);

    const entry = await run.update<AuditEntry>('approve', await approval(run, 'proxy-ca', { comment: 'ok' }));
    expect(entry).toMatchObject({ gate: 'proxy-ca', decision: 'approved', by: APPROVER, via: 'update', comment: 'ok' });
    expect(entry.tokenId).toEqual(expect.any(String));

    const result = (await run.resultValue()) as ConnectionResult;
    expect(result.state).toBe('connected');
    const progress = await progressOf(run);
    expect(progress.audit.map((a) => a.decision)).toEqual(['requested', 'approved']);
    // Approved: the change is read again before the step runs (the same change: no new gate).
    expect(run.scheduled().slice(0, 4)).toEqual([
      'preflight',
      'describeChange',
      'verifyApprovalDecision',
      'describeChange',
    ]);
    expect(run.entries('timer-cancelled')).toHaveLength(1);
  });

  it('a signed rejection rolls back with ApprovalRejected, naming who and why', async () => {
    const run = await startGated();
    await run.update('reject', await rejection(run, 'proxy-ca', 'not this quarter'));
    const outcome = await run.outcome();
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'failed') return;
    expect(outcome.failure).toMatchObject({ type: FailureType.ApprovalRejected, nonRetryable: true });
    expect(outcome.failure.message).toBe(
      'rolled back as designed: gate "proxy-ca" rejected by bob because: not this quarter',
    );
    const progress = failureProgress(outcome.failure);
    expect(progress.state).toBe('rolled-back');
    expect(progress.reason).toMatchObject({ type: FailureType.ApprovalRejected, step: 'proxy-ca' });
    // The step shows it was rejected at its gate (it never ran), with who and why.
    expect(progress.steps.find((s) => s.id === 'proxy-ca')).toMatchObject({
      status: 'rejected',
      detail: 'rejected by bob: not this quarter',
    });
    expect(run.scheduled()).toEqual(['preflight', 'describeChange', 'verifyApprovalDecision']);
  });

  it('rolls back with ApprovalTimeout when the deadline passes (virtual time)', async () => {
    const run = await startGated();
    const outcome = await run.outcome();
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'failed') return;
    expect(outcome.failure).toMatchObject({ type: FailureType.ApprovalTimeout });
    expect(run.timeline.at(-1)!.at).toBe(2 * 3_600_000);
    expect(failureProgress(outcome.failure).audit.map((a) => a.decision)).toEqual(['requested', 'timed-out']);
  });

  describe('forged and invalid decisions are refused, recorded, and leave the gate open', () => {
    it.each<[string, (run: HarnessRun) => Promise<unknown>, RegExp]>([
      [
        'a listed approver named without any token (what `--identity bob` from an arbitrary client sends)',
        async () => ({ gate: 'proxy-ca', approver: APPROVER }),
        /unsigned decision/,
      ],
      [
        "a listed approver's name with a token signed by someone else's key",
        (run) => approval(run, 'proxy-ca', { as: APPROVER, keyOf: 'mallory' }),
        /signature is not bob's/,
      ],
      [
        'an approver the requester chose (not in the policy), with a valid signature of their own',
        (run) => approval(run, 'proxy-ca', { as: 'alice-second-account' }),
        /alice-second-account may not decide gate "proxy-ca"/,
      ],
      [
        'the requester, listed in the policy, signing with their own key (four-eyes)',
        (run) => approval(run, 'proxy-ca', { as: REQUESTER }),
        /alice requested this connection and may not decide on it \(four-eyes rule\)/,
      ],
      [
        'an expired decision (signed 10 minutes before, valid for 5)',
        (run) => approval(run, 'proxy-ca', { now: new Date(Date.now() - 600_000), ttlSeconds: 300 }),
        /expired/,
      ],
      [
        'a token signed for another run of the same connection',
        (run) => approval(run, 'proxy-ca', { runId: 'an-earlier-run' }),
        /another run/,
      ],
      [
        'a token signed for another gate',
        (run) => approval(run, 'proxy-ca', { gate: 'restart' }),
        /signed for gate "restart"/,
      ],
      [
        'a token whose comment differs from the one sent',
        async (run) => ({ ...(await approval(run, 'proxy-ca', { comment: 'ok' })), comment: 'ok, and more' }),
        /differs from the signed one/,
      ],
      [
        'a signed rejection sent as an approval',
        async (run) => ({ ...(await rejection(run, 'proxy-ca', 'no')), reason: undefined, comment: 'no' }),
        /signed to reject/,
      ],
      [
        'a token valid for longer than the policy allows',
        (run) => approval(run, 'proxy-ca', { ttlSeconds: 24 * 3600 }),
        /valid for longer than the policy allows \(10m\)/,
      ],
    ])('%s', async (_what, decision, reason) => {
      const run = await startGated();
      const entry = await run.update<AuditEntry>('approve', JSON.parse(JSON.stringify(await decision(run))));
      await expectRefused(run, entry, reason);
      // The gate is still open: a valid decision by a policy approver is taken afterwards.
      await run.update('approve', await approval(run, 'proxy-ca', { as: 'carol' }));
      await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
      const trail = (await progressOf(run)).audit.map((a) => a.decision);
      expect(trail).toEqual(['requested', 'refused', 'approved']);
    });

    it('ignores approvers and allowSelfApproval written in the request', async () => {
      const run = await startGated(['proxy-ca'], {
        approvers: [REQUESTER, 'alice-second-account'],
        allowSelfApproval: true,
      });
      const self = await run.update<AuditEntry>('approve', await approval(run, 'proxy-ca', { as: REQUESTER }));
      await expectRefused(run, self, /four-eyes/);
      const second = await run.update<AuditEntry>(
        'approve',
        await approval(run, 'proxy-ca', { as: 'alice-second-account' }),
      );
      await expectRefused(run, second, /may not decide/);
    });

    it('a token counts once: replaying an accepted rejection token into a later gate is refused', async () => {
      const request = certificateRequest({ approval: { gates: ['platform-trust', 'roles'], deadline: '1h' } });
      const run = await startConnection(h.harness, request, { activities: withOverrides(scriptedActivities()) });
      await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
      const first = await approval(run, 'platform-trust');
      await run.update('approve', first);
      await run.until((r) => r.entries('timer-started').length === 2);
      const replayed = await run.update<AuditEntry>('approve', { ...first, gate: 'roles' });
      await expectRefused(run, replayed, /signed for gate "platform-trust"/);
    });

    it('refuses in the validator what cannot be a decision on the pending gate', async () => {
      const run = await startGated();
      await expect(run.update('approve', await approval(run, 'restart'))).rejects.toThrow(
        /"restart" is not awaiting approval \(pending: "proxy-ca"\)/,
      );
      await expect(run.update('approve', { gate: 'proxy-ca', approver: 'not an identity!' })).rejects.toThrow(
        /invalid decision: approver/,
      );
      expect((await progressOf(run)).audit.map((a) => a.decision)).toEqual(['requested']);
    });
  });

  it('signals carry the same token: a forged one is recorded as refused, a signed one decides', async () => {
    const run = await startGated();
    await run.signal('approvalGranted', { gate: 'proxy-ca', approver: APPROVER });
    await run.signal('approvalDenied', await rejection(run, 'proxy-ca', 'no', { as: 'mallory' }));
    // preflight, describeChange, and the two checks of the decisions
    await run.until((r) => r.entries('activity-resolved').length === 4);
    let progress = await progressOf(run);
    expect(progress.state).toBe('awaiting-approval');
    expect(progress.audit.slice(1)).toEqual([
      expect.objectContaining({
        decision: 'refused',
        via: 'signal',
        by: APPROVER,
        refusal: expect.stringMatching(/unsigned/),
      }),
      expect.objectContaining({
        decision: 'refused',
        via: 'signal',
        by: 'mallory',
        refusal: expect.stringMatching(/may not decide/),
      }),
    ]);

    await run.signal('approvalGranted', await approval(run, 'proxy-ca', { comment: 'via event' }));
    await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
    progress = await progressOf(run);
    expect(progress.audit.at(-1)).toMatchObject({
      decision: 'approved',
      via: 'signal',
      by: APPROVER,
      comment: 'via event',
    });
  });

  it('a signed rejection signal rolls back', async () => {
    const run = await startGated();
    await run.signal('approvalDenied', await rejection(run, 'proxy-ca', 'change freeze'));
    await expect(run.resultValue()).rejects.toMatchObject({ type: FailureType.ApprovalRejected });
  });

  describe('the operator policy', () => {
    const twoOfThree = testPolicy([
      { environments: ['ece-b'], gates: ['proxy-ca'], approvers: ['bob', 'carol', 'dave'], required: 2 },
    ]);

    it('adds its gates to a request that asks for none', async () => {
      const run = await startGated([], {}, { approvals: twoOfThree });
      expect((await progressOf(run)).pendingGate?.gate).toBe('proxy-ca');
    });

    it('needs N distinct approvers when it says so; the same approver twice counts once', async () => {
      const run = await startGated([], {}, { approvals: twoOfThree });
      const first = await run.update<AuditEntry>('approve', await approval(run, 'proxy-ca'));
      expect(first).toMatchObject({
        decision: 'approved',
        by: 'bob',
        remaining: '1 more of [bob, carol, dave] (environment ece-b)',
      });
      expect((await progressOf(run)).pendingGate).toMatchObject({ gate: 'proxy-ca', approvedBy: ['bob'] });
      const again = await run.update<AuditEntry>('approve', await approval(run, 'proxy-ca'));
      await expectRefused(run, again, /bob already approved gate "proxy-ca"/);
      await run.update('approve', await approval(run, 'proxy-ca', { as: 'dave' }));
      await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
      expect((await progressOf(run)).audit.map((a) => [a.decision, a.by])).toEqual([
        ['requested', undefined],
        ['approved', 'bob'],
        ['refused', 'bob'],
        ['approved', 'dave'],
      ]);
    });

    it('a gate nobody may decide fails the run at preflight instead of waiting for its deadline', async () => {
      const run = await startConnection(h.harness, gated(['proxy-ca']), {
        activities: withOverrides(
          scriptedActivities({ approvals: testPolicy([{ environments: ['ece-z'], approvers: ['bob'] }]) }),
        ),
      });
      await expect(run.resultValue()).rejects.toMatchObject({
        type: FailureType.ConfigurationError,
        message: expect.stringMatching(/gates \[proxy-ca\] have no approvers/),
      });
    });
  });

  it('opens gates one at a time in step order (platform-trust, then each later gate)', async () => {
    const request = certificateRequest({ approval: { gates: ['platform-trust', 'roles'], deadline: '1h' } });
    const run = await startConnection(h.harness, request, { activities: withOverrides(scriptedActivities()) });
    await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
    expect((await progressOf(run)).pendingGate?.gate).toBe('platform-trust');
    await run.update('approve', await approval(run, 'platform-trust'));
    await run.until((r) => r.entries('timer-started').length === 2);
    const progress = await progressOf(run);
    expect(progress.pendingGate?.gate).toBe('roles');
    expect(statuses(progress)).toMatchObject({
      'platform-trust': 'succeeded',
      verify: 'succeeded',
      roles: 'awaiting-approval',
    });
    await run.update('approve', await approval(run, 'roles'));
    await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
  });

  describe('restart gate', () => {
    it('is not opened when the reload loads the credentials', async () => {
      const run = await startConnection(h.harness, gated(['restart']), {
        activities: withOverrides(scriptedActivities({ keystore: 'reload' })),
      });
      await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
      expect(run.scheduled()).not.toContain('restartElasticsearch');
      expect(run.entries('timer-started')).toHaveLength(0);
    });

    it('sits between the reload and the restart when the reload did not load them', async () => {
      const run = await startConnection(h.harness, gated(['restart']), {
        activities: withOverrides(scriptedActivities({ keystore: 'restart' })),
      });
      await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
      expect(run.scheduled().slice(-2)).toEqual(['reloadSecureSettings', 'describeChange']);
      expect(statuses(await progressOf(run)).restart).toBe('awaiting-approval');
      await run.update('approve', await approval(run, 'restart'));
      const result = (await run.resultValue()) as ConnectionResult;
      expect(run.scheduled()).toContain('restartElasticsearch');
      expect(result.steps.find((s) => s.id === 'restart')).toMatchObject({ status: 'succeeded', attempts: 2 });
    });
  });
});
