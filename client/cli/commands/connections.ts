import { randomUUID } from 'node:crypto';
import { ConnectionInventory, DiscoveryFilter, LIST_CONNECTIONS_WORKFLOW } from '../../../domain';
import { TASK_QUEUE } from '../../../domain';
import { type CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { renderConnections } from '../render/connections';

/**
 * `crosslink connections`: a short workflow runs discovery on a worker (only workers hold ECE and
 * Elasticsearch credentials) and returns the inventory, which holds no secret.
 */
export async function connectionsCommand(
  ctx: CliContext,
  opts: { json?: boolean; environment?: string; deployment?: string },
): Promise<ExitCode> {
  const filter = DiscoveryFilter.parse({
    ...(opts.environment ? { environment: opts.environment } : {}),
    ...(opts.deployment ? { deploymentId: opts.deployment } : {}),
  });
  const client = await ctx.client();
  const result = await client.workflow.execute(LIST_CONNECTIONS_WORKFLOW, {
    taskQueue: TASK_QUEUE,
    workflowId: `crosslink-connections-${randomUUID()}`,
    args: [filter],
    workflowExecutionTimeout: '30m',
  });
  const inventory = ConnectionInventory.parse(result);
  ctx.out(opts.json ? JSON.stringify(inventory) : renderConnections(inventory, ctx.now()));
  return EXIT.OK;
}
