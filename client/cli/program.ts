/** The `crosslink` command line (commander): parses, runs one command, returns its exit code. */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConnectionState, STEP_IDS } from '../../domain';
import { registerAuditCommand } from './commands/audit-program';
import { cancelCommand } from './commands/cancel';
import { type ConnectOptions, connectCommand } from './commands/connect';
import { type DecideOptions, approveCommand, rejectCommand } from './commands/decide';
import { keygenCommand } from './commands/keygen';
import { registerConnectionsCommand } from './commands/connections-program';
import { registerDisconnectCommand } from './commands/disconnect';
import { registerRotateCommand } from './commands/rotate';
import { registerMigrateCommand } from './commands/migrate';
import { registerUpdateAccessCommand } from './commands/update-access';
import { registerApplyCommand } from './commands/apply';
import { registerPlanCommands } from './commands/plan';
import { registerReconcileCommand } from './commands/reconcile';
import { historyCommand } from './commands/history';
import { listCommand } from './commands/list';
import { statusCommand } from './commands/status';
import { type CliContext } from './context';
import { toCliError } from './errors';
import { EXIT, type ExitCode } from './exit-codes';
import { crosslinkVersion } from './version';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

const ENVIRONMENT_HELP = `
Temporal is found through the standard environment configuration: TEMPORAL_ADDRESS (default
localhost:7233), TEMPORAL_NAMESPACE (default "default"), TEMPORAL_API_KEY, TEMPORAL_TLS*,
TEMPORAL_PROFILE / TEMPORAL_CONFIG_FILE. TEMPORAL_UI_URL sets the Web UI base for links.

Exit codes: 0 ok, 1 unexpected error, 2 usage, 3 invalid input, 4 refused by the workflow (connect:
preflight refused), 5 workflow not found, 6 Temporal or worker unavailable (connect: no preflight
verdict in time), 7 ended not connected (status --watch; connect: ended before preflight decided;
apply --follow: an action not done), 8 another run holds the connection with another operation or
a different request, 9 (apply --follow) the estate changed since the plan. \`plan\` exits as
terraform plan -detailed-exitcode: 0 no changes, 2 changes, 1 any error.`;

