import { type CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';

export async function cancelCommand(ctx: CliContext, workflowId: string, opts: { json?: boolean }): Promise<ExitCode> {
  const handle = (await ctx.client()).workflow.getHandle(workflowId);
  const desc = await handle.describe();
  if (desc.status.name !== 'RUNNING') {
    const message = `${workflowId} is already closed (${desc.status.name.toLowerCase()}); nothing to cancel.`;
    ctx.out(opts.json ? JSON.stringify({ workflowId, cancelled: false, status: desc.status.name }) : message);
    return EXIT.OK;
  }
  await handle.cancel();
  ctx.out(
    opts.json
      ? JSON.stringify({ workflowId, cancelled: true, status: desc.status.name })
      : `Cancellation requested for ${workflowId}: the run undoes what it created, then ends rolled back.\n` +
          `Watch:   crosslink status ${workflowId} --watch`,
  );
  return EXIT.OK;
}
