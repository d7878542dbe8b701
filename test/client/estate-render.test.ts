/**
 * The picture of the estate: Mermaid and DOT structure (a group per environment, a node per
 * deployment, an edge per connection with alias, model and health; residue only with --all), the
 * SVG as Graphviz lays it out, the HTML self-contained, and the CLI's --format / --output.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instance } from '@viz-js/viz';
import { runCli } from '../../client/cli/program';
import { estateDot, estateHtml, estateMermaid, estateSvg } from '../../client/cli/render/estate';
import { edgeElementId } from '../../client/cli/render/estate/dot';
import { type EstateInventory, keyExpiry, shortAccess } from '../../client/cli/render/estate/model';
import { HEALTH_COLOURS } from '../../client/cli/render/estate/style';
import { apiKeyConnection, inventory } from '../lifecycle/fixtures';
import { recordingContext } from './cli-context';
import { EVERY_KIND_EDGES, everyKindEstate, localRunEstate } from './estate-fixtures';

/** Graphviz's own reading of the DOT (`-Tjson`): clusters, nodes and edges with their attributes. */
interface GraphvizJson {
  objects: Array<{ _gvid: number; name: string; id?: string; label?: string; nodes?: number[] }>;
  edges: Array<{ tail: number; head: number; id?: string; label?: string; style?: string; color?: string }>;
}

async function parseDot(dot: string): Promise<GraphvizJson> {
  return (await instance()).renderJSON(dot) as unknown as GraphvizJson;
}

/** The environment each drawn deployment sits in, by its label's bold name, from Graphviz's JSON. */
function deploymentsByEnvironment(graph: GraphvizJson): Record<string, string[]> {
  const byGvid = new Map(graph.objects.map((o) => [o._gvid, o]));
  const result: Record<string, string[]> = {};
  for (const cluster of graph.objects.filter((o) => o.name.startsWith('cluster_'))) {
    const env = /<B>([^<]+)<\/B>/.exec(cluster.label ?? '')?.[1] ?? '?';
    const deployments = (cluster.nodes ?? []).map((g) => byGvid.get(g)).filter((n) => n?.id?.startsWith('node-'));
    result[env] = deployments.map((n) => /<B>([^<]+)<\/B>/.exec(n?.label ?? '')?.[1] ?? '?');
  }
  return result;
}

function aliasOf(label: string | undefined): string | undefined {
  return /<B>([^<]+)<\/B> · /.exec(label ?? '')?.[1];
}

const withResidue = (inv: EstateInventory) => inv.connections.filter((c) => c.class !== 'residue');

