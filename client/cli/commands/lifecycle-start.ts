/** Starting a lifecycle operation from the CLI and saying what happened (shared by update-access, rotate, disconnect). */
import { type LifecycleStart, type StartOutcome, startOrFind } from '../../start-or-find';
import { workflowUiUrl } from '../../temporal-connection';
import { type CliContext, cliCommand } from '../context';
import { CliError } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';

/** Reads and parses a JSON request file ("-" is standard input). */
export function readJsonFile(ctx: CliContext, file: string): unknown {
  let text: string;
  try {
    text = ctx.readFile(file);
  } catch (err) {
    throw new CliError(EXIT.INVALID_INPUT, `cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(EXIT.INVALID_INPUT, `${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * A start that did not start or find the same request: another run holds the id (exit 8, the
 * message names it and what differs). Returns the outcome narrowed to what the command reports.
 */
export function refuseUnlessStartedOrSame(
  outcome: StartOutcome,
): Extract<StartOutcome, { status: 'started' | 'already-running' }> {
  switch (outcome.status) {
    case 'started':
    case 'already-running':
      return outcome;
    case 'conflict':
    case 'event-id-reused':
      throw new CliError(EXIT.CONFLICT, outcome.message);
    case 'duplicate-event': // only a start from an event has this outcome
      return { ...outcome, status: 'already-running' };
  }
}

/** Starts it; the same request already running is reported (exit 0), another run holding the connection refused (exit 8). */
export async function startAndReport(
  ctx: CliContext,
  start: LifecycleStart,
  waitsFor: string,
  opts: { json?: boolean },
): Promise<ExitCode> {
  const client = await ctx.client();
  const started = refuseUnlessStartedOrSame(await startOrFind(client, start));
  const id = started.workflowId;
  const url = workflowUiUrl(ctx.target(), id);
  if (opts.json) {
    ctx.out(
      JSON.stringify({ workflowId: id, runId: started.runId, operation: start.operation, status: started.status, url }),
    );
    return EXIT.OK;
  }
  ctx.out(
    [
      started.status === 'started'
        ? `Started ${start.operation} ${id} (run ${started.runId}); ${waitsFor}.`
        : `The same ${start.operation} of ${id} is already running (run ${started.runId}); nothing new was started.`,
      `Web UI:  ${url}`,
      `Watch:   ${cliCommand(ctx)} status ${id} --watch`,
    ].join('\n'),
  );
  return EXIT.OK;
}
