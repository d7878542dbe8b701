import { type Command, InvalidArgumentError } from 'commander';
import { Duration } from '../../../domain';
import { type CliContext } from '../context';
import { type ExitCode } from '../exit-codes';
import { auditReportCommand, auditRunCommand, auditScheduleCommand } from './audit';

function duration(value: string): string {
  const parsed = Duration.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? 'not a duration');
  return parsed.data;
}

export function registerAuditCommand(program: Command, ctx: CliContext, run: (p: Promise<ExitCode>) => Promise<void>) {
  const audit = program
    .command('audit')
    .description('scheduled audit of every connection: drift and health, with the repair each needs (never applied)');
  audit
    .command('schedule')
    .description('create the audit schedule, or update its interval and options')
    .option('--every <duration>', 'how often the audit runs', duration, '6h')
    .option('--expiry-warning <duration>', 'report keys expiring within this window', duration, '14d')
    .option('--json', 'print the outcome as JSON')
    .action((opts: { every: string; expiryWarning: string; json?: boolean }) => run(auditScheduleCommand(ctx, opts)));
  audit
    .command('run')
    .description('run the scheduled audit now')
    .option('--json', 'print the outcome as JSON')
    .action((opts: { json?: boolean }) => run(auditRunCommand(ctx, opts)));
  audit
    .command('report')
    .description("the latest completed audit's report")
    .option('--json', 'print the report as JSON')
    .action((opts: { json?: boolean }) => run(auditReportCommand(ctx, opts)));
  for (const cmd of audit.commands) {
    cmd.exitOverride().configureOutput({
      writeOut: (s) => ctx.out(s.replace(/\n$/, '')),
      writeErr: (s) => ctx.err(s.replace(/\n$/, '')),
    });
  }
}
