/**
 * `npm run simulator [topology.json]`: starts the simulator, prints one JSON line on stdout when ready
 * (`{"ready":true,"environments":{...}}`, usable as the `environments` of a worker's environments file),
 * logs to stderr, and serves until SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { startSimulator } from './index';
import { parseTopology } from './topology';

const log = (message: string) => process.stderr.write(`[simulator] ${message}\n`);

async function main(): Promise<void> {
  const file = process.argv[2];
  const topology = file ? parseTopology(JSON.parse(readFileSync(file, 'utf8'))) : undefined;
  const planDurationMs = process.env.SIMULATOR_PLAN_DURATION_MS ? Number(process.env.SIMULATOR_PLAN_DURATION_MS) : 3000;
  const handle = await startSimulator({ topology, planDurationMs, log });
  process.stdout.write(`${JSON.stringify({ ready: true, environments: handle.config.environments })}\n`);
  log(`ready${file ? ` with topology ${file}` : ' with the default topology'}; plans take ${planDurationMs} ms`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    handle.close().then(
      () => {
        log('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log(`error while closing: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  log(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
