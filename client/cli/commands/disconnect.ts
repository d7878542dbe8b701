import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { type Command } from 'commander';
import {
  DISCONNECT_WORKFLOW,
  DisconnectRequest,
  OPERATION_SEARCH_ATTRIBUTE_KEYS,
  TASK_QUEUE,
  connectionId,
  parseOrThrow,
} from '../../../domain';
import { workflowUiUrl } from '../../temporal-connection';
import { type CliContext, cliCommand } from '../context';
import { CliError } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';

const OPERATION = OPERATION_SEARCH_ATTRIBUTE_KEYS.operation;

const HELP = `
Removes everything crosslink made for the connection: cluster.remote.<alias> settings, the keystore
credential, the cross-cluster API key, the roles, and shared trust objects only when nothing else
needs them. It finds them by their marks, so it also cleans up after a terminated or failed run.
It waits for approval of the "register-remote" gate, then reports what was removed and what was
kept and why. The workflow id is the connection id: it never overlaps a run of the same connection.`;

export function registerDisconnectCommand(
  program: Command,
  ctx: CliContext,
  run: (p: Promise<ExitCode>) => Promise<void>,
): void {
  program
    .command('disconnect')
    .description('remove a connection (also the leftovers of a terminated or failed run), gated')
    .argument('<local-environment>', 'environment of the local deployment')
    .argument('<deployment>', 'local deployment id')
    .argument('<alias>', 'remote cluster alias')
    .requiredOption('--as <name>', 'who asks (recorded as the requester)')
    .option('--reason <text>', 'why (recorded with the request)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', HELP)
    .action((environment: string, deploymentId: string, alias: string, opts: DisconnectOptions) =>
      run(disconnectCommand(ctx, { environment, deploymentId, alias }, opts)),
    );
}

interface DisconnectOptions {
  as: string;
  reason?: string;
  json?: boolean;
}

export async function disconnectCommand(
  ctx: CliContext,
  where: { environment: string; deploymentId: string; alias: string },
  opts: DisconnectOptions,
): Promise<ExitCode> {
  const id = connectionId({
    local: { environment: where.environment, deploymentId: where.deploymentId },
    alias: where.alias,
  });
  const request = parseOrThrow(
    DisconnectRequest,
    { connectionId: id, requestedBy: opts.as, ...(opts.reason ? { reason: opts.reason } : {}) },
    'disconnect request',
  );
  const client = await ctx.client();
  try {
    const handle = await client.workflow.start(DISCONNECT_WORKFLOW, {
      workflowId: id,
      taskQueue: TASK_QUEUE,
      args: [request],
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: [{ key: OPERATION, value: 'disconnect' }],
    });
    const url = workflowUiUrl(ctx.target(), id);
    if (opts.json) ctx.out(JSON.stringify({ workflowId: id, runId: handle.firstExecutionRunId, url }));
    else
      ctx.out(
        [
          `Started disconnect ${id} (run ${handle.firstExecutionRunId}); it waits for approval of "register-remote".`,
          `Web UI:  ${url}`,
          `Watch:   ${cliCommand(ctx)} status ${id} --watch`,
        ].join('\n'),
      );
    return EXIT.OK;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new CliError(
        EXIT.REFUSED,
        `a run of the connection ${id} is in progress: wait for it to end (${cliCommand(ctx)} status ${id}) or cancel it first`,
      );
    }
    throw err;
  }
}
