import { type ConnectionInventory, DiscoveryFilter } from '../domain';
import { badInput } from './lifecycle-input';
import { lifecycleActivities } from './lifecycle-activities';

/**
 * `crosslink connections`: one discovery, its inventory as the result (workflow type
 * LIST_CONNECTIONS_WORKFLOW). A workflow, not a query, because only workers hold credentials.
 */
export async function listConnections(filter: DiscoveryFilter = {}): Promise<ConnectionInventory> {
  const parsed = DiscoveryFilter.safeParse(filter);
  if (!parsed.success) throw badInput('filter', parsed.error);
  return lifecycleActivities.discoverConnections(parsed.data);
}
