import { type ActivityName, type ConnectionResult, FailureType, UNDO_ACTIVITIES } from '../../domain';
import { CONNECT_API_KEY, CONNECT_CERTIFICATE, rowEntries } from '../../domain/plans';
import { rowOf } from '../../domain/step-catalog';
import {
  fails,
  failsTransiently,
  hangsUntilCancelled,
  scriptedActivities,
  timesOut,
  withOverrides,
} from '../harness/scripted-activities';
import {
  APPROVER,
  useHarness,
  apiKeyRequest,
  rollbackOf,
  certificateRequest,
  failureProgress,
  progressOf,
  startConnection,
  statuses,
} from './fixtures';

const h = useHarness();

/** The step catalog's undos. */
const UNDO_ACTIVITY_NAMES = new Set<string>(UNDO_ACTIVITIES);

/** Undos scheduled after the failure, in the order they ran. */
function undosRun(scheduled: string[]): string[] {
  return scheduled.filter((a) => UNDO_ACTIVITY_NAMES.has(a));
}

describe('a permanent failure at each step rolls back exactly what was registered, newest first', () => {
  // Every row of the connect plans fails once; the expected rollback is stated from the plan (rollbackOf).
  const apiKeyRows = rowEntries(CONNECT_API_KEY).map((e) => e.row);
  it.each(apiKeyRows)('API key model: %s fails', async (failing) => {
    const activity = rowOf(failing).activity.name as ActivityName;
    const step = rowOf(failing).step;
    const type = failing === 'preflight' ? FailureType.PreflightRefused : FailureType.Forbidden;
    const run = await startConnection(h.harness, apiKeyRequest(), {
      activities: withOverrides(scriptedActivities(), { [activity]: fails(type, `${activity} refused`) }),
    });
    const outcome = await run.outcome();
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'failed') return;
    expect(outcome.failure).toMatchObject({ type, nonRetryable: true });
    expect(undosRun(run.scheduled())).toEqual(rollbackOf(CONNECT_API_KEY, failing));
    // Activity failures were not retried (non-retryable type).
    expect(run.entries('activity-attempt').filter((a) => a.activity === activity)).toHaveLength(1);

    const progress = failureProgress(outcome.failure);
    expect(progress.state).toBe('rolled-back');
    expect(progress.reason).toMatchObject({ type, step });
    expect(progress.compensationFailures).toEqual([]);
    // A failed step with an undo was undone (its undo removes whatever it finds); one without stays failed.
    expect(statuses(progress)[step]).toBe(rowOf(failing).undo ? 'compensated' : 'failed');
    expect(await progressOf(run)).toEqual(progress);
  });

  it('the rollback order rollbackOf states, spelled out once per model (rows added later may fall in between)', () => {
    const inOrder = (undos: string[], expected: string[]) => undos.filter((u) => expected.includes(u));
    const apiKey = [
      'deleteRoles',
      'unregisterRemoteCluster',
      'removeKeystoreCredentials',
      'removeProxyCaTrust',
      'invalidateCrossClusterApiKey',
    ];
    expect(inOrder(rollbackOf(CONNECT_API_KEY, 'roles'), apiKey)).toEqual(apiKey);
    const certificate = [
      'deleteRoles',
      'deleteRoles',
      'unregisterRemoteCluster',
      'removeDeploymentTrust',
      'removeDeploymentTrust',
      'removePlatformTrust',
      'removePlatformTrust',
    ];
    expect(inOrder(rollbackOf(CONNECT_CERTIFICATE, 'roles'), certificate)).toEqual(certificate);
  });

  const certificateRows = rowEntries(CONNECT_CERTIFICATE)
    .map((e) => e.row)
    .filter((r) => r !== 'preflight' && rowOf(r).undo);
  it.each(certificateRows)('certificate model: %s fails', async (failing) => {
    const activity = rowOf(failing).activity.name as ActivityName;
    // Trusting every deployment of ece-b, so every row of the plan runs (trust-all too).
    const run = await startConnection(h.harness, certificateRequest({ deploymentTrust: 'all' }), {
      activities: withOverrides(scriptedActivities(), { [activity]: fails(FailureType.PlanFailed) }),
    });
    await expect(run.resultValue()).rejects.toMatchObject({ type: FailureType.PlanFailed });
    expect(undosRun(run.scheduled())).toEqual(rollbackOf(CONNECT_CERTIFICATE, failing));
    // Both sides of a parallel step end before the rollback starts; the remote side is undone first.
    // An undo's Web UI summary says it is one, and of which step.
    const undoSummaries = run.entries('activity-scheduled').filter((e) => e.activity === 'removePlatformTrust');
    expect(undoSummaries.map((e) => e.summary)).toEqual([
      'undo platform-trust: removePlatformTrust: ece-b stops trusting ece-a',
      'undo platform-trust: removePlatformTrust: ece-a stops trusting ece-b',
    ]);
  });

  it('only one side of a parallel step failing still undoes both sides', async () => {
    const base = scriptedActivities();
    const run = await startConnection(h.harness, certificateRequest(), {
      activities: withOverrides(base, {
        ensurePlatformTrust: async (input: { side: string }) => {
          if (input.side === 'remote') await fails(FailureType.Forbidden)();
          return base.ensurePlatformTrust(input as never);
        },
      }),
    });
    const outcome = await run.outcome();
    expect(outcome.status).toBe('failed');
    expect(undosRun(run.scheduled())).toEqual(['removePlatformTrust', 'removePlatformTrust']);
    if (outcome.status !== 'failed') return;
    // The branch that succeeded is in `created`, so the operator sees what was undone.
    expect(failureProgress(outcome.failure).created.map((c) => c.environment)).toEqual(['ece-a']);
  });
});

