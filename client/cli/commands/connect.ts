import {
  ConnectionRequest,
  FanOutRequest,
  connectionId,
  isFanOutInput,
  pairRequests,
  parseOrThrow,
} from '../../../domain';
import { type Client } from '@temporalio/client';
import { type StartedOrSame, startOrFind } from '../../start-or-find';
import { workflowUiUrl } from '../../temporal-connection';
import { type CliContext, cliCommand } from '../context';
import { CliError } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';
import { type PreflightOutcome, exitCodeOf, waitForFanOutPreflights, waitForPreflight } from '../preflight-wait';
import { refuseUnlessStartedOrSame } from './lifecycle-start';

export async function connectCommand(ctx: CliContext, file: string, opts: ConnectOptions): Promise<ExitCode> {
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
  if (!opts.json) {
    ctx.out(
      [
        started.status === 'started'
          ? `Started connection ${started.workflowId} (run ${started.runId}).`
          : `Connection ${started.workflowId} is already running (run ${started.runId}); nothing new was started.`,
        `Web UI:  ${url}`,
      ].join('\n'),
    );
  }
  if (opts.wait === false) {
    if (opts.json) ctx.out(JSON.stringify({ ...started, url }));
    else ctx.out(`Watch:   ${cliCommand(ctx)} status ${started.workflowId} --watch`);
    return EXIT.OK;
  }
  return afterPreflight(ctx, client, { ...started, url }, opts);
}

export interface ConnectOptions {
  json?: boolean;
  /** Seconds to wait for preflight's verdict, or false (`--no-wait`) to return once started. */
  wait?: number | false;
}

const WAIT_SECONDS = 120;

/** Waits for the run's preflight and reports it: exit 0 passed, 4 refused (with why), 7 ended, 6 still waiting. */
async function afterPreflight(
  ctx: CliContext,
  client: Client,
  started: StartedOrSame & { url: string },
  opts: ConnectOptions,
): Promise<ExitCode> {
  const id = started.workflowId;
  const timeoutSeconds = opts.wait || WAIT_SECONDS;
  if (!opts.json)
    ctx.out(`Waiting for preflight, which checks both deployments and environments (--no-wait skips this)...`);
  const { outcome, view } = await waitForPreflight(ctx, client, started, {
    timeoutSeconds,
    onProgress: opts.json ? undefined : (line) => ctx.out(`  ${line}`),
  });
  const code = exitCodeOf([outcome]);
  if (opts.json) {
    ctx.out(JSON.stringify({ ...started, preflight: outcome }));
  } else if (outcome.outcome === 'passed') {
    const gate = view.progress?.pendingGate?.gate;
    ctx.out(
      [
        `The run goes on${gate ? `, waiting for approval of gate "${gate}"` : ` (${view.state})`}.`,
        `Watch:   ${cliCommand(ctx)} status ${id} --watch`,
      ].join('\n'),
    );
  } else {
    ctx.out(`Details: ${cliCommand(ctx)} status ${id}`);
  }
  if (code !== EXIT.OK) ctx.err(`crosslink: ${notPassed(outcome, id, timeoutSeconds)}`);
  return code;
}

function notPassed(outcome: PreflightOutcome, id: string, timeoutSeconds: number): string {
  switch (outcome.outcome) {
    case 'refused':
      return `preflight refused ${id}: ${outcome.reason.type}: ${outcome.reason.message}`;
    case 'ended':
      return `${id} ended before preflight decided: ${outcome.message}`;
    case 'no-worker':
      return `no worker answered within ${timeoutSeconds}s; ${id} waits for one (start it: \`npm run worker\`)`;
    default:
      return `preflight of ${id} had no verdict within ${timeoutSeconds}s; the run goes on`;
  }
}

/** A request file with `remotes`: one run for the fan-out, one connection run per pair under it. */
async function connectFanOut(ctx: CliContext, request: FanOutRequest, opts: ConnectOptions): Promise<ExitCode> {
  const client = await ctx.client();
  const started = refuseUnlessStartedOrSame(await startOrFind(client, { operation: 'fan-out', request }));
  const url = workflowUiUrl(ctx.target(), started.workflowId);
  const pairs = pairRequests(request).map((p) => ({ alias: p.alias, connectionId: connectionId(p) }));
  const cli = cliCommand(ctx);
  if (!opts.json) {
    ctx.out(
      [
        started.status === 'started'
          ? `Started fan-out ${started.workflowId} (run ${started.runId}): ${pairs.length} pairs.`
          : `Fan-out ${started.workflowId} is already running (run ${started.runId}); nothing new was started.`,
        ...pairs.map((p) => `  ${p.alias}: ${cli} status ${p.connectionId} --watch`),
        `Web UI:  ${url}`,
      ].join('\n'),
    );
  }
  if (opts.wait === false) {
    ctx.out(opts.json ? JSON.stringify({ ...started, url, pairs }) : `Watch:   ${cli} status ${started.workflowId}`);
    return EXIT.OK;
  }
  const timeoutSeconds = opts.wait || WAIT_SECONDS;
  if (!opts.json) ctx.out(`Waiting for each pair's preflight (--no-wait skips this)...`);
  const outcomes = await waitForFanOutPreflights(ctx, client, started, pairs, {
    timeoutSeconds,
    onProgress: opts.json ? undefined : (line) => ctx.out(`  ${line}`),
  });
  const code = exitCodeOf(outcomes.map((p) => p.outcome));
  if (opts.json) {
    const preflights = outcomes.map((p) => ({ alias: p.alias, connectionId: p.connectionId, preflight: p.outcome }));
    ctx.out(JSON.stringify({ ...started, url, pairs: preflights }));
  } else {
    ctx.out(`Watch:   ${cli} status ${started.workflowId}`);
  }
  for (const p of outcomes) {
    if (p.outcome.outcome !== 'passed')
      ctx.err(`crosslink: ${p.alias}: ${notPassed(p.outcome, p.connectionId, timeoutSeconds)}`);
  }
  return code;
}
