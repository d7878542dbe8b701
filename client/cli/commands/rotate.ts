import { type Command } from 'commander';
import { RotateRequest, connectionId, parseOrThrow } from '../../../domain';
import { findPreviousCredential } from '../../previous-credential';
import { type CliContext } from '../context';
import { CliError } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';
import { startAndReport } from './lifecycle-start';

const HELP = `
Creates a new cross-cluster API key, replaces the keystore credential under the same alias,
reloads it (restarting Elasticsearch, after approval of the "restart" gate, only where the version
loads keystore changes no other way), verifies the connection, and only then invalidates the old
key. On any failure before that, the old credential is written back and the old key keeps working.

ECE never returns keystore values, so the old credential is taken, sealed, from the history of the
run that created the working key (the connect or the last rotate). When that history is gone, the
rotation refuses to start: --no-restore starts it anyway, and a failure after the keystore write
then keeps the new credential and both keys valid (rotate again, or disconnect).

The audit (crosslink audit) suggests a rotation for keys that expire soon.`;

interface RotateOptions {
  as: string;
  expiration?: string;
  restore: boolean;
  reason?: string;
  json?: boolean;
}

export function registerRotateCommand(
  program: Command,
  ctx: CliContext,
  run: (p: Promise<ExitCode>) => Promise<void>,
): void {
  program
    .command('rotate')
    .description(
      "replace a connection's cross-cluster API key: new key, keystore, reload, verify, then the old key goes",
    )
    .argument('<local-environment>', 'environment of the local deployment')
    .argument('<deployment>', 'local deployment id')
    .argument('<alias>', 'remote cluster alias')
    .requiredOption('--as <name>', 'who asks (recorded as the requester)')
    .option('--expiration <duration>', 'the new key expires after this long (Elasticsearch duration, e.g. 90d)')
    .option('--no-restore', 'start even when the old credential cannot be found to put back on failure')
    .option('--reason <text>', 'why (recorded with the request)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', HELP)
    .action((environment: string, deploymentId: string, alias: string, opts: RotateOptions) =>
      run(rotateCommand(ctx, { environment, deploymentId, alias }, opts)),
    );
}

export async function rotateCommand(
  ctx: CliContext,
  where: { environment: string; deploymentId: string; alias: string },
  opts: RotateOptions,
): Promise<ExitCode> {
  const ref = { local: { environment: where.environment, deploymentId: where.deploymentId }, alias: where.alias };
  const id = connectionId(ref);
  const ask = {
    ...ref,
    requestedBy: opts.as,
    ...(opts.expiration ? { expiration: opts.expiration } : {}),
    ...(opts.reason ? { reason: opts.reason } : {}),
  };
  // The arguments are checked before Temporal is asked for the old credential.
  parseOrThrow(RotateRequest, { ...ask, noRestore: true }, 'rotate request');
  const found = opts.restore ? await findPreviousCredential(await ctx.client(), id) : undefined;
  if (opts.restore && !found) {
    throw new CliError(
      EXIT.REFUSED,
      `no completed run of ${id} in Temporal's history holds the sealed credential of the working key, so a failed rotation could not put it back (ECE never returns keystore values). Run with --no-restore to rotate anyway: a failure after the keystore write then keeps the new credential and both keys valid`,
    );
  }
  const request = parseOrThrow(
    RotateRequest,
    { ...ask, ...(found ? { previousCredential: found.sealed } : { noRestore: true }) },
    'rotate request',
  );
  return startAndReport(
    ctx,
    { operation: 'rotate', request },
    found
      ? `the old credential (key ${found.keyId}, from run ${found.runId}) is put back on failure`
      : 'no restore: the old credential cannot be put back on failure',
    opts,
  );
}
