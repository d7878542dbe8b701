import { type Command } from 'commander';
import { MigrateRequest, parseOrThrow } from '../../../domain';
import { type CliContext } from '../context';
import { CliError } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';
import { readJsonFile, startAndReport } from './lifecycle-start';

const HELP = `
Moves a certificate connection to the API key model in place (Elastic's "Migrate remote clusters
from certificate to API key authentication"), keeping its alias, so followers are never re-created:
  1. checks both sides (8.14+, or 8.10-8.13 with --allow-beta; the alias holds the certificate
     connection; the key's replication access covers every follower's leader), then creates the
     cross-cluster API key with --access and trusts the remote proxy CA where needed. The "api-key"
     gate shows what the certificate model's remote roles grant today beside what the key will;
  2. "pause-replication" gate: pauses the active followers and auto-follow patterns that use the
     alias (those already paused stay paused); lists transforms and datafeeds that read through it,
     which crosslink does not stop: approving says they may be interrupted (or stop them first);
  3. writes the keystore credential, switches cluster.remote.<alias> from port 9400 to 9443,
     reloads ("restart" gate where the version needs a restart), verifies;
  4. gives the local roles remote_indices (copied from the remote roles unless --roles names them),
     resumes exactly what it paused and waits until the followers follow again;
  5. "retire-certificate" gate: removes the certificate trust only this connection used (trust.external
     entries, trust relationships, its remote roles). No rollback after this gate.
Until that last gate, any failure, rejection or cancellation puts the certificate connection back.

--access takes the key's access as JSON, or @file:
  --access '{"search":[{"names":["logs-*"]}],"replication":[{"names":["leader-*"]}]}'`;

interface MigrateOptions {
  as: string;
  access: string;
  roles?: string;
  expiration?: string;
  allowBeta?: boolean;
  verifyTimeout?: string;
  deadline?: string;
  reason?: string;
  json?: boolean;
}

export function registerMigrateCommand(
  program: Command,
  ctx: CliContext,
  run: (p: Promise<ExitCode>) => Promise<void>,
): void {
  program
    .command('migrate')
    .description(
      'move a certificate connection to the API key model in place: same alias, followers paused and resumed',
    )
    .argument('<local-environment>', 'environment of the local deployment')
    .argument('<deployment>', 'local deployment id')
    .argument('<alias>', 'remote cluster alias')
    .requiredOption('--as <name>', 'who asks (recorded as the requester)')
    .requiredOption('--access <json|@file>', "what the cross-cluster API key grants (the key's access)")
    .option('--roles <file>', 'the local roles for the API key model (default: copied from the remote roles)')
    .option('--expiration <duration>', 'the key expires after this long (Elasticsearch duration, e.g. 90d)')
    .option('--allow-beta', 'accept the API key model on 8.10-8.13, where it is beta (a restart is then gated)')
    .option('--verify-timeout <duration>', 'how long to wait for the alias and for the followers (default 5m)')
    .option('--deadline <duration>', 'how long each gate waits for a decision (default 24h)')
    .option('--reason <text>', 'why (recorded with the request)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', HELP)
    .action((environment: string, deploymentId: string, alias: string, opts: MigrateOptions) =>
      run(migrateCommand(ctx, { environment, deploymentId, alias }, opts)),
    );
}

/** `--access`: inline JSON, or `@file` with the JSON. */
function accessOf(ctx: CliContext, value: string): unknown {
  if (value.startsWith('@')) return readJsonFile(ctx, value.slice(1));
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new CliError(EXIT.INVALID_INPUT, `--access is not valid JSON: ${(err as Error).message}`);
  }
}

export function migrateCommand(
  ctx: CliContext,
  where: { environment: string; deploymentId: string; alias: string },
  opts: MigrateOptions,
): Promise<ExitCode> {
  const request = parseOrThrow(
    MigrateRequest,
    {
      local: { environment: where.environment, deploymentId: where.deploymentId },
      alias: where.alias,
      access: accessOf(ctx, opts.access),
      requestedBy: opts.as,
      ...(opts.roles ? { roles: readJsonFile(ctx, opts.roles) } : {}),
      ...(opts.expiration ? { expiration: opts.expiration } : {}),
      ...(opts.allowBeta ? { allowBetaApiKeyModel: true } : {}),
      ...(opts.verifyTimeout ? { verifyTimeout: opts.verifyTimeout } : {}),
      ...(opts.deadline ? { deadline: opts.deadline } : {}),
      ...(opts.reason ? { reason: opts.reason } : {}),
    },
    'migrate request',
  );
  return startAndReport(
    ctx,
    { operation: 'migrate', request },
    'it waits for approval of "api-key", then "pause-replication" and, last, "retire-certificate"',
    opts,
  );
}
