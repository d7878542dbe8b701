import { z } from 'zod';
import { Duration, Identity } from './ids';

/**
 * The requests of the lifecycle operations on a connection that exists. Each names the connection
 * by its id (`crosslink.<local environment>.<local deployment>.<alias>`, connectionId()), which is
 * also the id of the workflow that runs the operation: one connection, one live run.
 */
export const ConnectionIdText = z
  .string()
  .regex(
    /^crosslink\.[^.\s]+\.[^.\s]+\.[^.\s]+$/,
    'must be a connection id: crosslink.<environment>.<deployment>.<alias>',
  );

/** The parts of a connection id. */
export function parseConnectionId(id: string): { environment: string; deploymentId: string; alias: string } {
  const [, environment = '', deploymentId = '', alias = ''] = id.split('.');
  return { environment, deploymentId, alias };
}

/** Which lifecycle operation a workflow runs (search attribute CrosslinkOperation). */
export const LifecycleOperation = z.enum(['connect', 'update-access', 'rotate', 'disconnect', 'audit', 'list']);
export type LifecycleOperation = z.infer<typeof LifecycleOperation>;

/** `crosslink disconnect`: remove everything of the connection (also after a terminated or failed run). */
export const DisconnectRequest = z
  .object({
    connectionId: ConnectionIdText,
    reason: z.string().max(1000).optional(),
    requestedBy: Identity,
    /** How long the disconnect gate waits for a decision. */
    deadline: Duration.default('24h'),
  })
  .strict();
export type DisconnectRequest = z.infer<typeof DisconnectRequest>;
export type DisconnectRequestInput = z.input<typeof DisconnectRequest>;
