import { randomUUID } from 'node:crypto';
import { type CliContext, cliCommand } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';

/** `crosslink cancel --reason`: the reason is recorded with the cancel request in history (`crosslink history`). */
export async function cancelCommand(
  ctx: CliContext,
  workflowId: string,
  opts: { reason: string; json?: boolean },
): Promise<ExitCode> {
  const client = await ctx.client();
  const handle = client.workflow.getHandle(workflowId);
  const desc = await handle.describe();
  if (desc.status.name !== 'RUNNING') {
    const message = `${workflowId} is already closed (${desc.status.name.toLowerCase()}); nothing to cancel.`;
    ctx.out(opts.json ? JSON.stringify({ workflowId, cancelled: false, status: desc.status.name }) : message);
    return EXIT.OK;
  }
  // WorkflowHandle.cancel() sends no reason; the service call does, and history keeps it.
  await client.workflowService.requestCancelWorkflowExecution({
    namespace: client.options.namespace,
    workflowExecution: { workflowId, runId: desc.runId },
    identity: client.options.identity,
    requestId: randomUUID(),
    reason: opts.reason,
  });
  ctx.out(
    opts.json
      ? JSON.stringify({ workflowId, cancelled: true, status: desc.status.name, reason: opts.reason })
      : `Cancellation requested for ${workflowId} (${opts.reason}): the run undoes what it created, then ends rolled back.\n` +
          `Watch:   ${cliCommand(ctx)} status ${workflowId} --watch`,
  );
  return EXIT.OK;
}