describe('compensation failures', () => {
  it('reports an undo that still fails, runs the remaining undos, and fails with CompensationFailed', async () => {
    const run = await startConnection(h.harness, apiKeyRequest(), {
      activities: withOverrides(scriptedActivities(), {
        createRoles: fails(FailureType.Forbidden, 'no manage_security'),
        unregisterRemoteCluster: fails(FailureType.Unauthorized, 'password rotated'),
      }),
    });
    const outcome = await run.outcome();
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'failed') return;
    expect(outcome.failure).toMatchObject({ type: FailureType.CompensationFailed, nonRetryable: true });
    expect(outcome.failure.message).toContain('Forbidden');
    expect(outcome.failure.message).toContain('password rotated');
    expect(undosRun(run.scheduled())).toEqual(rollbackOf(CONNECT_API_KEY, 'roles'));
    const progress = failureProgress(outcome.failure);
    expect(progress.state).toBe('failed');
    expect(progress.reason).toMatchObject({ type: FailureType.Forbidden, step: 'roles' });
    expect(progress.compensationFailures).toEqual([
      {
        step: 'register-remote',
        activity: 'unregisterRemoteCluster',
        message: expect.stringContaining('password rotated'),
      },
    ]);
    expect(statuses(progress)).toMatchObject({
      roles: 'compensated',
      'register-remote': 'compensation-failed',
      keystore: 'compensated',
      'api-key': 'compensated',
    });
  });

  it('retries a transiently failing undo before it counts as done', async () => {
    const base = scriptedActivities();
    const run = await startConnection(h.harness, apiKeyRequest(), {
      activities: withOverrides(base, {
        verifyRemoteConnection: fails(FailureType.VerificationFailed, 'CA not trusted'),
        removeKeystoreCredentials: failsTransiently(3, base.removeKeystoreCredentials),
      }),
    });
    await expect(run.resultValue()).rejects.toMatchObject({ type: FailureType.VerificationFailed });
    expect(run.entries('activity-attempt').filter((a) => a.activity === 'removeKeystoreCredentials')).toHaveLength(4);
  });
});

