import { DiscoveryFilter } from '../../../domain';
import { type CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { freshnessLine, readInventory } from '../inventory-client';
import { renderConnections } from '../render/connections';

export interface ConnectionsOptions {
  json?: boolean;
  environment?: string;
  deployment?: string;
  /** Also list residue. */
  all?: boolean;
  /** Ask for a new discovery and wait for it. */
  refresh?: boolean;
  /** Seconds to wait for a discovery (the first one, or the one --refresh asks for). */
  wait?: number;
  /** An inventory older than this many seconds is read again first (0: never). */
  maxAge?: number;
}

/** Operations ask for a refresh when they end and the audit schedule does on each run: this bounds the rest. */
export const DEFAULT_MAX_AGE_S = 600;

/**
 * `crosslink connections`: the inventory workflow's latest discovery, read with the `inventory`
 * query (only workers hold ECE and Elasticsearch credentials; the inventory holds no secret). It
 * starts no workflow, except the inventory workflow itself the first time in a namespace.
 */
export async function connectionsCommand(ctx: CliContext, opts: ConnectionsOptions): Promise<ExitCode> {
  const filter = DiscoveryFilter.parse({
    ...(opts.environment ? { environment: opts.environment } : {}),
    ...(opts.deployment ? { deploymentId: opts.deployment } : {}),
  });
  const client = await ctx.client();
  const { view, note } = await readInventory(client, {
    filter,
    ...(opts.refresh ? { refresh: { reason: 'crosslink connections --refresh' } } : {}),
    ...((opts.maxAge ?? DEFAULT_MAX_AGE_S) > 0
      ? {
          maxAge: {
            ms: (opts.maxAge ?? DEFAULT_MAX_AGE_S) * 1000,
            reason: 'crosslink connections (inventory too old)',
          },
        }
      : {}),
    now: () => ctx.now(),
    waitMs: (opts.wait ?? 300) * 1000,
    progress: (line) => ctx.err(line),
    sleep: (ms) => ctx.sleep(ms),
  });
  const inventory = view.inventory!;
  if (opts.json) {
    ctx.out(JSON.stringify(inventory));
    return EXIT.OK;
  }
  const lines = [renderConnections(inventory, ctx.now(), { all: opts.all }), '', freshnessLine(view, ctx.now())];
  if (view.error) lines.push(`The last discovery failed at ${view.error.at}: ${view.error.message}`);
  if (note) lines.push(note);
  if (!opts.refresh) lines.push('`crosslink connections --refresh` reads the systems again.');
  ctx.out(lines.join('\n'));
  return EXIT.OK;
}
