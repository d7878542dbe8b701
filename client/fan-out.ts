/** Reading a fan-out's per-pair status, for the CLI (it starts through client/start-or-find.ts). */
import { type Client } from '@temporalio/client';
import { FAN_OUT_ID_PREFIX, type FanOutPairStatus } from '../domain';
import { fanOutStatusQuery } from '../workflows/messages';

/** True when a workflow id names a fan-out rather than one connection. */
export function isFanOutId(workflowId: string): boolean {
  return workflowId.startsWith(FAN_OUT_ID_PREFIX);
}

export function fanOutStatus(client: Client, workflowId: string): Promise<FanOutPairStatus[]> {
  return client.workflow.getHandle(workflowId).query(fanOutStatusQuery);
}

/** One line per pair: alias, remote, state, connection id (and why, when it did not connect). */
export function renderFanOutStatus(workflowId: string, pairs: FanOutPairStatus[]): string {
  const width = Math.max(...pairs.map((p) => p.alias.length));
  return [
    `Fan-out ${workflowId}: ${pairs.filter((p) => p.state === 'connected').length}/${pairs.length} connected`,
    ...pairs.map(
      (p) =>
        `  ${p.alias.padEnd(width)}  ${p.remote.environment}/${p.remote.deploymentId}  ${p.state.padEnd(11)}  ${p.connectionId}` +
        (p.reason ? `\n  ${' '.repeat(width)}  ${p.reason.type}: ${p.reason.message}` : ''),
    ),
  ].join('\n');
}
