/**
 * `discoverConnections`: every connection crosslink manages in the worker's environments, found
 * from the marks on the systems themselves, with its health, and classified (classify.ts) with
 * Temporal's view of the runs on each connection id where the activity has it. Read only: it
 * changes nothing.
 */
import {
  type ConnectionInventory,
  type DiscoveryFilter,
  type ManagedConnection,
  MAX_INVENTORY_CONNECTIONS,
  connectionWanted,
  sideWanted,
} from '../../domain/inventory';
import { type Deps, type StepContext } from '../context';
import { resolveRemoteCluster } from '../elasticsearch/cluster';
import { atLeast } from '../steps/versions';
import { assemble, type Probe, probeTargets } from './assemble';
import { type LivePart, type RunView, classifyConnection, needsFailureType } from './classify';
import { readEnvironment } from './reads';
import { type RunReader } from './runs';

/** `_resolve/cluster` exists from 8.13 on. */
const RESOLVE_CLUSTER_SINCE = '8.13.0';

function errorText(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  if (typeof error === 'string') return error;
  const e = error as { reason?: unknown; type?: unknown };
  return String(e.reason ?? e.type ?? JSON.stringify(error));
}

/** Temporal reads at once: a few, so an estate's worth of describes does not crowd the frontend. */
const RUN_READS_AT_ONCE = 8;

export interface DiscoveryOptions {
  /** Temporal's view of the runs; without it (or when it says why not) the classes come from the systems alone. */
  runs?: RunReader | { unavailable: string };
}

async function eachAtMost<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The latest run on each connection's id (with the failure type where it decides the class). */
async function readRuns(
  reader: RunReader,
  connections: readonly ManagedConnection[],
  live: ReadonlyMap<string, LivePart[]>,
  heartbeat: (details: unknown) => void,
): Promise<{ runs: Map<string, RunView>; errors: string[] }> {
  const runs = new Map<string, RunView>();
  const errors: string[] = [];
  await eachAtMost(connections, RUN_READS_AT_ONCE, async (c) => {
    heartbeat({ runs: c.connectionId });
    try {
      const run = await reader.latest(c.connectionId);
      if (!run) return;
      if (needsFailureType(run, live.get(c.connectionId) ?? [])) {
        run.failureType = await reader.failureType(run.workflowId, run.runId);
      }
      runs.set(c.connectionId, run);
    } catch (err) {
      errors.push(`${c.connectionId}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return { runs, errors };
}

function runsReadSummary(errors: string[]): string {
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  return `the runs of ${errors.length} connection id(s) could not be read: ${errors.slice(0, 3).join('; ')}${more}`;
}

export async function discoverConnections(
  deps: Deps,
  ctx: StepContext,
  filter: DiscoveryFilter,
  options: DiscoveryOptions = {},
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
  const assembled = assemble(envs, probes, Date.now());
  const kept = assembled.connections.filter((c) => connectionWanted(filter, c));
  const unmanaged = assembled.unmanaged.filter((u) => sideWanted(filter, u));
  const listed = kept.slice(0, MAX_INVENTORY_CONNECTIONS);
  let runsRead: ConnectionInventory['runs'];
  let runs = new Map<string, RunView>();
  if (!options.runs || 'unavailable' in options.runs) {
    runsRead = { read: false, error: options.runs?.unavailable ?? 'no Temporal client in this activity' };
  } else {
    const read = await readRuns(options.runs, listed, assembled.live, (d) => ctx.heartbeat(d));
    runs = read.runs;
    runsRead = read.errors.length ? { read: false, error: runsReadSummary(read.errors) } : { read: true };
  }
  const classified = listed.map((c) => ({
    ...c,
    ...classifyConnection(c, assembled.live.get(c.connectionId) ?? [], runs.get(c.connectionId)),
  }));
  return {
    discoveredAt: new Date().toISOString(),
    runs: runsRead,
    notify: deps.notify === true,
    environments: envs.map((e) => ({ name: e.name, deployments: e.deployments.length })),
    connections: classified,
    unmanaged,
    errors: envs.flatMap((e) => [
      ...e.errors.map((message) => ({ environment: e.name, message })),
      ...e.deployments.flatMap((d) =>
        d.errors.map((message) => ({ environment: e.name, deploymentId: d.deploymentId, message })),
      ),
    ]),
    truncated: kept.length > MAX_INVENTORY_CONNECTIONS,
  };
}
