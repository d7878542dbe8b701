/** `npm run worker [-- --environments <file>]`: one crosslink worker until SIGINT or SIGTERM. */
import { type Duration } from '@temporalio/common';
import { rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger } from '../common/logging';
import { loadWorkerConfig } from './config';
import { startWorker } from './worker';
import { tlsOverrideWarning } from '../activities/http/pool';
import { type WorkflowCodeMode } from './bundle';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      environments: { type: 'string', short: 'e' },
      'workflow-code': { type: 'string' },
    },
  });
  const config = loadWorkerConfig({ path: values.environments });
  const log = createLogger({ name: 'worker', secrets: config.secrets });
  const tlsWarning = tlsOverrideWarning(); // a warning, not a refusal: the variable changes nothing here
  if (tlsWarning) log.warn(tlsWarning);
  const mode = (values['workflow-code'] ?? process.env.CROSSLINK_WORKFLOW_CODE ?? 'auto') as WorkflowCodeMode;
  if (!['auto', 'prebuilt', 'source'].includes(mode))
    throw new Error('--workflow-code must be auto, prebuilt or source');
  const handle = await startWorker({
    config,
    logger: log,
    workflowCode: mode,
    shutdownGraceTime: (process.env.CROSSLINK_SHUTDOWN_GRACE_TIME ?? '30s') as Duration,
    ...cacheSize(process.env.CROSSLINK_MAX_CACHED_WORKFLOWS),
  });

  // Docker health check: the file exists while the worker polls (CROSSLINK_READY_FILE).
  const readyFile = process.env.CROSSLINK_READY_FILE;
  if (readyFile) writeFileSync(readyFile, `${new Date().toISOString()}\n`);
  handle.running.finally(() => readyFile && rmSync(readyFile, { force: true })).catch(() => undefined);

  let signals = 0;
  const stop = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      log.warn({ signal }, 'second signal: exiting without waiting for in-flight activities');
      process.exit(130);
    }
    log.info(
      { signal },
      'shutting down: no new tasks; in-flight activities finish or are cancelled after the grace time',
    );
    void handle.shutdown();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await handle.running;
}

/** CROSSLINK_MAX_CACHED_WORKFLOWS: a whole number, or unset for the SDK's default. */
function cacheSize(value: string | undefined): { maxCachedWorkflows?: number } {
  if (value === undefined || value === '') return {};
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error('CROSSLINK_MAX_CACHED_WORKFLOWS must be a whole number');
  return { maxCachedWorkflows: n };
}

main().catch((err: unknown) => {
  process.stderr.write(`crosslink worker: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
