/**
 * The simulator as docker-compose runs it: starts the default topology and writes an
 * environments file for the worker (CROSSLINK_ENVIRONMENTS_OUT, default /config/environments.json),
 * sealing key by reference to CROSSLINK_SEALING_KEY. The simulator listens on 127.0.0.1 with
 * certificates for that address, so the worker shares this container's network namespace.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { startSimulator } from '../simulator';

async function main(): Promise<void> {
  const out = process.env.CROSSLINK_ENVIRONMENTS_OUT ?? '/config/environments.json';
  const planDurationMs = Number(process.env.SIMULATOR_PLAN_DURATION_MS ?? 3000);
  const handle = await startSimulator({ planDurationMs, log: (m) => process.stderr.write(`[simulator] ${m}\n`) });
  const file = { environments: handle.config.environments, sealingKey: { env: 'CROSSLINK_SEALING_KEY' } };
  writeFileSync(`${out}.tmp`, JSON.stringify(file, null, 2));
  renameSync(`${out}.tmp`, out);
  process.stdout.write(`${JSON.stringify({ ready: true, environmentsFile: out })}\n`);

  const stop = (): void => {
    rmSync(out, { force: true });
    void handle.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`simulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
