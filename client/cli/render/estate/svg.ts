/**
 * The estate as SVG: the DOT laid out by Graphviz itself (`dot` engine), compiled to WebAssembly in
 * `@viz-js/viz`, so no coordinates are placed by hand and nothing is fetched or spawned at run time.
 */
import type * as VizModule from '@viz-js/viz';
import { type EstateInventory, type EstateOptions, type EstatePicture, estatePicture } from './model';
import { pictureDot } from './dot';

type Viz = Awaited<ReturnType<typeof VizModule.instance>>;

let viz: Promise<Viz> | undefined;

/** Graphviz loads on first use only: the other CLI commands never pay for its 1 MB module. */
function graphviz(): Promise<Viz> {
  viz ??= import('@viz-js/viz').then((m) => m.instance());
  return viz;
}

/** Lays out DOT with Graphviz; a layout error (which would be a bug in the DOT writer) throws. */
export async function layoutDot(dot: string): Promise<string> {
  const result = (await graphviz()).render(dot, { format: 'svg', engine: 'dot' });
  if (result.status !== 'success') {
    const messages = result.errors.map((e) => `${e.level ?? 'error'}: ${e.message}`).join('; ');
    throw new Error(`Graphviz could not lay out the estate: ${messages}`);
  }
  return result.output;
}

export function pictureSvg(p: EstatePicture): Promise<string> {
  return layoutDot(pictureDot(p));
}

/** `crosslink connections --format svg`: a standalone SVG document. */
export function estateSvg(inventory: EstateInventory, options: EstateOptions = {}): Promise<string> {
  return pictureSvg(estatePicture(inventory, options));
}
