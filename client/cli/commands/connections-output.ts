/** How `crosslink connections` prints the inventory: the table, JSON, or a picture of the estate. */
import { writeFile } from 'node:fs/promises';
import { type ConnectionInventory } from '../../../domain/inventory';
import { type CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { renderConnections } from '../render/connections';
import { PICTURE_FORMATS, isPictureFormat, renderEstate } from '../render/estate';

export const CONNECTIONS_FORMATS = ['table', 'json', ...PICTURE_FORMATS] as const;
export type ConnectionsFormat = (typeof CONNECTIONS_FORMATS)[number];

export interface ConnectionsOutputOptions {
  format?: ConnectionsFormat;
  /** `--json`: the same as `--format json`. */
  json?: boolean;
  /** Write to this file instead of stdout. */
  output?: string;
  /** Residue too (hidden unless asked). */
  all?: boolean;
}

async function render(inventory: ConnectionInventory, format: ConnectionsFormat, ctx: CliContext, all: boolean) {
  if (format === 'json') return JSON.stringify(inventory);
  if (isPictureFormat(format)) return renderEstate(format, inventory, { all });
  return renderConnections(inventory, ctx.now(), { all });
}

/** Prints (or writes) the inventory in the format asked for; `tableFooter`: lines under the table (its freshness). */
export async function printInventory(
  ctx: CliContext,
  inventory: ConnectionInventory,
  opts: ConnectionsOutputOptions,
  tableFooter: readonly string[] = [],
): Promise<ExitCode> {
  const format = opts.format ?? (opts.json ? 'json' : 'table');
  const rendered = await render(inventory, format, ctx, opts.all === true);
  const text = format === 'table' && tableFooter.length ? [rendered, '', ...tableFooter].join('\n') : rendered;
  if (!opts.output) {
    ctx.out(text);
    return EXIT.OK;
  }
  await writeFile(opts.output, text.endsWith('\n') ? text : `${text}\n`);
  const n = inventory.connections.length;
  ctx.out(`Wrote ${opts.output} (${format}; ${n} connection${n === 1 ? '' : 's'} discovered).`);
  return EXIT.OK;
}
