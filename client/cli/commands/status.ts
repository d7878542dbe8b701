import { fanOutStatus, isFanOutId, renderFanOutStatus } from '../../fan-out';
import { isApplyId } from '../../../domain';
import { applyStatusQuery } from '../../../workflows/messages';
import { renderApplyStatus } from '../render/desired-plan';
import { workflowUiUrl } from '../../temporal-connection';
import { type CliContext, cliCommand } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { CliError } from '../errors';
import { planMermaid } from '../render/plan-diagram';
import { planOfWorkflow } from '../../../domain';
import { refreshIfRunning } from '../inventory-client';
import { loadStatus } from '../load-status';
import { type StatusView, isTerminal, renderStatus } from '../render/status';

export interface StatusOptions {
  watch?: boolean;
  json?: boolean;
  /** `text` (default), `json`, or `mermaid`: the run's plan drawn with each step's state. */
  format?: 'text' | 'json' | 'mermaid';
  /** Seconds between refreshes with --watch. */
  interval?: number;
}

export async function statusCommand(ctx: CliContext, workflowId: string, opts: StatusOptions): Promise<ExitCode> {
  const client = await ctx.client();
  const url = workflowUiUrl(ctx.target(), workflowId);
  if (isFanOutId(workflowId)) {
    // Per pair; each pair's own run has the full status (crosslink status <connection id>).
    const pairs = await fanOutStatus(client, workflowId);
    ctx.out(
      opts.json
        ? JSON.stringify({ workflowId, pairs, url })
        : `${renderFanOutStatus(workflowId, pairs)}\n\nWeb UI:    ${url}`,
    );
    return EXIT.OK;
  }
  if (isApplyId(workflowId)) {
    // Per connection; each action's own run has the full status (crosslink status <connection id>).
    const status = await client.workflow.getHandle(workflowId).query(applyStatusQuery);
    ctx.out(opts.json ? JSON.stringify({ ...status, url }) : `${renderApplyStatus(status)}\n\nWeb UI:    ${url}`);
    return EXIT.OK;
  }
  if (opts.format === 'mermaid') return statusDiagram(ctx, workflowId);
  if (opts.format === 'json') opts = { ...opts, json: true };
  let last = '';
  for (;;) {
    const view = await loadStatus(client, workflowId, {
      progress: (line) => ctx.err(line),
      sleep: (ms) => ctx.sleep(ms),
    });
    const text = opts.json
      ? JSON.stringify({ ...view, url })
      : `${renderStatus(view, ctx.now(), cliCommand(ctx))}\n\nWeb UI:    ${url}`;
    if (!opts.watch) {
      ctx.out(text);
      return EXIT.OK;
    }
    // Redraw in place on a terminal; elsewhere print only what changed (one JSON per line with --json).
    if (ctx.isTTY && !opts.json) ctx.out(`\x1b[2J\x1b[H${text}`);
    else if (text !== last) ctx.out(opts.json ? text : `${text}\n`);
    last = text;
    if (isTerminal(view)) {
      // The run changed the estate: the inventory reads it again (when an inventory workflow runs).
      await refreshIfRunning(client, {
        reason: `crosslink status --watch saw ${workflowId} end`,
        connectionId: workflowId,
      }).catch(() => undefined);
      return watchExit(view);
    }
    await ctx.sleep((opts.interval ?? 2) * 1000);
  }
}

function watchExit(view: StatusView): ExitCode {
  return view.state === 'connected' ? EXIT.OK : EXIT.NOT_CONNECTED;
}

/** The run's plan as a Mermaid flowchart, each step coloured by its state now. */
async function statusDiagram(ctx: CliContext, workflowId: string): Promise<ExitCode> {
  const client = await ctx.client();
  const [view, description] = await Promise.all([
    loadStatus(client, workflowId),
    client.workflow.getHandle(workflowId).describe(),
  ]);
  const model = view.progress?.model ?? 'api_key';
  const plan = planOfWorkflow(description.type, model);
  if (!plan)
    throw new CliError(EXIT.INVALID_INPUT, `${workflowId} runs ${description.type}, which has no plan to draw`);
  const states = Object.fromEntries((view.progress?.steps ?? []).map((s) => [s.id, s.status]));
  ctx.out(planMermaid(plan, { states }));
  return EXIT.OK;
}
