/**
 * Child process of the concurrent bench: runs the simulator on its own, so the measured process
 * holds only what a crosslink worker holds. Argument: JSON { topology, planDurationMs, latencyMs }.
 * IPC: sends { ready, config } once listening; answers 'stats' with { calls, peakRssMb, plans }
 * (plans: how many plans each deployment ran, by `environment/deploymentId`);
 * closes and exits on 'close'.
 */
import { startSimulator } from '../simulator';
import { type TopologyInput } from '../simulator/topology';

interface Options {
  topology: TopologyInput;
  planDurationMs: number;
  latencyMs: number;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as Options;
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const handle = await startSimulator(options);
  process.on('message', (message) => {
    if (message === 'stats') {
      peak = Math.max(peak, process.memoryUsage().rss);
      const plans: Record<string, number> = {};
      for (const [environment, env] of Object.entries(handle.snapshot()))
        for (const [id, dep] of Object.entries(env.deployments)) plans[`${environment}/${id}`] = dep.plans.length;
      process.send?.({ calls: handle.calls.length, peakRssMb: peak / 2 ** 20, plans });
    } else if (message === 'close') {
      clearInterval(sampler);
      void handle.close().finally(() => process.exit(0));
    }
  });
  process.send?.({ ready: true, config: handle.config });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
