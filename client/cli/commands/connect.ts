import {
  ConnectionRequest,
  FanOutRequest,
  connectionId,
  isFanOutInput,
  pairRequests,
  parseOrThrow,
} from '../../../domain';
import { startOrFind } from '../../start-or-find';
import { workflowUiUrl } from '../../temporal-connection';
import { type CliContext } from '../context';
import { CliError } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';
import { refuseUnlessStartedOrSame } from './lifecycle-start';

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
  if (isFanOutInput(raw))
    return connectFanOut(ctx, parseOrThrow(FanOutRequest, raw, `fan-out request in ${file}`), opts);
  const request = parseOrThrow(ConnectionRequest, raw, `connection request in ${file}`);
  const client = await ctx.client();
  const started = refuseUnlessStartedOrSame(await startOrFind(client, { operation: 'connect', request }));
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

/** A request file with `remotes`: one run for the fan-out, one connection run per pair under it. */
async function connectFanOut(ctx: CliContext, request: FanOutRequest, opts: { json?: boolean }): Promise<ExitCode> {
  const client = await ctx.client();
  const started = refuseUnlessStartedOrSame(await startOrFind(client, { operation: 'fan-out', request }));
  const url = workflowUiUrl(ctx.target(), started.workflowId);
  const pairs = pairRequests(request).map((p) => ({ alias: p.alias, connectionId: connectionId(p) }));
  if (opts.json) {
    ctx.out(JSON.stringify({ ...started, url, pairs }));
    return EXIT.OK;
  }
  ctx.out(
    [
      started.status === 'started'
        ? `Started fan-out ${started.workflowId} (run ${started.runId}): ${pairs.length} pairs.`
        : `Fan-out ${started.workflowId} is already running (run ${started.runId}); nothing new was started.`,
      ...pairs.map((p) => `  ${p.alias}: crosslink status ${p.connectionId} --watch`),
      `Web UI:  ${url}`,
      `Watch:   crosslink status ${started.workflowId}`,
    ].join('\n'),
  );
  return EXIT.OK;
}
