import { DiscoveryFilter } from '../../../domain';
import { type CliContext } from '../context';
import { type ExitCode } from '../exit-codes';
import { freshnessLine, readInventory } from '../inventory-client';
import { declaredDriftLines } from '../render/desired-plan';
import { type ConnectionsOutputOptions, printInventory } from './connections-output';

export interface ConnectionsOptions extends ConnectionsOutputOptions {
  environment?: string;
  deployment?: string;
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
  const footer = [...declaredDriftLines(view.declared), freshnessLine(view, ctx.now())];
  if (view.error) footer.push(`The last discovery failed at ${view.error.at}: ${view.error.message}`);
  if (note) footer.push(note);
  if (!opts.refresh) footer.push('`crosslink connections --refresh` reads the systems again.');
  return printInventory(ctx, view.inventory!, opts, footer);
}