describe('estateDot', () => {
  it('draws a cluster per environment, a node per deployment in its environment, an edge per connection', async () => {
    const estate = everyKindEstate();
    const graph = await parseDot(estateDot(estate));
    expect(deploymentsByEnvironment(graph)).toEqual({
      'ece-a': ['search-a-9', 'a815'],
      'ece-b': ['logs-b-9'],
      'ece-c': ['archive-c-9'],
      'ece-d': [],
    });
    const ece_d = graph.objects.find((o) => o.id === 'env-ece-d');
    expect(graph.objects.find((o) => o._gvid === ece_d?.nodes?.[0])?.label).toBe('no connections');
    const edges = graph.edges.map((e) => ({ alias: aliasOf(e.label), id: e.id, style: e.style, color: e.color }));
    expect(edges.map((e) => e.alias).sort()).toEqual(Object.keys(EVERY_KIND_EDGES).sort());
    expect(edges).toHaveLength(withResidue(estate).length + estate.unmanaged.length);
    for (const e of edges) {
      const want = EVERY_KIND_EDGES[e.alias as keyof typeof EVERY_KIND_EDGES];
      expect({ alias: e.alias, color: e.color }).toEqual({ alias: e.alias, color: HEALTH_COLOURS[want.health] });
      const style = { connection: 'solid', 'in-progress': 'dashed', leftover: 'dotted', unmanaged: 'dotted' }[
        want.kind
      ];
      expect({ alias: e.alias, style: e.style }).toEqual({ alias: e.alias, style });
    }
  });

  it('labels each edge with alias, model, access, key expiry, health and its mark', async () => {
    const graph = await parseDot(estateDot(everyKindEstate()));
    const label = (alias: string) => graph.edges.find((e) => aliasOf(e.label) === alias)?.label ?? '';
    expect(label('metrics')).toMatch(/<B>metrics<\/B> · api_key/);
    expect(label('metrics')).toContain('search: metrics-*; replication: metrics-ccr');
    expect(label('metrics')).toContain('key expires 2026-06-06 (in 5d)');
    expect(label('metrics')).toMatch(/<FONT COLOR="#bf8700"><B>degraded<\/B><\/FONT>/);
    expect(label('archive')).toContain('key expired 2026-05-29');
    expect(label('audit')).toContain('IN PROGRESS: connect running');
    expect(label('old')).toContain('LEFTOVER: cross-cluster key key-9');
    expect(label('back')).toContain('access: roles on the remote');
  });

  it('hides residue unless asked, and says how many it hid', async () => {
    const hidden = estateDot(everyKindEstate());
    expect(hidden).not.toContain('ghost');
    expect(hidden).toContain('1 residue not shown');
    const all = await parseDot(estateDot(everyKindEstate(), { all: true }));
    const ghost = all.edges.find((e) => aliasOf(e.label) === 'ghost');
    expect(ghost).toMatchObject({ style: 'dotted', id: 'edge-crosslink.ece-a.a9.ghost' });
    expect(ghost?.label).toContain('RESIDUE');
  });

  it('keeps names with DOT and HTML syntax in them as text', async () => {
    const odd = apiKeyConnection({
      local: { environment: 'ece "a"', deploymentId: 'a9', name: 'x<y> & "z" \\ {w}' },
      alias: 'logs',
    });
    const svg = await estateSvg(inventory([odd]));
    expect(svg).toContain('x&lt;y&gt; &amp; &quot;z&quot; \\ {w}');
    expect(svg).toContain('ece &quot;a&quot;');
  });
});