describe('retries', () => {
  it('retries Transient failures with backoff in virtual time, then connects', async () => {
    const base = scriptedActivities();
    const run = await startConnection(h.harness, apiKeyRequest(), {
      activities: withOverrides(base, { registerRemoteCluster: failsTransiently(2, base.registerRemoteCluster) }),
    });
    const result = (await run.resultValue()) as ConnectionResult;
    expect(result.state).toBe('connected');
    const attempts = run.entries('activity-attempt').filter((a) => a.activity === 'registerRemoteCluster');
    expect(attempts.map((a) => [a.attempt, a.outcome, a.failureType])).toEqual([
      [1, 'failed', FailureType.Transient],
      [2, 'failed', FailureType.Transient],
      [3, 'completed', undefined],
    ]);
    // 1 s then 2 s of backoff (retry policy from the scheduleActivity command).
    expect(attempts.map((a) => a.at - attempts[0]!.at)).toEqual([0, 1_000, 3_000]);
    expect(result.steps.find((s) => s.id === 'register-remote')!.attempts).toBe(3);
  });

  it('retries an attempt that timed out', async () => {
    const base = scriptedActivities();
    const run = await startConnection(h.harness, apiKeyRequest(), {
      activities: withOverrides(base, { createCrossClusterApiKey: timesOut(1, base.createCrossClusterApiKey) }),
    });
    await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
    const attempts = run.entries('activity-attempt').filter((a) => a.activity === 'createCrossClusterApiKey');
    expect(attempts.map((a) => a.outcome)).toEqual(['timed-out', 'completed']);
  });

  it('stops retrying a Transient failure at scheduleToCloseTimeout and rolls back', async () => {
    const run = await startConnection(h.harness, apiKeyRequest(), {
      activities: withOverrides(scriptedActivities(), { writeKeystoreCredentials: fails(FailureType.Transient) }),
    });
    const outcome = await run.outcome();
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'failed') return;
    expect(outcome.failure).toMatchObject({ type: FailureType.Transient });
    expect(outcome.failure.message).toContain('SCHEDULE_TO_CLOSE');
    const attempts = run.entries('activity-attempt').filter((a) => a.activity === 'writeKeystoreCredentials');
    expect(attempts.length).toBeGreaterThan(3);
    expect(undosRun(run.scheduled())[0]).toBe('removeKeystoreCredentials');
  });
});

describe('cancellation', () => {
  it('while waiting for approval: undoes what ran and ends cancelled', async () => {
    const request = apiKeyRequest({ approval: { gates: ['register-remote'], approvers: [APPROVER], deadline: '1h' } });
    const run = await startConnection(h.harness, request, { activities: withOverrides(scriptedActivities()) });
    await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
    await run.cancel();
    const outcome = await run.outcome();
    expect(outcome.status).toBe('cancelled');
    // Cancelled at register-remote's gate: the rows before it are undone.
    expect(undosRun(run.scheduled())).toEqual(rollbackOf(CONNECT_API_KEY, 'keystore'));
    const progress = await progressOf(run);
    expect(progress.state).toBe('rolled-back');
    expect(progress.reason).toMatchObject({ type: 'Cancelled', step: 'register-remote' });
    expect(progress.pendingGate).toBeUndefined();
    expect(statuses(progress)['register-remote']).toBe('pending');
  });

  it('while a long activity runs: cancels it, waits for it to end, then undoes', async () => {
    const run = await startConnection(h.harness, apiKeyRequest(), {
      activities: withOverrides(scriptedActivities({ keystore: 'restart' }), {
        restartElasticsearch: hangsUntilCancelled(),
      }),
    });
    await run.until((r) => r.scheduled().includes('restartElasticsearch'));
    await run.cancel();
    const outcome = await run.outcome();
    expect(outcome.status).toBe('cancelled');
    expect(run.entries('activity-cancel-requested').map((e) => e.activity)).toEqual(['restartElasticsearch']);
    expect(run.entries('activity-attempt').find((a) => a.activity === 'restartElasticsearch')!.outcome).toBe(
      'cancelled',
    );
    // Undos start only after the cancelled activity has ended.
    const restartResolved = run.timeline.findIndex(
      (e) => e.kind === 'activity-resolved' && e.activity === 'restartElasticsearch',
    );
    const firstUndo = run.timeline.findIndex(
      (e) => e.kind === 'activity-scheduled' && UNDO_ACTIVITY_NAMES.has(e.activity),
    );
    expect(restartResolved).toBeGreaterThan(-1);
    expect(firstUndo).toBeGreaterThan(restartResolved);
    expect(undosRun(run.scheduled())).toEqual(rollbackOf(CONNECT_API_KEY, 'restart'));
    expect(statuses(await progressOf(run))).toMatchObject({ restart: 'failed', 'register-remote': 'compensated' });
  });
});
