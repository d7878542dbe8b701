/**
 * What an operator sees of a run in the Temporal Web UI besides the progress query: the current
 * details (user metadata, read through the SDK's built-in `__temporal_workflow_metadata` query),
 * the labelled gate deadline timer, undo activities that say so, rollbacks that read as outcomes,
 * and the notifications a sink receives.
 */
import { type ApplicationFailure } from '@temporalio/common';
import { type AuditEntry, FailureType, NOTIFICATION_TYPES } from '../../domain';
import { type NotificationSink, createNotificationSink } from '../../client/notifications/sink';
import { generateWebhookSecret } from '../../common/webhook-signature';
import { type ResolvedNotificationSink } from '../../activities/notifications';
import { pendingChange, sign, signedApproval } from '../harness/approvers';
import { type ScriptOptions, fails, scriptedActivities, withOverrides } from '../harness/scripted-activities';
import { type HarnessRun } from '../harness/workflow-harness';
import {
  APPROVER,
  WORKFLOWS_PATH,
  WorkflowHarness,
  apiKeyRequest,
  certificateRequest,
  startConnection,
} from './fixtures';

let harness: WorkflowHarness;
beforeAll(async () => {
  harness = await WorkflowHarness.create(WORKFLOWS_PATH);
});
afterAll(() => harness.destroy());

const METADATA_QUERY = '__temporal_workflow_metadata';

async function details(run: HarnessRun): Promise<string> {
  const meta = await run.query<{ currentDetails?: string }>(METADATA_QUERY);
  return meta.currentDetails ?? '';
}

async function startGated(script: ScriptOptions = {}) {
  const request = apiKeyRequest({ approval: { gates: ['proxy-ca'], deadline: '2h' } as never });
  const run = await startConnection(harness, request, { activities: withOverrides(scriptedActivities(script)) });
  await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
  return run;
}

async function rejection(run: HarnessRun, reason: string) {
  const token = await sign(APPROVER, {
    workflowId: run.workflowId,
    runId: run.runId,
    gate: 'proxy-ca',
    decision: 'reject',
    text: reason,
    change: await pendingChange(run),
  });
  return { gate: 'proxy-ca', approver: APPROVER, reason, token };
}

describe('current details follow the run', () => {
  it('a waiting gate names who may approve and the deadline; its timer is labelled', async () => {
    const run = await startGated();
    expect(await details(run)).toContain(
      '**waiting for approval** of `proxy-ca` by bob, carol or alice; deadline 2026-01-01T02:00:00.000Z',
    );
    expect(run.entries('timer-started')).toEqual([
      expect.objectContaining({ ms: 2 * 3_600_000, summary: 'deadline of gate proxy-ca: 2026-01-01T02:00:00.000Z' }),
    ]);
    await run.update('approve', await signedApproval(run, 'proxy-ca'));
    await run.resultValue();
    const done = await details(run);
    expect(done).toMatch(/^\*\*connected\*\*: `logs-b` on ece-a\/\S+ reaches ece-b\/\S+/);
    expect(done).toContain('- `verify`: succeeded');
  });

  it('a refused decision is visible as a refusal while the gate stays open', async () => {
    const run = await startGated();
    const entry = await run.update<AuditEntry>('approve', { gate: 'proxy-ca', approver: APPROVER });
    expect(entry.decision).toBe('refused');
    const text = await details(run);
    expect(text).toContain('**waiting for approval** of `proxy-ca`');
    expect(text).toContain('1 decision(s) **refused**; the last (bob via update, gate `proxy-ca`): unsigned decision');
    // Still there once the run has moved on.
    await run.update('approve', await signedApproval(run, 'proxy-ca'));
    await run.resultValue();
    expect(await details(run)).toContain('1 decision(s) **refused**');
  });

  it('a rejection rolls back as a designed outcome: who, why, no stack trace, BENIGN', async () => {
    const run = await startGated();
    await run.update('reject', await rejection(run, 'not this quarter'));
    const outcome = await run.outcome();
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'failed') return;
    const failure = outcome.failure as ApplicationFailure;
    expect(failure.type).toBe(FailureType.ApprovalRejected);
    expect(failure.message).toBe('rolled back as designed: gate "proxy-ca" rejected by bob because: not this quarter');
    expect(failure.category).toBe('BENIGN');
    expect(failure.stack ?? '').not.toMatch(/\n\s+at /);
    expect(await details(run)).toMatch(
      /^\*\*rolled back\*\* \(an expected outcome[^)]*\) after `ApprovalRejected` at `proxy-ca`: gate "proxy-ca" rejected by bob because: not this quarter/,
    );
  });

  it("undo activities' summaries say they are undos, and of which step", async () => {
    const run = await startConnection(harness, certificateRequest(), {
      activities: withOverrides(scriptedActivities(), { createRoles: fails(FailureType.Forbidden) }),
    });
    await run.outcome();
    const summaries = run
      .entries('activity-scheduled')
      .filter(
        (e) => e.activity.startsWith('remove') || e.activity.startsWith('unregister') || e.activity === 'deleteRoles',
      )
      .map((e) => e.summary);
    expect(summaries.length).toBeGreaterThan(0);
    for (const s of summaries) expect(s).toMatch(/^undo (platform-trust|deployment-trust|register-remote|roles): /);
    // Steps' own activities do not say "undo".
    expect(run.entries('activity-scheduled').find((e) => e.activity === 'ensurePlatformTrust')?.summary).toMatch(
      /^ensurePlatformTrust: /,
    );
  });
});

