import { type CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { auditTrailFromHistory } from '../history/audit-trail';
import { renderHistory } from '../render/history';

export async function historyCommand(ctx: CliContext, workflowId: string, opts: { json?: boolean }): Promise<ExitCode> {
  const history = await (await ctx.client()).workflow.getHandle(workflowId).fetchHistory();
  const trail = auditTrailFromHistory(history, workflowId);
  ctx.out(opts.json ? JSON.stringify(trail) : renderHistory(trail));
  return EXIT.OK;
}
