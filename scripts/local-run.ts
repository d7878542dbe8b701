/**
 * `npm run local -- [--auto-approve] [--request file.json] [--keep] [--temporal-port N] [--ui-port N]
 * [--intake-port N]`: the whole of crosslink on this machine, one connection from event to
 * connected, then everything stopped (with --keep: after Ctrl-C). scripts/local/run.ts does the work.
 * Mistakes on the command line (an unknown flag, a bad port, a request file that is missing, not
 * JSON or not a valid request) get one plain message and exit code 2, never a stack trace.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ConnectionRequest, type ConnectionRequestInput, ValidationError } from '../domain';
import { readRequestFile } from './local/request-file';
import { LocalRunInterrupted, runLocal } from './local/run';
import { NoTemporalServerError, PortInUseError } from './local/temporal-server';

const USAGE_ERROR = 2;

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new InvalidArgumentError('must be a port number (1-65535)');
  return n;
}

interface Flags {
  autoApprove?: boolean;
  request?: string;
  keep?: boolean;
  temporalPort?: number;
  uiPort?: number;
  intakePort?: number;
}

function program(): Command {
  return new Command('npm run local --')
    .description('Run crosslink on this machine: simulator, Temporal, worker and intake; request one connection.')
    .option('--auto-approve', 'approve each gate as soon as it opens')
    .option('--request <file>', 'the connection request (JSON), e.g. examples/connection-request.json')
    .option('--keep', 'leave everything running after the result, until Ctrl-C, to explore the Web UI and the CLI')
    .option('--temporal-port <port>', 'port of the Temporal dev server (default 7233 when free)', port)
    .option('--ui-port <port>', 'port of the Temporal Web UI (default 8233 when free)', port)
    .option('--intake-port <port>', 'port of the CloudEvents intake (default: any free port)', port)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

async function main(argv: string[]): Promise<number> {
  const cli = program();
  try {
    cli.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : USAGE_ERROR; // commander printed why
    throw err;
  }
  const flags = cli.opts<Flags>();
  let request: ConnectionRequestInput | undefined;
  if (flags.request) {
    try {
      request = readRequestFile(flags.request, ConnectionRequest);
    } catch (err) {
      process.stderr.write(`--request: ${(err as Error).message}\n`);
      return USAGE_ERROR;
    }
  }

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
  // Ctrl-C, `kill <pid>` (also the one npm relays to this process) and a closed terminal all stop
  // everything this run started, so no dev server, worker or port outlives it.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  const result = await runLocal({
    autoApprove: flags.autoApprove,
    request,
    keep: flags.keep,
    ports: { temporal: flags.temporalPort, ui: flags.uiPort, intake: flags.intakePort },
    signal: controller.signal,
  });
  if (result.state === 'interrupted') return 130;
  return result.state === 'connected' ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof LocalRunInterrupted) process.exit(130);
    if (err instanceof NoTemporalServerError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(3);
    }
    const usage = err instanceof ValidationError || err instanceof PortInUseError;
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`local run failed: ${message}\n`);
    // The stack helps only when debugging crosslink itself.
    if (process.env.CROSSLINK_LOG_LEVEL === 'debug' && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exit(usage ? USAGE_ERROR : 1);
  },
);
