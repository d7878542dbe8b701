import { type Command, InvalidArgumentError, Option } from 'commander';
import { type CliContext } from '../context';
import { type ExitCode } from '../exit-codes';
import { type ConnectionsOptions, DEFAULT_MAX_AGE_S, connectionsCommand } from './connections';
import { CONNECTIONS_FORMATS } from './connections-output';

function wholeSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number of seconds');
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number of seconds');
  return n;
}

export function registerConnectionsCommand(
  program: Command,
  ctx: CliContext,
  run: (p: Promise<ExitCode>) => Promise<void>,
) {
  program
    .command('connections')
    .description(
      'every connection crosslink manages, from the inventory workflow (discovered from the systems: marks, settings, keys), with its health',
    )
    .option('--environment <name>', 'only connections with a side in this environment')
    .option('--deployment <id>', 'only connections with this deployment on either side')
    .option('--all', 'also list residue: marks of rolled-back or disconnected runs (such as invalidated keys)')
    .option('--refresh', 'ask the inventory workflow for a new discovery and wait for it')
    .option('--wait <seconds>', 'how long to wait for a discovery', seconds, 300)
    .option(
      '--max-age <seconds>',
      'read the systems again first when the inventory is older than this (0: never)',
      wholeSeconds,
      DEFAULT_MAX_AGE_S,
    )
    .addOption(
      new Option(
        '--format <format>',
        'a table (the default), the inventory as JSON (every class: connection, in-progress, leftover, residue), or a picture of the estate',
      ).choices(CONNECTIONS_FORMATS),
    )
    .addOption(new Option('--json', 'print the inventory as JSON (the same as --format json)').conflicts('format'))
    .option('--output <file>', 'write to this file instead of standard output')
    .action((opts: ConnectionsOptions) => run(connectionsCommand(ctx, opts)));
}
