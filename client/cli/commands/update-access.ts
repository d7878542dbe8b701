import { type Command } from 'commander';
import { UpdateAccessRequest, parseOrThrow } from '../../../domain';
import { type CliContext } from '../context';
import { type ExitCode } from '../exit-codes';
import { readJsonFile, startAndReport } from './lifecycle-start';

const HELP = `
The request file names the connection and the new access:
  { "local": { "environment": "ece-a", "deploymentId": "<id>" }, "alias": "logs-b",
    "access": { "search": [ { "names": ["logs-*", "metrics-*"] } ] },
    "roles": [ ... optional, created or updated on the local deployment ... ],
    "requestedBy": "alice", "reason": "optional" }
The working cross-cluster API key is updated in place (same id, same secret: the keystore is not
touched) after approval of the "api-key" gate, then the connection is verified; on any failure
the previous access is put back. API key model only: a certificate connection's access is the
roles on the remote deployment.`;

export function registerUpdateAccessCommand(
  program: Command,
  ctx: CliContext,
  run: (p: Promise<ExitCode>) => Promise<void>,
): void {
  program
    .command('update-access')
    .description("change what a connection's cross-cluster API key grants, in place, gated and verified")
    .argument('<request.json>', 'update-access request file ("-" reads standard input)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', HELP)
    .action((file: string, opts: { json?: boolean }) => run(updateAccessCommand(ctx, file, opts)));
}

export function updateAccessCommand(ctx: CliContext, file: string, opts: { json?: boolean }): Promise<ExitCode> {
  const request = parseOrThrow(UpdateAccessRequest, readJsonFile(ctx, file), `update-access request in ${file}`);
  return startAndReport(ctx, { operation: 'update-access', request }, 'it waits for approval of "api-key"', opts);
}
