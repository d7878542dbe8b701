import { type Command } from 'commander';
import { DisconnectRequest, connectionId, parseOrThrow } from '../../../domain';
import { type CliContext } from '../context';
import { type ExitCode } from '../exit-codes';
import { startAndReport } from './lifecycle-start';

const HELP = `
Removes everything crosslink made for the connection: cluster.remote.<alias> settings, the keystore
credential, the cross-cluster API key, the roles, and shared trust objects only when nothing else
needs them. It finds them by their marks, so it also cleans up after a terminated or failed run.
It waits for approval of the "register-remote" gate, then reports what was removed and what was
kept and why. The workflow id is the connection id: it never overlaps a run of the same connection.`;

export function registerDisconnectCommand(
  program: Command,
  ctx: CliContext,
  run: (p: Promise<ExitCode>) => Promise<void>,
): void {
  program
    .command('disconnect')
    .description('remove a connection (also the leftovers of a terminated or failed run), gated')
    .argument('<local-environment>', 'environment of the local deployment')
    .argument('<deployment>', 'local deployment id')
    .argument('<alias>', 'remote cluster alias')
    .requiredOption('--as <name>', 'who asks (recorded as the requester)')
    .option('--reason <text>', 'why (recorded with the request)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', HELP)
    .action((environment: string, deploymentId: string, alias: string, opts: DisconnectOptions) =>
      run(disconnectCommand(ctx, { environment, deploymentId, alias }, opts)),
    );
}

interface DisconnectOptions {
  as: string;
  reason?: string;
  json?: boolean;
}

export async function disconnectCommand(
  ctx: CliContext,
  where: { environment: string; deploymentId: string; alias: string },
  opts: DisconnectOptions,
): Promise<ExitCode> {
  const id = connectionId({
    local: { environment: where.environment, deploymentId: where.deploymentId },
    alias: where.alias,
  });
  const request = parseOrThrow(
    DisconnectRequest,
    { connectionId: id, requestedBy: opts.as, ...(opts.reason ? { reason: opts.reason } : {}) },
    'disconnect request',
  );
  return startAndReport(ctx, { operation: 'disconnect', request }, 'it waits for approval of "register-remote"', opts);
}
