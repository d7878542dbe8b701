import { fanOutStatus, isFanOutId, renderFanOutStatus } from '../../fan-out';
import { workflowUiUrl } from '../../temporal-connection';
import { type CliContext, cliCommand } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { loadStatus } from '../load-status';
import { type StatusView, isTerminal, renderStatus } from '../render/status';

export interface StatusOptions {
  watch?: boolean;
  json?: boolean;
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
  let last = '';
  for (;;) {
    const view = await loadStatus(client, workflowId);
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
    if (isTerminal(view)) return watchExit(view);
    await ctx.sleep((opts.interval ?? 2) * 1000);
  }
}

function watchExit(view: StatusView): ExitCode {
  return view.state === 'connected' ? EXIT.OK : EXIT.NOT_CONNECTED;
}
