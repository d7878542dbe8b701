/**
 * The estate as a Mermaid flowchart (GitHub and most wikis render it): a subgraph per environment,
 * a node per deployment, a link per connection; `linkStyle` colours each link by health and dashes
 * the marked ones.
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
import { DASH_ARRAY, HEALTH_COLOURS, KIND_STYLES } from './style';

/** Text inside a quoted Mermaid label: Mermaid's `#name;` entity codes for what would end or mark it up. */
export function mermaidText(text: string): string {
  return text
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\|/g, '#124;');
}

function nodeLine(n: EstateNode): string {
  const label = `<b>${mermaidText(n.title)}</b><br/>${mermaidText(n.subtitle)}`;
  return `${n.key}["${label}"]:::${n.kind === 'deployment' ? 'deployment' : 'outside'}`;
}

function groupLines(g: EstateGroup, index: number): string[] {
  const count = `${g.deployments} deployment${g.deployments === 1 ? '' : 's'}`;
  const inner = g.nodes.length ? g.nodes.map(nodeLine) : [`empty${index}["no connections"]:::outside`];
  return [
    `  subgraph env${index}["${mermaidText(g.environment)} (${count})"]`,
    ...inner.map((l) => `    ${l}`),
    '  end',
  ];
}

function edgeLabel(e: EstateEdge): string {
  return [
    `<b>${mermaidText(e.alias)}</b> · ${mermaidText(e.model)}`,
    ...[e.access, e.keyExpiry].filter(Boolean).map(mermaidText),
    mermaidText(healthWord(e)),
    ...(e.badge ? [`<i>${mermaidText(e.badge)}</i>`] : []),
  ].join('<br/>');
}

function edgeLine(e: EstateEdge): string {
  const arrow = KIND_STYLES[e.kind].line === 'solid' ? '-->' : '-.->';
  return `  ${e.from} ${arrow}|"${edgeLabel(e)}"| ${e.to}`;
}

function edgeStyle(e: EstateEdge, index: number): string {
  const width = e.kind === 'connection' ? 2 : 1.5;
  const dash = DASH_ARRAY[KIND_STYLES[e.kind].line];
  const dashStyle = dash ? `,stroke-dasharray:${dash.replace(',', ' ')}` : '';
  return `  linkStyle ${index} stroke:${HEALTH_COLOURS[e.health]},stroke-width:${width}px${dashStyle}`;
}

export function pictureMermaid(p: EstatePicture): string {
  return [
    '---',
    `title: "crosslink estate · ${pictureSummary(p).replace(/["\\]/g, "'")}"`,
    '---',
    'flowchart LR',
    '  classDef deployment fill:#ffffff,stroke:#57606a,color:#1f2328',
    '  classDef outside fill:#f6f8fa,stroke:#6e7781,stroke-dasharray:4 3,color:#57606a',
    ...p.groups.flatMap(groupLines),
    ...p.outside.map((n) => `  ${nodeLine(n)}`),
    ...p.edges.map(edgeLine),
    ...p.edges.map(edgeStyle),
    '',
  ].join('\n');
}

/** `crosslink connections --format mermaid`. */
export function estateMermaid(inventory: EstateInventory, options: EstateOptions = {}): string {
  return pictureMermaid(estatePicture(inventory, options));
}
