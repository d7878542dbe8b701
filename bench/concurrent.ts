/** N connections at once: one local deployment to N remote deployments in another environment. */
import { ConnectionRequest } from '../domain';
import { CONNECTION_WORKFLOW } from '../workflows/messages';
import { type WorkflowHarness } from '../test/harness/workflow-harness';
import { startProofWorld } from '../test/proof/support/world';
import { type BenchSettings } from './single';
import { LOCAL_ID, fanOutTopology, remoteId } from './topology';

export interface ConcurrentResult {
  connections: number;
  connected: number;
  totalMs: number;
  perSecond: number;
  peakRssMb: number;
  /** RSS when the run started: the harness (webpack bundles), the simulator, the worker code. */
  startRssMb: number;
  calls: number;
}

function request(i: number): ConnectionRequest {
  const alias = `r${i}`;
  return ConnectionRequest.parse({
    local: { environment: 'ece-a', deploymentId: LOCAL_ID },
    remote: { environment: 'ece-b', deploymentId: remoteId(i) },
    alias,
    securityModel: 'api_key',
    access: { search: [{ names: ['logs-*'] }] },
    roles: [
      {
        name: `crosslink-${alias}-reader`,
        local: { remote_indices: [{ clusters: [alias], names: ['logs-*'], privileges: ['read'] }] },
      },
    ],
    approval: { gates: [], approvers: ['bob'] },
    requestedBy: 'alice',
  });
}

export async function runConcurrent(
  harness: WorkflowHarness,
  connections: number,
  settings: BenchSettings,
): Promise<ConcurrentResult> {
  const world = await startProofWorld({
    topology: fanOutTopology(connections),
    planDurationMs: settings.planMs,
    latencyMs: settings.latencyMs,
    timing: { planPollMs: settings.planPollMs },
  });
  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const started = process.hrtime.bigint();
    const outcomes = await Promise.all(
      Array.from({ length: connections }, async (_, i) => {
        const run = await harness.start(CONNECTION_WORKFLOW, [request(i + 1)], {
          activities: world.activities,
          workflowId: `bench-${connections}-${i + 1}`,
        });
        return run.outcome();
      }),
    );
    const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
    peak = Math.max(peak, process.memoryUsage().rss);
    return {
      connections,
      connected: outcomes.filter((o) => o.status === 'completed').length,
      totalMs,
      perSecond: connections / (totalMs / 1000),
      peakRssMb: peak / 2 ** 20,
      startRssMb: startRss / 2 ** 20,
      calls: world.simulator.calls.length,
    };
  } finally {
    clearInterval(sampler);
    await world.close();
  }
}
