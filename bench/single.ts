/** One connection at a time on the default topology: elapsed vs critical path, API calls, workflow CPU. */
import { CONNECTION_WORKFLOW, type ConnectionRequest } from '../domain';
import { type WorkflowHarness } from '../test/harness/workflow-harness';
import { withTaps } from '../test/proof/support/taps';
import { startProofWorld } from '../test/proof/support/world';
import { type WorkflowCpu } from './cpu';
import { type Stage, criticalPathMs, minimumCalls } from './minimum';

export interface BenchSettings {
  latencyMs: number;
  planMs: number;
  planPollMs: number;
}

export interface SingleResult {
  elapsedMs: number;
  criticalPathMs: number;
  eceCalls: number;
  esCalls: number;
  minimumCalls: number;
  cpuMs: number;
  activations: number;
  /** Real time during which no activity was running: workflow activations and the harness's own work. */
  outsideActivitiesMs: number;
}

/** ES route ids are the REST API names (`security.put_role`, `info`); ECE's are operation ids with dashes. */
const isEs = (route: string) => route.includes('.') || route === 'info';

export async function runSingle(
  harness: WorkflowHarness,
  cpu: WorkflowCpu,
  request: ConnectionRequest,
  path: Stage[],
  settings: BenchSettings,
): Promise<SingleResult> {
  const world = await startProofWorld({
    planDurationMs: settings.planMs,
    latencyMs: settings.latencyMs,
    timing: { planPollMs: settings.planPollMs },
  });
  try {
    const started = process.hrtime.bigint();
    const busy: Array<[number, number]> = [];
    const activities = withTaps(world.activities, [
      async (_call, next) => {
        const from = performance.now();
        try {
          return await next();
        } finally {
          busy.push([from, performance.now()]);
        }
      },
    ]);
    const startedAt = performance.now();
    // Under its connection id (one connection, one run); the CPU recording is per run.
    const run = await harness.start(CONNECTION_WORKFLOW, [request], { activities });
    const outcome = await run.outcome();
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    const outsideActivitiesMs = performance.now() - startedAt - covered(busy);
    if (outcome.status !== 'completed') throw new Error(`the connection did not connect: ${outcome.status}`);
    const calls = world.simulator.calls;
    const { cpuMs, activations } = await cpu.replay(run.runId);
    return {
      elapsedMs,
      criticalPathMs: criticalPathMs(path, settings.latencyMs, settings.planMs),
      eceCalls: calls.filter((c) => !isEs(c.route)).length,
      esCalls: calls.filter((c) => isEs(c.route)).length,
      minimumCalls: minimumCalls(path),
      cpuMs,
      activations,
      outsideActivitiesMs,
    };
  } finally {
    await world.close();
  }
}

/** Length of the union of the intervals. */
function covered(intervals: Array<[number, number]>): number {
  let total = 0;
  let end = -Infinity;
  for (const [from, to] of [...intervals].sort((a, b) => a[0] - b[0])) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
