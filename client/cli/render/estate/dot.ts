/**
 * The estate in Graphviz DOT: a cluster per environment, a node per deployment, an edge per
 * connection with an HTML-like label (alias, model, access, key expiry, health, mark). Each element
 * carries an `id` and `class`, which Graphviz copies into its SVG (the HTML page and tests use them).
 */
import {
  type EstateEdge,
  type EstateGroup,
  type EstateInventory,
  type EstateNode,
  type EstateOptions,
  type EstatePicture,
  estatePicture,
  healthWord,
  pictureSummary,
} from './model';
import { BADGE_COLOUR, FONT, HEALTH_COLOURS, KIND_STYLES } from './style';

/** Text inside a DOT HTML-like label (`<...>`): the XML escapes. */
function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A DOT double-quoted string. */
export function quoted(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** `a-b.c` → `a-b.c`; anything else that an SVG id or CSS class cannot hold well → `_`. */
export function idPart(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_');
}

export function edgeElementId(edge: Pick<EstateEdge, 'id'>): string {
  return `edge-${idPart(edge.id)}`;
}

function attrs(list: Record<string, string>): string {
  return Object.entries(list)
    .map(([k, v]) => `${k}=${v.startsWith('<') ? v : quoted(v)}`)
    .join(', ');
}

function nodeLine(n: EstateNode): string {
  const unmanaged = n.kind !== 'deployment';
  const label = `<<B>${html(n.title)}</B><BR/><FONT POINT-SIZE="10">${html(n.subtitle)}</FONT>>`;
  return `${n.key} [${attrs({
    id: `node-${n.key}`,
    class: `deployment kind-${n.kind}`,
    label,
    ...(unmanaged ? { style: 'rounded,dashed', color: HEALTH_COLOURS.unmanaged, fontcolor: '#57606a' } : {}),
  })}];`;
}

function groupLines(g: EstateGroup, index: number): string[] {
  const count = `${g.deployments} deployment${g.deployments === 1 ? '' : 's'}`;
  const label = `<<B>${html(g.environment)}</B> <FONT POINT-SIZE="10">(${count})</FONT>>`;
  const inner = g.nodes.length
    ? g.nodes.map(nodeLine)
    : [`empty${index} [${attrs({ label: 'no connections', shape: 'plaintext', fontcolor: '#57606a' })}];`];
  return [
    `  subgraph cluster_${index} {`,
    `    graph [${attrs({ id: `env-${idPart(g.environment)}`, class: 'environment', label, labelloc: 't', style: 'rounded', color: '#8c959f' })}];`,
    ...inner.map((l) => `    ${l}`),
    '  }',
  ];
}

/** One row of an edge label's table. */
function row(content: string, cell = ''): string {
  return `<TR><TD${cell}>${content}</TD></TR>`;
}

/**
 * The edge label as a borderless table, the mark as a badge (white on the badge colour). The empty
 * last row keeps the text off the line: Graphviz runs the edge along the label's lower side.
 */
function edgeLabel(e: EstateEdge): string {
  const colour = HEALTH_COLOURS[e.health];
  const rows = [
    row(`<B>${html(e.alias)}</B> · ${html(e.model)}`),
    ...[e.access, e.keyExpiry].filter(Boolean).map((t) => row(html(t))),
    row(`<FONT COLOR="${colour}"><B>${html(healthWord(e))}</B></FONT>`),
    ...(e.badge ? [row(`<FONT COLOR="white"><B> ${html(e.badge)} </B></FONT>`, ` BGCOLOR="${BADGE_COLOUR}"`)] : []),
    row('', ' HEIGHT="4"'),
  ];
  return `<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">${rows.join('')}</TABLE>>`;
}

function edgeLine(e: EstateEdge): string {
  return `  ${e.from} -> ${e.to} [${attrs({
    id: edgeElementId(e),
    class: `estate-edge kind-${e.kind} health-${e.health}`,
    label: edgeLabel(e),
    tooltip: `${e.localLabel} → ${e.remoteLabel} as ${e.alias}`,
    color: HEALTH_COLOURS[e.health],
    style: KIND_STYLES[e.kind].line,
    penwidth: e.kind === 'connection' ? '2' : '1.5',
  })}];`;
}

/** The health and mark legend, as the graph's label under the picture. */
function legendLabel(p: EstatePicture): string {
  const health = (['connected', 'degraded', 'broken'] as const)
    .map((h) => `<FONT COLOR="${HEALTH_COLOURS[h]}"><B>— ${h}</B></FONT>`)
    .join('   ');
  const marks = 'dashed: in progress   dotted: leftover, residue or not crosslink’s';
  return `<<B>crosslink estate</B> · ${html(pictureSummary(p))}<BR/>${health}   ${html(marks)}>`;
}

export function pictureDot(p: EstatePicture): string {
  return [
    'digraph estate {',
    `  graph [${attrs({ id: 'estate', rankdir: 'LR', fontname: FONT, fontsize: '11', labelloc: 'b', nodesep: '0.5', ranksep: '1.6', label: legendLabel(p) })}];`,
    `  node [${attrs({ shape: 'box', style: 'rounded', fontname: FONT, fontsize: '12', margin: '0.15,0.08' })}];`,
    `  edge [${attrs({ fontname: FONT, fontsize: '10', arrowsize: '0.7' })}];`,
    ...p.groups.flatMap(groupLines),
    ...p.outside.map((n) => `  ${nodeLine(n)}`),
    ...p.edges.map(edgeLine),
    '}',
    '',
  ].join('\n');
}

/** `crosslink connections --format dot`. */
export function estateDot(inventory: EstateInventory, options: EstateOptions = {}): string {
  return pictureDot(estatePicture(inventory, options));
}