describe('estateMermaid', () => {
  function subgraphs(text: string): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    let current: string[] | undefined;
    for (const line of text.split('\n')) {
      const open = /^\s*subgraph \w+\["([^ ]+) \(/.exec(line);
      if (open) result[open[1]!] = current = [];
      else if (/^\s*end$/.test(line)) current = undefined;
      else if (current) current.push(/<b>([^<]+)<\/b>/.exec(line)?.[1] ?? /\["([^"]+)"\]/.exec(line)?.[1] ?? line);
    }
    return result;
  }

  it('draws a subgraph per environment, a node per deployment, a link per connection with its words', () => {
    const estate = everyKindEstate();
    const text = estateMermaid(estate);
    expect(text.split('\n')).toContain('flowchart LR');
    expect(subgraphs(text)).toEqual({
      'ece-a': ['search-a-9', 'a815'],
      'ece-b': ['logs-b-9'],
      'ece-c': ['archive-c-9'],
      'ece-d': ['no connections'],
    });
    const links = text.split('\n').filter((l) => /^\s*n\d+ (-->|-\.->)\|/.test(l));
    expect(links).toHaveLength(withResidue(estate).length + estate.unmanaged.length);
    const styles = text.split('\n').filter((l) => l.trim().startsWith('linkStyle'));
    expect(styles).toHaveLength(links.length);
    for (const [i, link] of links.entries()) {
      const alias = /\|"<b>([^<]+)<\/b>/.exec(link)?.[1] as keyof typeof EVERY_KIND_EDGES;
      const want = EVERY_KIND_EDGES[alias];
      expect({ alias, dashed: link.includes('-.->') }).toEqual({ alias, dashed: want.kind !== 'connection' });
      expect(link).toContain(want.health === 'unmanaged' ? 'not managed by crosslink' : `<br/>${want.health}`);
      expect(styles[i]).toContain(`linkStyle ${i} stroke:${HEALTH_COLOURS[want.health]}`);
    }
    expect(links.find((l) => l.includes('<b>metrics</b>'))).toContain(
      'metrics</b> · api_key<br/>search: metrics-*; replication: metrics-ccr<br/>key expires 2026-06-06 (in 5d)<br/>degraded',
    );
  });

  it('hides residue unless asked', () => {
    expect(estateMermaid(everyKindEstate())).not.toContain('ghost');
    expect(estateMermaid(everyKindEstate(), { all: true })).toMatch(/-\.->\|"<b>ghost<\/b>.*RESIDUE/);
  });

  it("escapes what would end a label or a link's text", () => {
    const odd = apiKeyConnection({ local: { environment: 'ece-a', deploymentId: 'a9', name: 'a"b|c<d>#e' } });
    expect(estateMermaid(inventory([odd]))).toContain('<b>a#quot;b#124;c#lt;d#gt;#35;e</b>');
  });
});

describe('the picture reads each connection', () => {
  const key = apiKeyConnection().keys[0]!;

  it("shows the newest active key's access and expiry", () => {
    const c = apiKeyConnection({
      keys: [
        { ...key, id: 'older', createdAt: '2026-01-01T00:00:00Z', access: { search: [{ names: ['a'] }] } },
        {
          ...key,
          id: 'gone',
          active: false,
          createdAt: '2026-05-30T00:00:00Z',
          access: { search: [{ names: ['b'] }] },
        },
        {
          ...key,
          id: 'newer',
          createdAt: '2026-03-01T00:00:00Z',
          expiresAt: '2026-06-11T00:00:00Z',
          access: { replication: [{ names: ['c'] }] },
        },
      ],
    });
    expect(shortAccess(c)).toBe('replication: c');
    expect(keyExpiry(c, '2026-06-01T00:00:00Z')).toBe('key expires 2026-06-11 (in 10d)');
    expect(keyExpiry({ ...c, keys: [{ ...key, expiresAt: undefined }] }, '2026-06-01T00:00:00Z')).toBe(
      'key: no expiry',
    );
    expect(keyExpiry({ ...c, keys: [] }, '2026-06-01T00:00:00Z')).toBe('no active key');
  });

  it('cuts a long access list short', () => {
    const names = Array.from({ length: 20 }, (_, i) => `index-${i}-*`);
    const c = apiKeyConnection({ keys: [{ ...key, access: { search: [{ names }] } }] });
    expect(shortAccess(c)).toMatch(/^search: index-0-\*,index-1-\*,.*…$/);
    expect(shortAccess(c).length).toBeLessThanOrEqual(48);
  });
});

describe('estateSvg', () => {
  it('is laid out by Graphviz with every connection an element with its id, alias and health colour', async () => {
    const estate = everyKindEstate();
    const svg = await estateSvg(estate);
    expect(svg).toMatch(/^<\?xml[\s\S]*<svg [\s\S]*<\/svg>\s*$/);
    expect(svg).toContain('Generated by graphviz');
    // Each edge's group runs from its `<g id="edge...` to the next node or edge comment.
    const edges = svg
      .split(/\n<!-- /)
      .map((part) => /^[^\n]*\n<g id="(edge[^"]*)" class="edge estate&#45;edge[^"]*">([\s\S]*)$/.exec(part))
      .filter((m) => m !== null);
    expect(edges).toHaveLength(withResidue(estate).length + estate.unmanaged.length);
    for (const c of withResidue(estate)) {
      const edge = edges.find((m) => m[1]!.replace(/&#45;/g, '-') === edgeElementId({ id: c.connectionId }));
      expect({ id: c.connectionId, drawn: Boolean(edge) }).toEqual({ id: c.connectionId, drawn: true });
      expect(edge![2]).toContain(`>${c.alias.replace(/-/g, '&#45;')}</text>`);
      expect(edge![2]).toContain(`stroke="${HEALTH_COLOURS[c.health.status]}"`);
    }
  });
});

describe('estateHtml', () => {
  it('is one self-contained file: nothing to fetch, no script, a policy that forbids fetching', async () => {
    const html = await estateHtml(everyKindEstate());
    const references = [...html.matchAll(/\b(?:src|href|xlink:href|action|poster)\s*=\s*["']?([^"'\s>]*)/gi)].map(
      (m) => m[1],
    );
    expect(references.filter((r) => /^(https?:)?\/\//i.test(r ?? ''))).toEqual([]);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    );
    expect(html).not.toContain('<?xml');
    expect(html).not.toContain('<!DOCTYPE svg');
  });

  it('has the health legend, the marks legend and a table row per drawn connection', async () => {
    const estate = everyKindEstate();
    const html = await estateHtml(estate);
    for (const h of ['connected', 'degraded', 'broken']) expect(html).toContain(`<li data-health="${h}">`);
    for (const k of ['in-progress', 'leftover']) expect(html).toContain(`<li data-kind="${k}">`);
    const rows = [...html.matchAll(/<tr data-connection-id="([^"]+)"/g)].map((m) => m[1]);
    expect(rows).toEqual([...withResidue(estate).map((c) => c.connectionId), 'unmanaged:ece-a/a815/legacy-remote']);
    expect(html).toContain('clean up: crosslink disconnect ece-a a9 old --as &lt;you&gt;');
  });
});

describe('crosslink connections --format', () => {
  /** A namespace whose inventory workflow answers with `inv` (the CLI reads it with the `inventory` query). */
  function serving(inv: unknown) {
    const view = { inventory: inv, generation: 1, reasons: ['test'], pending: 0, served: [] };
    return {
      withDeadline: <R>(_deadline: number, fn: () => Promise<R>) => fn(),
      workflow: {
        getHandle: () => ({ describe: async () => ({ status: { name: 'RUNNING' } }), query: async () => view }),
      },
    };
  }

  it('prints Mermaid and DOT of the estate the worker discovered', async () => {
    const estate = localRunEstate();
    const mermaid = recordingContext(serving(estate));
    expect(await runCli(['connections', '--max-age', '0', '--format', 'mermaid'], mermaid)).toBe(0);
    expect(mermaid.stdout.join('\n')).toBe(estateMermaid(estate));
    const dot = recordingContext(serving(estate));
    expect(await runCli(['connections', '--max-age', '0', '--format', 'dot'], dot)).toBe(0);
    expect(dot.stdout.join('\n')).toContain(
      'n0 -> n1 [id="edge-crosslink.ece-a.a9000000000000000000000000000001.logs-b"',
    );
  });

  it('writes the HTML or the SVG to --output and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crosslink-estate-'));
    try {
      const ctx = recordingContext(serving(localRunEstate()));
      const file = join(dir, 'estate.html');
      expect(await runCli(['connections', '--max-age', '0', '--format', 'html', '--output', file], ctx)).toBe(0);
      expect(ctx.stdout).toEqual([`Wrote ${file} (html; 1 connection discovered).`]);
      const html = readFileSync(file, 'utf8');
      expect(html).toMatch(/^<!doctype html>[\s\S]*<svg [\s\S]*<\/svg>/);
      expect(html).toContain('<tr data-connection-id="crosslink.ece-a.a9000000000000000000000000000001.logs-b"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps --json and the table', async () => {
    const json = recordingContext(serving(inventory([apiKeyConnection()])));
    expect(await runCli(['connections', '--max-age', '0', '--json'], json)).toBe(0);
    expect(JSON.parse(json.stdout.join(''))).toEqual(inventory([apiKeyConnection()]));
    const table = recordingContext(serving(inventory([apiKeyConnection()])));
    expect(await runCli(['connections', '--max-age', '0', '--format', 'table'], table)).toBe(0);
    expect(table.stdout.join('\n')).toMatch(/^LOCAL\s+ALIAS/);
  });

  it('refuses an unknown format, and --json with --format, before reaching Temporal', async () => {
    const png = recordingContext();
    expect(await runCli(['connections', '--max-age', '0', '--format', 'png'], png)).toBe(2);
    expect(png.stderr.join('\n')).toContain('Allowed choices are table, json, mermaid, dot, svg, html');
    const both = recordingContext();
    expect(await runCli(['connections', '--max-age', '0', '--json', '--format', 'dot'], both)).toBe(2);
    expect(both.stderr.join('\n')).toContain("option '--json' cannot be used with option '--format <format>'");
    expect(png.clientsCreated + both.clientsCreated).toBe(0);
  });
});
