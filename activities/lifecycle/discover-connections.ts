/**
 * `discoverConnections`: every connection crosslink manages in the worker's environments, found
 * from the marks on the systems themselves, with its health. Read only: it changes nothing.
 */
import { type ConnectionInventory, type DiscoveryFilter, MAX_INVENTORY_CONNECTIONS } from '../../domain/inventory';
import { type Deps, type StepContext } from '../context';
import { resolveRemoteCluster } from '../elasticsearch/cluster';
import { atLeast } from '../steps/versions';
import { assemble, type Probe, probeTargets } from './assemble';
import { readEnvironment } from './reads';

/** `_resolve/cluster` exists from 8.13 on. */
const RESOLVE_CLUSTER_SINCE = '8.13.0';

function errorText(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  if (typeof error === 'string') return error;
  const e = error as { reason?: unknown; type?: unknown };
  return String(e.reason ?? e.type ?? JSON.stringify(error));
}

export async function discoverConnections(
  deps: Deps,
  ctx: StepContext,
  filter: DiscoveryFilter,
): Promise<ConnectionInventory> {
  // Every environment is read even under a filter: the remote side of a connection lives elsewhere.
  const names = deps.registry.names();
  const envs = [];
  for (const name of names) {
    envs.push(
      await readEnvironment(deps.registry, name, {
        signal: ctx.signal,
        onDeployment: (deploymentId) => ctx.heartbeat({ environment: name, deploymentId }),
      }),
    );
  }
  const probes = new Map<string, Probe>();
  for (const t of probeTargets(envs)) {
    if (!t.local.es || !t.local.version || !atLeast(t.local.version, RESOLVE_CLUSTER_SINCE)) continue;
    ctx.heartbeat({ probe: t.id });
    try {
      const entry = await resolveRemoteCluster(t.local.es, t.alias, ctx.signal);
      if (entry) {
        const error = errorText(entry.error);
        probes.set(t.id, { connected: entry.connected, ...(error ? { error } : {}) });
      }
    } catch (err) {
      probes.set(t.id, { connected: false, error: err instanceof Error ? err.message : String(err) });
    }
  }
  const { connections, unmanaged } = assemble(envs, probes, Date.now());
  const wanted = <T extends { environment: string; deploymentId: string }>(side: T) =>
    (!filter.environment || side.environment === filter.environment) &&
    (!filter.deploymentId || side.deploymentId === filter.deploymentId);
  // A connection matches when either side does: `--deployment X` shows X's remotes and who uses X.
  const kept = connections.filter((c) => wanted(c.local) || (c.remote !== undefined && wanted(c.remote)));
  return {
    discoveredAt: new Date().toISOString(),
    notify: deps.notify === true,
    environments: envs.map((e) => ({ name: e.name, deployments: e.deployments.length })),
    connections: kept.slice(0, MAX_INVENTORY_CONNECTIONS),
    unmanaged: unmanaged.filter(wanted),
    errors: envs.flatMap((e) => [
      ...e.errors.map((message) => ({ environment: e.name, message })),
      ...e.deployments.flatMap((d) =>
        d.errors.map((message) => ({ environment: e.name, deploymentId: d.deploymentId, message })),
      ),
    ]),
    truncated: kept.length > MAX_INVENTORY_CONNECTIONS,
  };
}
