import { type AuditEntry, type ConnectionResult, FailureType } from '../../domain';
import { scriptedActivities, withOverrides } from '../harness/scripted-activities';
import {
  APPROVER,
  REQUESTER,
  WORKFLOWS_PATH,
  WorkflowHarness,
  apiKeyRequest,
  certificateRequest,
  failureProgress,
  progressOf,
  startConnection,
  statuses,
} from './fixtures';

let harness: WorkflowHarness;
beforeAll(async () => {
  harness = await WorkflowHarness.create(WORKFLOWS_PATH);
});
afterAll(() => harness.destroy());

const gated = (gates: string[], extra: Record<string, unknown> = {}) =>
  apiKeyRequest({
    approval: { gates: gates as never, approvers: [APPROVER, 'carol', REQUESTER], deadline: '2h', ...extra },
  });

async function startGated(gates = ['proxy-ca'], extra: Record<string, unknown> = {}) {
  const run = await startConnection(harness, gated(gates, extra), { activities: withOverrides(scriptedActivities()) });
  await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
  return run;
}

describe('approval gates', () => {
  it('waits at the gate before anything is created, then approve (update) lets the run connect', async () => {
    const run = await startGated();
    const waiting = await progressOf(run);
    expect(waiting.state).toBe('awaiting-approval');
    expect(waiting.pendingGate).toEqual({
      gate: 'proxy-ca',
      requestedAt: '2026-01-01T00:00:00.000Z',
      deadline: '2026-01-01T02:00:00.000Z',
    });
    expect(run.scheduled()).toEqual(['preflight']);

    const entry = await run.update<AuditEntry>('approve', { gate: 'proxy-ca', approver: APPROVER, comment: 'ok' });
    expect(entry).toMatchObject({ gate: 'proxy-ca', decision: 'approved', by: APPROVER, via: 'update', comment: 'ok' });

    const result = (await run.resultValue()) as ConnectionResult;
    expect(result.state).toBe('connected');
    const progress = await progressOf(run);
    expect(progress.audit.map((a) => a.decision)).toEqual(['requested', 'approved']);
    expect(progress.pendingGate).toBeUndefined();
    // The deadline timer was cancelled when the decision came.
    expect(run.entries('timer-cancelled')).toHaveLength(1);
  });

  it('reject rolls back with ApprovalRejected', async () => {
    const run = await startGated();
    await run.update('reject', { gate: 'proxy-ca', approver: APPROVER, reason: 'not this quarter' });
    const outcome = await run.outcome();
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'failed') return;
    expect(outcome.failure).toMatchObject({ type: FailureType.ApprovalRejected, nonRetryable: true });
    expect(outcome.failure.message).toContain('not this quarter');
    const progress = failureProgress(outcome.failure);
    expect(progress.state).toBe('rolled-back');
    expect(progress.reason).toMatchObject({ type: FailureType.ApprovalRejected, step: 'proxy-ca' });
    // Nothing ran after preflight, so nothing was undone.
    expect(run.scheduled()).toEqual(['preflight']);
  });

  it('rolls back with ApprovalTimeout when the deadline passes (virtual time)', async () => {
    const run = await startGated();
    const outcome = await run.outcome();
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'failed') return;
    expect(outcome.failure).toMatchObject({ type: FailureType.ApprovalTimeout });
    expect(run.entries('timer-fired')).toHaveLength(1);
    expect(run.timeline.at(-1)!.at).toBe(2 * 3_600_000);
    const progress = failureProgress(outcome.failure);
    expect(progress.audit.map((a) => a.decision)).toEqual(['requested', 'timed-out']);
  });

  it.each([
    ['the requester (four-eyes)', { gate: 'proxy-ca', approver: REQUESTER }, /four-eyes/],
    ['an unknown approver', { gate: 'proxy-ca', approver: 'mallory' }, /not an approver/],
    [
      'the wrong gate',
      { gate: 'restart', approver: APPROVER },
      /"restart" is not awaiting approval \(pending: "proxy-ca"\)/,
    ],
    ['a malformed decision', { gate: 'proxy-ca', approver: 'not an identity!' }, /invalid decision: approver/],
  ])('refuses an approve update from %s in its validator', async (_what, decision, message) => {
    const run = await startGated();
    await expect(run.update('approve', decision)).rejects.toThrow(message);
    const progress = await progressOf(run);
    expect(progress.state).toBe('awaiting-approval');
    // A refused update never reaches the handler: nothing in the audit trail.
    expect(progress.audit.map((a) => a.decision)).toEqual(['requested']);
    expect(run.entries('update')).toEqual([expect.objectContaining({ name: 'approve', outcome: 'rejected' })]);
    await run.update('approve', { gate: 'proxy-ca', approver: 'carol' });
    await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
  });

  it('lets the requester approve when the policy allows self-approval', async () => {
    const run = await startGated(['proxy-ca'], { allowSelfApproval: true });
    await run.update('approve', { gate: 'proxy-ca', approver: REQUESTER });
    await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
  });

  it('accepts a valid signal and records an invalid one as refused, ignoring it', async () => {
    const run = await startGated();
    await run.signal('approvalGranted', { gate: 'proxy-ca', approver: REQUESTER });
    await run.signal('approvalDenied', { gate: 'proxy-ca', approver: 'mallory', reason: 'no' });
    let progress = await progressOf(run);
    expect(progress.state).toBe('awaiting-approval');
    expect(progress.audit.slice(1)).toEqual([
      expect.objectContaining({
        decision: 'refused',
        via: 'signal',
        by: REQUESTER,
        refusal: expect.stringMatching(/four-eyes/),
      }),
      expect.objectContaining({
        decision: 'refused',
        via: 'signal',
        by: 'mallory',
        refusal: expect.stringMatching(/not an approver/),
      }),
    ]);

    await run.signal('approvalGranted', { gate: 'proxy-ca', approver: APPROVER, comment: 'via event' });
    await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
    progress = await progressOf(run);
    expect(progress.audit.at(-1)).toMatchObject({
      decision: 'approved',
      via: 'signal',
      by: APPROVER,
      comment: 'via event',
    });
  });

  it('a valid rejection signal rolls back', async () => {
    const run = await startGated();
    await run.signal('approvalDenied', { gate: 'proxy-ca', approver: APPROVER, reason: 'change freeze' });
    await expect(run.resultValue()).rejects.toMatchObject({ type: FailureType.ApprovalRejected });
  });

  it('opens gates one at a time in step order (platform-trust, then each later gate)', async () => {
    const request = certificateRequest({
      approval: { gates: ['platform-trust', 'roles'], approvers: [APPROVER], deadline: '1h' },
    });
    const run = await startConnection(harness, request, { activities: withOverrides(scriptedActivities()) });
    await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
    expect((await progressOf(run)).pendingGate?.gate).toBe('platform-trust');
    await run.update('approve', { gate: 'platform-trust', approver: APPROVER });
    await run.until((r) => r.entries('timer-started').length === 2);
    const progress = await progressOf(run);
    expect(progress.pendingGate?.gate).toBe('roles');
    expect(statuses(progress)).toMatchObject({
      'platform-trust': 'succeeded',
      verify: 'succeeded',
      roles: 'awaiting-approval',
    });
    await run.update('approve', { gate: 'roles', approver: APPROVER });
    await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
  });

  describe('restart gate', () => {
    it('is not opened when the reload loads the credentials', async () => {
      const run = await startConnection(harness, gated(['restart']), {
        activities: withOverrides(scriptedActivities({ keystore: 'reload' })),
      });
      await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
      expect(run.scheduled()).not.toContain('restartElasticsearch');
      expect(run.entries('timer-started')).toHaveLength(0);
    });

    it('sits between the reload and the restart when the reload did not load them', async () => {
      const run = await startConnection(harness, gated(['restart']), {
        activities: withOverrides(scriptedActivities({ keystore: 'restart' })),
      });
      await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
      expect(run.scheduled().slice(-1)).toEqual(['reloadSecureSettings']);
      const progress = await progressOf(run);
      expect(progress.pendingGate?.gate).toBe('restart');
      expect(statuses(progress).restart).toBe('awaiting-approval');
      await run.update('approve', { gate: 'restart', approver: APPROVER });
      const result = (await run.resultValue()) as ConnectionResult;
      expect(run.scheduled()).toContain('restartElasticsearch');
      expect(result.steps.find((s) => s.id === 'restart')).toMatchObject({ status: 'succeeded', attempts: 2 });
    });
  });
});
