/**
 * `npm run local -- [--auto-approve] [--request file.json]`: the whole of crosslink on this
 * machine, one connection from event to connected, then everything stopped (scripts/local/run.ts).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ValidationError } from '../domain';
import { NoTemporalServerError } from './local/temporal-server';
import { runLocal } from './local/run';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'auto-approve': { type: 'boolean', default: false },
      request: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write('usage: npm run local -- [--auto-approve] [--request request.json]\n');
    return 0;
  }
  const request = values.request ? JSON.parse(readFileSync(values.request, 'utf8')) : undefined;
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts += 1;
    if (interrupts > 1) {
      process.stderr.write(`${signal} again: exiting now\n`);
      process.exit(130);
    }
    process.stderr.write(`${signal}: stopping everything (press Ctrl-C again to exit at once)...\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const result = await runLocal({ autoApprove: values['auto-approve'], request, signal: controller.signal });
  if (result.state === 'interrupted') return 130;
  return result.state === 'connected' ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ValidationError) {
      process.stderr.write(`${err.message}\n`);
    } else if (err instanceof NoTemporalServerError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(3);
    } else {
      process.stderr.write(`local run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    process.exit(err instanceof Error && err.name === 'LocalRunInterrupted' ? 130 : 1);
  },
);
