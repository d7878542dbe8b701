/**
 * The Temporal Runtime is a process-wide singleton: install it once with crosslink's pino logger
 * and without its own signal handling (the worker's main, or the local run, decides on shutdown).
 */
import { Runtime } from '@temporalio/worker';
import { type Logger } from 'pino';
import { PinoTemporalLogger } from './temporal-logger';

export function installRuntime(logger: Logger): Runtime {
  if (Runtime._instance) return Runtime._instance;
  return Runtime.install({
    logger: new PinoTemporalLogger(logger),
    shutdownSignals: [],
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
  });
}
