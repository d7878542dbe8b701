/** N connections at once: one local deployment to N remote deployments in another environment. */
import { randomBytes } from 'node:crypto';
import { closeAllPools, createActivities } from '../activities';
import { createEnvironmentRegistry, resolveEnvironments } from '../activities/environments';
import { createSealer } from '../activities/secrets/sealing';
import { CONNECTION_WORKFLOW, EnvironmentsFile } from '../domain';
import { type ActivityImplementations, type WorkflowHarness } from '../test/harness/workflow-harness';
import { PROOF_TIMING } from '../test/proof/support/world';
import { startRemoteSimulator } from './remote-simulator';
import { type BenchSettings } from './single';
import { fanOutRequest, fanOutTopology } from './topology';

export interface ConcurrentResult {
  connections: number;
  connected: number;
  totalMs: number;
  perSecond: number;
  /** Peak RSS of this process: the harness (one webpack bundle of the workflows) and the activities. */
  peakRssMb: number;
  /** RSS of this process when the run started (after bundling). */
  startRssMb: number;
  /** Peak RSS of the simulator, which runs in its own process. */
  simulatorPeakRssMb: number;
  calls: number;
}

export async function runConcurrent(
  harness: WorkflowHarness,
  connections: number,
  settings: BenchSettings,
): Promise<ConcurrentResult> {
  const simulator = await startRemoteSimulator({
    topology: fanOutTopology(connections),
    planDurationMs: settings.planMs,
    latencyMs: settings.latencyMs,
  });
  const registry = createEnvironmentRegistry(
    resolveEnvironments(EnvironmentsFile.parse(simulator.config), { env: {} }),
  );
  const activities = createActivities({
    registry,
    sealer: createSealer(randomBytes(32)),
    timing: { ...PROOF_TIMING, planPollMs: settings.planPollMs },
  }) as unknown as ActivityImplementations;
  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const started = process.hrtime.bigint();
    const outcomes = await Promise.all(
      Array.from({ length: connections }, async (_, i) => {
        // Under its connection id (the harness's default for a connection): one connection, one run.
        const run = await harness.start(CONNECTION_WORKFLOW, [fanOutRequest('c', i + 1)], { activities });
        const outcome = await run.outcome();
        // A worker evicts a closed workflow from its cache; the harness keeps it until told.
        await run.dispose();
        return outcome;
      }),
    );
    const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
    peak = Math.max(peak, process.memoryUsage().rss);
    const stats = await simulator.stats();
    return {
      connections,
      connected: outcomes.filter((o) => o.status === 'completed').length,
      totalMs,
      perSecond: connections / (totalMs / 1000),
      peakRssMb: peak / 2 ** 20,
      startRssMb: startRss / 2 ** 20,
      simulatorPeakRssMb: stats.peakRssMb,
      calls: stats.calls,
    };
  } finally {
    clearInterval(sampler);
    await closeAllPools();
    await simulator.close();
  }
}
