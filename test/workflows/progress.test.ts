import { FailureType, GATE_SEARCH_ATTRIBUTES, Progress, SEARCH_ATTRIBUTES } from '../../domain';
import { signedApproval } from '../harness/approvers';
import { scriptedActivities, withOverrides } from '../harness/scripted-activities';
import {
  APPROVER,
  REQUESTER,
  WORKFLOWS_PATH,
  WorkflowHarness,
  apiKeyRequest,
  progressOf,
  startConnection,
} from './fixtures';

let harness: WorkflowHarness;
beforeAll(async () => {
  harness = await WorkflowHarness.create(WORKFLOWS_PATH);
});
afterAll(() => harness.destroy());

const gatedRequest = () => apiKeyRequest({ approval: { gates: ['proxy-ca'], approvers: [APPROVER], deadline: '24h' } });

describe('progress query', () => {
  it('answers with a valid Progress while waiting, without changing anything', async () => {
    const run = await startConnection(harness, gatedRequest(), { activities: withOverrides(scriptedActivities()) });
    await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
    const commandsBefore = run.commands.length;

    const first = await progressOf(run);
    const second = await progressOf(run);
    expect(second).toEqual(first);
    expect(Progress.parse(first)).toEqual(first);
    // Only query responses were emitted.
    expect(run.commands.slice(commandsBefore).every((c) => c.respondToQuery)).toBe(true);

    expect(first).toMatchObject({
      state: 'awaiting-approval',
      currentStep: 'proxy-ca',
      model: 'api_key',
      alias: 'logs-b',
      requestedBy: REQUESTER,
      startedAt: '2026-01-01T00:00:00.000Z',
      pendingGate: { gate: 'proxy-ca', deadline: '2026-01-02T00:00:00.000Z' },
      audit: [{ gate: 'proxy-ca', decision: 'requested', via: 'workflow', at: '2026-01-01T00:00:00.000Z' }],
      created: [],
      compensationFailures: [],
    });
    expect(first.steps.find((s) => s.id === 'preflight')).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(first.steps.find((s) => s.id === 'proxy-ca')!.status).toBe('awaiting-approval');
    expect(first.steps.find((s) => s.id === 'api-key')!.status).toBe('pending');
  });

  it('a query result cannot be used to change the run', async () => {
    const run = await startConnection(harness, gatedRequest(), { activities: withOverrides(scriptedActivities()) });
    await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
    const p = await progressOf(run);
    p.steps.length = 0;
    expect((await progressOf(run)).steps.length).toBeGreaterThan(0);
  });
});

describe('search attributes', () => {
  it('are upserted on each transition with every key; the gate and its approvers only while it waits', async () => {
    const run = await startConnection(harness, gatedRequest(), { activities: withOverrides(scriptedActivities()) });
    await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
    await run.update('approve', await signedApproval(run, 'proxy-ca', APPROVER));
    await run.resultValue();

    // Each upsert names what changed; the run's attributes are their sum so far.
    const deltas = run.entries('search-attributes').map((e) => e.values);
    const upserts = deltas.map((_, i) => Object.assign({}, ...deltas.slice(0, i + 1)) as Record<string, unknown>);
    expect(Object.keys(deltas[0]!).sort()).toEqual(Object.values(SEARCH_ATTRIBUTES).sort());
    for (const delta of deltas.slice(1)) expect(Object.keys(delta)).not.toContain(SEARCH_ATTRIBUTES.alias);
    for (const values of upserts) {
      expect(values[SEARCH_ATTRIBUTES.alias]).toEqual('logs-b');
      expect(values[SEARCH_ATTRIBUTES.localDeployment]).toEqual(apiKeyRequest().local.deploymentId);
      expect(values[SEARCH_ATTRIBUTES.remoteDeployment]).toEqual(apiKeyRequest().remote.deploymentId);
    }
    const transitions = upserts.map(
      (v) => `${String(v[SEARCH_ATTRIBUTES.state])}:${String(v[SEARCH_ATTRIBUTES.step])}`,
    );
    expect(transitions[0]).toBe('running:preflight');
    expect(transitions).toContain('awaiting-approval:proxy-ca');
    expect(transitions.at(-1)).toBe('connected:roles');
    // Each upsert is a change.
    transitions.forEach((t, i) => i > 0 && expect(t).not.toBe(transitions[i - 1]));
    // Who the run waits for: set while the gate waits (the policy's approvers), cleared when it closes.
    const waitingAt = upserts.findIndex((v) => v[SEARCH_ATTRIBUTES.state] === 'awaiting-approval');
    expect(upserts[waitingAt]![GATE_SEARCH_ATTRIBUTES.gate]).toBe('proxy-ca');
    expect(upserts[waitingAt]![GATE_SEARCH_ATTRIBUTES.approvers]).toEqual(['bob', 'carol', 'alice']);
    expect(deltas[waitingAt + 1]).toMatchObject({
      [GATE_SEARCH_ATTRIBUTES.gate]: null,
      [GATE_SEARCH_ATTRIBUTES.approvers]: null,
    });
    for (const v of upserts.slice(waitingAt + 1)) expect(v[GATE_SEARCH_ATTRIBUTES.gate]).toBeNull();
  });

  it('record the rolled-back state', async () => {
    const run = await startConnection(harness, apiKeyRequest(), {
      activities: withOverrides(scriptedActivities(), {
        registerRemoteCluster: async () => {
          throw new Error('boom');
        },
      }),
    });
    await run.outcome();
    const states = run.entries('search-attributes').map((e) => e.values[SEARCH_ATTRIBUTES.state]);
    expect(states).toContain('compensating');
    expect(states.at(-1)).toBe('rolled-back');
  });
});

describe('input validation inside the workflow', () => {
  it('fails a bad request with BadRequest naming the field, before any activity', async () => {
    const bad = { ...apiKeyRequest(), alias: 'Not An Alias', requestedBy: REQUESTER };
    const run = await startConnection(harness, bad as never, { activities: withOverrides(scriptedActivities()) });
    const outcome = await run.outcome();
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'failed') return;
    expect(outcome.failure).toMatchObject({ type: FailureType.BadRequest, nonRetryable: true });
    expect(outcome.failure.message).toContain('alias');
    expect(run.scheduled()).toEqual([]);
  });
});

describe('activity options', () => {
  it('schedule every activity with a summary, a bounded retry policy and Transient as the only retryable type', async () => {
    const run = await startConnection(harness, apiKeyRequest(), {
      activities: withOverrides(scriptedActivities({ keystore: 'restart' })),
    });
    await run.resultValue();
    const schedules = run.commands.filter((c) => c.scheduleActivity);
    expect(schedules.length).toBeGreaterThan(0);
    for (const command of schedules) {
      const s = command.scheduleActivity!;
      expect(run.entries('activity-scheduled').find((e) => e.seq === s.seq)!.summary).toMatch(
        new RegExp(`^${s.activityType}: `),
      );
      expect(s.scheduleToCloseTimeout).toBeTruthy();
      expect(s.retryPolicy!.nonRetryableErrorTypes).toContain(FailureType.Forbidden);
      expect(s.retryPolicy!.nonRetryableErrorTypes).not.toContain(FailureType.Transient);
    }
    const restart = schedules.find(
      (c) => c.scheduleActivity!.activityType === 'restartElasticsearch',
    )!.scheduleActivity!;
    expect(restart.heartbeatTimeout).toBeTruthy();
  });
});
