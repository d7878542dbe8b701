/** Cancelling a run against the simulator: while it waits for approval, and while a restart plan runs. */
import { DEFAULT_IDS } from '../../simulator/api';
import { APPROVER, apiKeyRequest, progressOf, startConnection } from './fixtures';
import { useSimulatorWorld } from './simulator-world';

const t = useSimulatorWorld();

const ref = (environment: string, deploymentId: string) => ({ environment, deploymentId });

async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!check()) throw new Error('condition never held');
}

describe('cancellation against the simulator', () => {
  it('while waiting for approval: undoes what ran, both environments back to the pre-run state', async () => {
    const request = apiKeyRequest({
      local: ref('ece-a', DEFAULT_IDS.a815),
      remote: ref('ece-b', DEFAULT_IDS.b9),
      approval: { gates: ['register-remote'], approvers: [APPROVER], deadline: '1h' },
    });
    const run = await startConnection(t.harness, request, { activities: t.world.activities });
    await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
    expect(t.world.state()).not.toEqual(t.world.before);

    await run.cancel();
    expect((await run.outcome()).status).toBe('cancelled');
    expect((await progressOf(run)).state).toBe('rolled-back');
    expect(t.world.state()).toEqual(t.world.before);
  });

  it('while a restart plan runs: the plan wait stops, then everything is undone', async () => {
    t.world.simulator.setTiming({ planDurationMs: 1_500 });
    const request = apiKeyRequest({
      local: ref('ece-a', DEFAULT_IDS.a813),
      remote: ref('ece-b', DEFAULT_IDS.b815),
      allowBetaApiKeyModel: true,
      roles: [],
      approval: { gates: [], approvers: [APPROVER] },
    });
    const run = await startConnection(t.harness, request, { activities: t.world.activities });
    await run.until((r) => r.scheduled().includes('restartElasticsearch'));
    const plans = () => t.world.simulator.snapshot()['ece-a']!.deployments[DEFAULT_IDS.a813]!.plans;
    await eventually(() => plans().some((p) => p.kind === 'restart' && p.status === 'pending'));

    await run.cancel();
    const outcome = await run.outcome();
    expect(outcome.status).toBe('cancelled');
    expect(run.entries('activity-cancel-requested').map((e) => e.activity)).toEqual(['restartElasticsearch']);
    expect(run.entries('activity-resolved').find((e) => e.activity === 'restartElasticsearch')!.status).toBe(
      'cancelled',
    );
    expect((await progressOf(run)).state).toBe('rolled-back');
    expect(t.world.state()).toEqual(t.world.before);
  });
});
