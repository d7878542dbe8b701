import { type Command } from 'commander';
import { type CliContext } from '../context';
import { type ExitCode } from '../exit-codes';
import { connectionsCommand } from './connections';

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
    .option('--json', 'print the inventory as JSON')
    .action((opts: { json?: boolean; environment?: string; deployment?: string }) =>
      run(connectionsCommand(ctx, opts)),
    );
}
