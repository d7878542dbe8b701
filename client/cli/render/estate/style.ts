/**
 * One definition of how the picture looks, used by every format: the health colours and the line
 * style that marks a connection's class. Colours are GitHub's Primer palette (readable on white).
 */
import { type EdgeKind, type EstateEdge } from './model';

export const HEALTH_COLOURS = {
  connected: '#1a7f37',
  degraded: '#bf8700',
  broken: '#cf222e',
  unmanaged: '#6e7781',
} as const satisfies Record<EstateEdge['health'], string>;

export type LineStyle = 'solid' | 'dashed' | 'dotted';

export interface KindStyle {
  line: LineStyle;
  /** What the legend says the mark means. */
  meaning: string;
}

export const KIND_STYLES = {
  connection: { line: 'solid', meaning: 'a connection' },
  'in-progress': { line: 'dashed', meaning: 'a run in progress (connect, rotate, ...)' },
  leftover: { line: 'dotted', meaning: 'a leftover of a run that ended: clean it up' },
  residue: { line: 'dotted', meaning: 'residue of an earlier run (drawn only when asked)' },
  unmanaged: { line: 'dotted', meaning: "a remote cluster without crosslink marks (not crosslink's)" },
} as const satisfies Record<EdgeKind, KindStyle>;

/** The colour of the badge text of each mark. */
export const BADGE_COLOUR = '#8250df';

export const HEALTH_MEANING = {
  connected: '_remote/info connected (with credentials) and the probe reached the remote',
  degraded: 'connected, but an ingredient is missing or the probe reported an error',
  broken: 'not connected',
  unmanaged: 'not checked: not crosslink’s',
} as const satisfies Record<EstateEdge['health'], string>;

/**
 * Graphviz (without system fonts in WebAssembly) sizes text with its built-in Helvetica metrics, so
 * the picture names exactly that font; browsers map it to Helvetica, Arial or a metric-compatible one.
 */
export const FONT = 'Helvetica';

/** What the HTML page asks for, for the same widths Graphviz measured. */
export const CSS_FONT = 'Helvetica, Arial, "Liberation Sans", sans-serif';

/**
 * SVG `stroke-dasharray` of each line style: what Graphviz writes for `style=dashed` / `dotted`, so
 * the HTML legend and the Mermaid links look like the laid-out picture.
 */
export const DASH_ARRAY: Record<LineStyle, string> = { solid: '', dashed: '5,2', dotted: '1,5' };
