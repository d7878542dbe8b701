import { ConnectionRequest, parseOrThrow } from '../../../domain';
import { createTemporalGateway } from '../../connections';
import { workflowUiUrl } from '../../temporal-connection';
import { type CliContext } from '../context';
import { CliError } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';

export async function connectCommand(ctx: CliContext, file: string, opts: { json?: boolean }): Promise<ExitCode> {
  let text: string;
  try {
    text = ctx.readFile(file);
  } catch (err) {
    throw new CliError(EXIT.INVALID_INPUT, `cannot read ${file}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CliError(EXIT.INVALID_INPUT, `${file} is not valid JSON: ${(err as Error).message}`);
  }
  const request = parseOrThrow(ConnectionRequest, raw, `connection request in ${file}`);
  const client = await ctx.client();
  const started = await createTemporalGateway(client).startConnection(request);
  const url = workflowUiUrl(ctx.target(), started.workflowId);
  if (opts.json) {
    ctx.out(JSON.stringify({ ...started, url }));
    return EXIT.OK;
  }
  ctx.out(
    [
      started.status === 'started'
        ? `Started connection ${started.workflowId} (run ${started.runId}).`
        : `Connection ${started.workflowId} is already running (run ${started.runId}); nothing new was started.`,
      `Web UI:  ${url}`,
      `Watch:   crosslink status ${started.workflowId} --watch`,
    ].join('\n'),
  );
  return EXIT.OK;
}
