import { CancelledFailure } from '@temporalio/common';
import { type StepInput } from '../../domain/activities';
import { connectionId } from '../../domain/connection-request';
import { comparableState } from '../../simulator/api';
import { type PlanHeartbeat, waitForPlan } from '../../activities/ece/plan-tracker';
import { restartElasticsearchResource } from '../../activities/ece/restart';
import {
  DEFAULT_IDS,
  type Harness,
  PLAN_MS,
  apiKeyRequest,
  failureOf,
  runPreflight,
  startHarness,
} from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function input(local: string = DEFAULT_IDS.a9): Promise<StepInput> {
  const request = apiKeyRequest({
    local: { environment: 'ece-a', deploymentId: local },
    allowBetaApiKeyModel: true,
    roles: [],
  });
  return { connectionId: connectionId(request), request, preflight: await runPreflight(h, request) };
}

describe('plan tracking', () => {
  it('heartbeats while the plan runs (activity level)', async () => {
    const i = await input();
    const before = comparableState(h.sim.snapshot());
    h.transcript.heartbeats.length = 0;
    await h.run('ensureProxyCaTrust', i);
    expect(h.transcript.heartbeats).toContainEqual(
      expect.objectContaining({ deploymentId: DEFAULT_IDS.a9, pending: true }),
    );
    expect(h.transcript.heartbeats.at(-1)).toMatchObject({ pending: false });
    await h.run('removeProxyCaTrust', i);
    expect(comparableState(h.sim.snapshot())).toEqual(before);
  });

  it('tolerates a few consecutive transient read failures, and gives up with Transient on more', async () => {
    const ece = h.registry.ece('ece-b');
    const beats: PlanHeartbeat[] = [];
    const wait = () =>
      waitForPlan(ece, DEFAULT_IDS.b815, 'main-elasticsearch', { heartbeat: (d) => beats.push(d), pollMs: 10 });

    await restartElasticsearchResource(ece, DEFAULT_IDS.b815, 'main-elasticsearch');
    h.sim.inject({ route: 'get-deployment', kind: 'status', status: 503, times: 2, environment: 'ece-b' });
    await wait();
    expect(beats.at(-1)).toMatchObject({ pending: false });

    await restartElasticsearchResource(ece, DEFAULT_IDS.b815, 'main-elasticsearch');
    h.sim.inject({ route: 'get-deployment', kind: 'status', status: 503, times: 10, environment: 'ece-b' });
    const error = await failureOf(wait());
    expect(error).toMatchObject({ type: 'Transient', nonRetryable: false });
    h.sim.clearFaults();
    await wait();
  });

  it('reports a failed plan as PlanFailed with the plan error', async () => {
    const i = await input();
    h.sim.failNextPlan('ece-a', DEFAULT_IDS.a9, 'allocator ran out of capacity');
    const error = await failureOf(h.run('ensureProxyCaTrust', i));
    expect(error).toMatchObject({ type: 'PlanFailed', nonRetryable: true });
    expect(error.message).toContain('allocator ran out of capacity');
    await h.run('removeProxyCaTrust', i);
  });

  it('stops promptly when the activity is cancelled during a plan wait', async () => {
    const i = await input(DEFAULT_IDS.a813);
    h.sim.setTiming({ planDurationMs: 60_000 });
    try {
      const env = h.environment();
      let cancelled = false;
      env.on('heartbeat', () => {
        if (!cancelled) {
          cancelled = true;
          env.cancel();
        }
      });
      await h.run('registerRemoteCluster', i);
      const error = await failureOf(env.run(h.activities.restartElasticsearch, i));
      expect(cancelled).toBe(true);
      expect(error).toBeInstanceOf(CancelledFailure);
      // The plan is still running: crosslink stopped waiting, it did not cancel the plan.
      const plans = h.sim.snapshot()['ece-a']!.deployments[DEFAULT_IDS.a813]!.plans;
      expect(plans.at(-1)).toMatchObject({ kind: 'restart', status: 'pending' });
    } finally {
      h.sim.setTiming({ planDurationMs: PLAN_MS });
    }
  });
});
