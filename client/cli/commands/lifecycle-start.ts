/** Starting a lifecycle operation from the CLI and saying what happened (shared by update-access, rotate, disconnect). */
import { type LifecycleStart, startLifecycle } from '../../lifecycle-starts';
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

/** Starts it; a run of the connection in progress is a refusal (exit 4) naming it. */
export async function startAndReport(
  ctx: CliContext,
  start: LifecycleStart,
  waitsFor: string,
  opts: { json?: boolean },
): Promise<ExitCode> {
  const client = await ctx.client();
  const started = await startLifecycle(client, start);
  const id = started.workflowId;
  if (started.status !== 'started') {
    throw new CliError(
      EXIT.REFUSED,
      `a run of the connection ${id} is in progress (run ${started.runId}): wait for it to end (${cliCommand(ctx)} status ${id}) or cancel it first`,
    );
  }
  const url = workflowUiUrl(ctx.target(), id);
  if (opts.json) ctx.out(JSON.stringify({ workflowId: id, runId: started.runId, operation: start.operation, url }));
  else
    ctx.out(
      [
        `Started ${start.operation} ${id} (run ${started.runId}); ${waitsFor}.`,
        `Web UI:  ${url}`,
        `Watch:   ${cliCommand(ctx)} status ${id} --watch`,
      ].join('\n'),
    );
  return EXIT.OK;
}