export function buildProgram(ctx: CliContext, setExit: (code: ExitCode) => void): Command {
  const program = new Command('crosslink')
    .description('Connect Elasticsearch deployments across ECE environments: start, approve, watch.')
    .version(crosslinkVersion(), '-V, --version', 'print the crosslink version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', ENVIRONMENT_HELP)
    .configureOutput({ writeOut: (s) => ctx.out(s.replace(/\n$/, '')), writeErr: (s) => ctx.err(s.replace(/\n$/, '')) })
    .exitOverride();
  const run = (p: Promise<ExitCode>): Promise<void> => p.then(setExit);

  program
    .command('connect')
    .description('validate a connection request and start it (or find the one already running)')
    .argument('<request.json>', 'connection request file ("-" reads standard input)')
    .option(
      '--wait <seconds>',
      "how long to wait for preflight's verdict (exit 4 when it refuses; 6 when none came in time)",
      positiveInt,
      120,
    )
    .option('--no-wait', 'return once the run has started, without waiting for preflight')
    .option('--json', 'print the result as JSON')
    .action((file: string, opts: ConnectOptions) => run(connectCommand(ctx, file, opts)));

  const decisionOptions = (cmd: Command): Command =>
    cmd
      .requiredOption('--as <name>', "your approver id, as the worker's approval policy lists it")
      .requiredOption(
        '--key <file>',
        'your private key (crosslink keygen); it signs the decision and never leaves this machine',
      )
      .option('--wait <seconds>', 'how long to wait for a worker to take the decision', positiveInt, 30)
      .option('--ttl <seconds>', 'how long the signed decision stays valid', positiveInt, 300)
      .option('--print-token', 'print the signed decision (for an approval event) instead of sending it')
      .option(
        '--digest <sha256:...>',
        'the digest of the change you reviewed (crosslink status shows it): refused when the gate now guards another',
      )
      .option('--json', 'print the recorded decision as JSON');

  decisionOptions(
    program
      .command('approve')
      .description('sign and send an approval of the pending gate; the worker checks it against its approval policy')
      .argument('<workflow-id>')
      .argument('<gate>', `the gate waiting for approval (${STEP_IDS.join(', ')})`)
      .option('--comment <text>', 'recorded in the audit trail (signed with the decision)'),
  ).action((id: string, gate: string, opts: DecideOptions & { comment?: string }) =>
    run(approveCommand(ctx, id, gate, opts)),
  );

  decisionOptions(
    program
      .command('reject')
      .description('sign and send a rejection of the pending gate; the run rolls back what it created')
      .argument('<workflow-id>')
      .argument('<gate>')
      .requiredOption('--reason <text>', 'why (recorded in the audit trail, signed with the decision)'),
  ).action((id: string, gate: string, opts: DecideOptions & { reason: string }) =>
    run(rejectCommand(ctx, id, gate, opts)),
  );

  program
    .command('keygen')
    .description('make an Ed25519 key pair for signing decisions; prints the public key for the approval policy')
    .requiredOption('--as <name>', 'your approver id')
    .requiredOption('--out <file>', 'where to write the private key (a new file, mode 0600)')
    .option('--json', 'print the policy entry as JSON')
    .action((opts: { as: string; out: string; json?: boolean }) => run(Promise.resolve(keygenCommand(ctx, opts))));

  program
    .command('status')
    .description('steps, attempts, durations, pending gate and deadline, created resources')
    .argument('<workflow-id>')
    .option('--watch', 'refresh until the run ends (exit 0 connected, 7 otherwise)')
    .option('--interval <seconds>', 'refresh interval for --watch', positiveInt, 2)
    .option('--json', 'print the status as JSON (one line per change with --watch)')
    .addOption(
      new Option(
        '--format <format>',
        'text, json, or mermaid: the run drawn as its plan, each step coloured by its state',
      )
        .choices(['text', 'json', 'mermaid'])
        .default('text'),
    )
    .action(
      (id: string, opts: { watch?: boolean; json?: boolean; interval: number; format: 'text' | 'json' | 'mermaid' }) =>
        run(statusCommand(ctx, id, opts)),
    );

  program
    .command('list')
    .description('connection workflows, by the CrosslinkState search attribute')
    .addOption(new Option('--state <state>', 'only connections in this state').choices(ConnectionState.options))
    .option('--limit <n>', 'at most this many', positiveInt, 50)
    .option('--awaiting-me', 'the runs of any operation whose pending gate you may decide (with --as)')
    .option('--as <name>', "your approver id, as the worker's approval policy lists it")
    .option('--json', 'print the list as JSON')
    .action((opts: { state?: string; json?: boolean; limit: number; awaitingMe?: boolean; as?: string }) =>
      run(listCommand(ctx, opts)),
    );

  program
    .command('cancel')
    .description('cancel a running connection: it undoes what it created and ends rolled back')
    .argument('<workflow-id>')
    .requiredOption('--reason <text>', 'why (recorded with the cancel request in history)')
    .option('--json', 'print the outcome as JSON')
    .action((id: string, opts: { reason: string; json?: boolean }) => run(cancelCommand(ctx, id, opts)));

  program
    .command('history')
    .description('business audit trail: requester, approvals and rejections, each step outcome')
    .argument('<workflow-id>')
    .option('--json', 'print the trail as JSON')
    .action((id: string, opts: { json?: boolean }) => run(historyCommand(ctx, id, opts)));

  registerConnectionsCommand(program, ctx, run);
  registerAuditCommand(program, ctx, run);
  registerDisconnectCommand(program, ctx, run);
  registerUpdateAccessCommand(program, ctx, run);
  registerRotateCommand(program, ctx, run);
  registerMigrateCommand(program, ctx, run);
  registerPlanCommands(program, ctx, run);
  registerApplyCommand(program, ctx, run);
  registerReconcileCommand(program, ctx, run);

  for (const cmd of program.commands) {
    cmd.exitOverride().configureOutput({
      writeOut: (s) => ctx.out(s.replace(/\n$/, '')),
      writeErr: (s) => ctx.err(s.replace(/\n$/, '')),
    });
    cmd.showHelpAfterError('(run with --help for usage)');
  }
  return program;
}

/** Runs `crosslink <args>` (args without node and script) and returns the exit code; never exits the process. */
export async function runCli(args: readonly string[], ctx: CliContext): Promise<ExitCode> {
  let code: ExitCode = EXIT.OK;
  const program = buildProgram(ctx, (c) => (code = c));
  if (args.length === 0) {
    ctx.err(program.helpInformation().replace(/\n$/, ''));
    return EXIT.USAGE;
  }
  try {
    await program.parseAsync([...args], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successes; every other commander error is a usage error (already printed).
      return err.exitCode === 0 ? EXIT.OK : detailed(args, EXIT.USAGE);
    }
    const cliError = toCliError(err, workflowIdArg(args));
    ctx.err(`crosslink: ${cliError.message}`);
    return detailed(args, cliError.exitCode);
  }
}

/** `plan` exits as terraform plan -detailed-exitcode: 2 means changes, so every error is 1. */
function detailed(args: readonly string[], code: ExitCode): ExitCode {
  return args[0] === 'plan' && code !== EXIT.OK ? EXIT.FAILURE : code;
}

/** The <workflow-id> of commands that take one (for "not found" messages). */
function workflowIdArg(args: readonly string[]): string | undefined {
  return ['approve', 'reject', 'status', 'cancel', 'history'].includes(args[0] ?? '') ? args[1] : undefined;
}
