import { randomUUID } from 'node:crypto';
import { ConnectionInventory, DiscoveryFilter, LIST_CONNECTIONS_WORKFLOW } from '../../../domain';
import { TASK_QUEUE } from '../../../domain';
import { type CliContext } from '../context';
import { type ExitCode } from '../exit-codes';
import { type ConnectionsOutputOptions, printInventory } from './connections-output';

/**
 * `crosslink connections`: a short workflow runs discovery on a worker (only workers hold ECE and
 * Elasticsearch credentials) and returns the inventory, which holds no secret.
 */
export async function connectionsCommand(
  ctx: CliContext,
  opts: ConnectionsOutputOptions & { environment?: string; deployment?: string },
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
  return printInventory(ctx, inventory, opts);
}
