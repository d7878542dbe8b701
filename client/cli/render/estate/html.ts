/**
 * The estate as one self-contained HTML file an operator can open or attach to a ticket: the
 * Graphviz SVG inline, inline CSS, a legend for health colours and marks, and a table of the
 * connections. It loads nothing: no script, no external style, font or image, and a
 * Content-Security-Policy that would refuse any fetch.
 */
import { edgeElementId } from './dot';
import {
  type EdgeKind,
  type EstateEdge,
  type EstateInventory,
  type EstateOptions,
  type EstatePicture,
  estatePicture,
  healthWord,
  pictureSummary,
} from './model';
import { pictureSvg } from './svg';
import { CSS_FONT, DASH_ARRAY, HEALTH_COLOURS, HEALTH_MEANING, KIND_STYLES } from './style';

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Graphviz's SVG without the XML prolog and DOCTYPE, which have no place inside HTML. */
export function inlineSvg(svg: string): string {
  return svg.slice(svg.indexOf('<svg'));
}

function sampleLine(colour: string, dash: string): string {
  const dashAttr = dash ? ` stroke-dasharray="${dash}"` : '';
  return `<svg class="sample" width="40" height="10" aria-hidden="true"><line x1="0" y1="5" x2="40" y2="5" stroke="${colour}" stroke-width="2"${dashAttr}/></svg>`;
}

function healthLegend(): string {
  const items = (Object.keys(HEALTH_COLOURS) as Array<keyof typeof HEALTH_COLOURS>).map(
    (h) =>
      `<li data-health="${h}">${sampleLine(HEALTH_COLOURS[h], '')}<b style="color:${HEALTH_COLOURS[h]}">${h}</b> ${escapeHtml(HEALTH_MEANING[h])}</li>`,
  );
  return `<div><h2>Health</h2><ul>${items.join('')}</ul></div>`;
}

function marksLegend(): string {
  const items = (Object.keys(KIND_STYLES) as EdgeKind[]).map((k) => {
    const style = KIND_STYLES[k];
    return `<li data-kind="${k}">${sampleLine('#57606a', DASH_ARRAY[style.line])}<b>${style.line}</b> ${escapeHtml(style.meaning)}</li>`;
  });
  return `<div><h2>Lines</h2><ul>${items.join('')}</ul></div>`;
}

function tableRow(e: EstateEdge): string {
  const cells = [e.localLabel, e.alias, e.remoteLabel, e.model, e.access || '-', e.keyExpiry || '-'].map(
    (c) => `<td>${escapeHtml(c)}</td>`,
  );
  const health = `<td class="health" style="color:${HEALTH_COLOURS[e.health]}">${escapeHtml(healthWord(e))}</td>`;
  const mark = `<td>${escapeHtml(e.badge || '-')}</td>`;
  const notes = `<td class="notes">${e.notes.map(escapeHtml).join('<br>') || '-'}</td>`;
  return `<tr data-connection-id="${escapeHtml(e.id)}" data-edge="${escapeHtml(edgeElementId(e))}" data-kind="${e.kind}" data-health="${e.health}">${cells.join('')}${health}${mark}${notes}</tr>`;
}

function connectionsTable(edges: readonly EstateEdge[]): string {
  const head = ['local', 'alias', 'remote', 'model', 'access', 'key', 'health', 'mark', 'notes']
    .map((h) => `<th scope="col">${h}</th>`)
    .join('');
  const body = edges.length
    ? edges.map(tableRow).join('\n')
    : '<tr><td colspan="9">No connections managed by crosslink found.</td></tr>';
  return `<table id="connections"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function problems(p: EstatePicture): string {
  const items = [
    ...p.errors.map((e) => `not read (the picture may be incomplete there): ${e}`),
    ...(p.truncated ? ['more connections exist than one answer holds: narrow with --environment or --deployment'] : []),
  ];
  return items.length
    ? `<section id="problems"><h2>Not shown</h2><ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul></section>`
    : '';
}

const CSS = `
:root { color-scheme: light; }
body { font-family: ${CSS_FONT}; color: #1f2328; background: #ffffff; margin: 24px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 14px; margin: 0 0 6px; }
p.summary { color: #57606a; margin: 0 0 16px; }
#legend { display: flex; gap: 48px; margin: 0 0 16px; font-size: 13px; }
#legend ul { list-style: none; margin: 0; padding: 0; }
#legend li { margin: 2px 0; }
#legend svg.sample { vertical-align: middle; margin-right: 6px; }
#estate-graph { margin: 0 0 24px; overflow-x: auto; }
#estate-graph svg { max-width: 100%; height: auto; }
#estate-graph svg text { font-family: ${CSS_FONT}; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.health { font-weight: bold; }
td:nth-child(-n + 4) { white-space: nowrap; }
td.notes { color: #57606a; max-width: 40em; }
`;

/** The page around an already laid-out picture. */
export function pictureHtml(p: EstatePicture, svg: string): string {
  const title = `crosslink estate · ${p.discoveredAt.replace(/\.\d{3}Z$/, 'Z')}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>crosslink estate</h1><p class="summary">${escapeHtml(pictureSummary(p))}</p></header>
<section id="legend" aria-label="legend">${healthLegend()}${marksLegend()}</section>
<figure id="estate-graph">${inlineSvg(svg)}</figure>
${problems(p)}
<section><h2>Connections</h2>${connectionsTable(p.edges)}</section>
</body>
</html>
`;
}

/** `crosslink connections --format html`. */
export async function estateHtml(inventory: EstateInventory, options: EstateOptions = {}): Promise<string> {
  const picture = estatePicture(inventory, options);
  return pictureHtml(picture, await pictureSvg(picture));
}
