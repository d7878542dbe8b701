import { type Command, Option } from 'commander';
import { type CliContext } from '../context';
import { type ExitCode } from '../exit-codes';
import { connectionsCommand } from './connections';
import { CONNECTIONS_FORMATS, type ConnectionsOutputOptions } from './connections-output';

export function registerConnectionsCommand(
  program: Command,
  ctx: CliContext,
  run: (p: Promise<ExitCode>) => Promise<void>,
) {
  program
    .command('connections')
    .description(
      'every connection crosslink manages, discovered from the systems (marks, settings, keys) with its health',
    )
    .option('--environment <name>', 'only connections with a side in this environment')
    .option('--deployment <id>', 'only connections with this deployment on either side')
    .addOption(
      new Option(
        '--format <format>',
        'a table (the default), the inventory as JSON, or a picture of the estate',
      ).choices(CONNECTIONS_FORMATS),
    )
    .addOption(new Option('--json', 'print the inventory as JSON (the same as --format json)').conflicts('format'))
    .option('--output <file>', 'write to this file instead of standard output')
    .action((opts: ConnectionsOutputOptions & { environment?: string; deployment?: string }) =>
      run(connectionsCommand(ctx, opts)),
    );
}