describe('notifications', () => {
  let sink: NotificationSink;
  let config: ResolvedNotificationSink;
  const lines: string[] = [];
  beforeAll(async () => {
    const secret = generateWebhookSecret();
    sink = createNotificationSink({ secret, print: (line) => lines.push(line) });
    const { url } = await sink.listen(0, '127.0.0.1');
    config = { url, signingSecret: secret };
  });
  afterAll(() => sink.close());

  const forRun = (run: HarnessRun) => sink.received.filter((r) => r.notification.runId === run.runId);

  it('a gate opening and the run connecting reach the sink', async () => {
    const run = await startGated({ notifications: config });
    await run.update('approve', await signedApproval(run, 'proxy-ca'));
    await run.resultValue();
    const received = forRun(run);
    expect(received.map((r) => r.type)).toEqual([NOTIFICATION_TYPES.gateOpened, NOTIFICATION_TYPES.connected]);
    expect(received[0]!.notification).toMatchObject({
      kind: 'gate-opened',
      gate: 'proxy-ca',
      requestedBy: 'alice',
      approvers: ['bob', 'carol', 'alice'],
      deadline: '2026-01-01T02:00:00.000Z',
      workflowId: run.workflowId,
      alias: 'logs-b',
    });
    expect(lines.some((l) => l.includes('approval needed: gate proxy-ca') && l.includes(run.workflowId))).toBe(true);
  });

  it('a rejected run notifies that it rolled back, with who and why', async () => {
    const run = await startGated({ notifications: config });
    await run.update('reject', await rejection(run, 'change freeze'));
    await run.outcome();
    const received = forRun(run);
    expect(received.map((r) => r.notification.kind)).toEqual(['gate-opened', 'rolled-back']);
    expect(received[1]!.notification).toMatchObject({
      failureType: FailureType.ApprovalRejected,
      step: 'proxy-ca',
      message: 'gate "proxy-ca" rejected by bob because: change freeze',
    });
  });

  it('without a sink the workflow sends nothing (no activity scheduled)', async () => {
    const run = await startGated();
    await run.update('approve', await signedApproval(run, 'proxy-ca'));
    await run.resultValue();
    expect(run.scheduled()).not.toContain('sendNotification');
  });

  it.each<[string, () => ResolvedNotificationSink]>([
    ['refuses them (wrong secret: 401)', () => ({ ...config, signingSecret: generateWebhookSecret() })],
    [
      'is unreachable (retried, then given up)',
      () => ({ url: 'http://127.0.0.1:9/', signingSecret: config.signingSecret }),
    ],
  ])('a sink that %s does not fail the run', async (_, broken) => {
    const run = await startGated({ notifications: broken() });
    await run.update('approve', await signedApproval(run, 'proxy-ca'));
    const result = (await run.resultValue()) as { state: string };
    expect(result.state).toBe('connected');
    expect(forRun(run)).toEqual([]);
    const attempts = run.entries('activity-attempt').filter((a) => a.activity === 'sendNotification');
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.every((a) => a.outcome === 'failed')).toBe(true);
  });
});
