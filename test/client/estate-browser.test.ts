/**
 * The picture in a real headless browser (Chromium driven by playwright-core), with the network
 * off: the HTML of the local run's estate and of an estate with every kind of edge loads without a
 * single request beyond the file itself, every connection is drawn with its alias, the legends are
 * there, the screenshot shows the health colours; the Mermaid text renders with Mermaid itself.
 *
 * Needs Chromium (`apt-get install -y chromium`; CROSSLINK_CHROMIUM names another binary). Without
 * it the suite is skipped and says so, except under CI=true, where it fails: CI installs it.
 * CROSSLINK_ESTATE_SCREENSHOTS=<dir> keeps the screenshots there.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type Mermaid from 'mermaid';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { estateHtml, estateMermaid } from '../../client/cli/render/estate';
import { edgeElementId } from '../../client/cli/render/estate/dot';
import { type EstateInventory } from '../../client/cli/render/estate/model';
import { HEALTH_COLOURS } from '../../client/cli/render/estate/style';
import { EVERY_KIND_EDGES, everyKindEstate, localRunEstate } from './estate-fixtures';

/*
 * The browser's globals, typed just enough for the functions that run inside the page (the project
 * compiles without the DOM library; these declarations are module-local).
 */
interface PageElement {
  id: string;
  style: { visibility: string };
  offsetWidth: number;
  innerHTML: string;
  textContent: string | null;
  getBoundingClientRect(): { x: number; y: number; width: number; height: number };
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement> & { length: number };
}
interface PageCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    drawImage(image: Image, x: number, y: number): void;
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  } | null;
}
declare const document: {
  createElement(tag: 'canvas'): PageCanvas;
  getElementById(id: string): PageElement | null;
  querySelector(selector: string): PageElement | null;
};
declare const window: { scrollX: number; scrollY: number };
declare class Image {
  src: string;
  width: number;
  height: number;
  decode(): Promise<void>;
}

const CHROMIUM = process.env.CROSSLINK_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const HOW_TO_ENABLE = 'apt-get install -y chromium (Debian), or set CROSSLINK_CHROMIUM to a Chromium binary';

function describeWithChromium(name: string, body: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has Chromium (CI installs it)', () => {
        throw new Error(`no Chromium at ${CHROMIUM} under CI=true: ${HOW_TO_ENABLE}`);
      });
    });
    return;
  }
  const message = `${name}: skipped (no Chromium at ${CHROMIUM}). ${HOW_TO_ENABLE}`;
  console.warn(message);
  describe.skip(message, body);
}

let browser: Browser;
let context: BrowserContext;
let dir: string;
/** Every request a page made, and every console error (a load the page's policy refused logs one). */
const requested: string[] = [];
const consoleErrors: string[] = [];

function watch(page: Page): void {
  page.on('request', (r) => requested.push(r.url()));
  page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
  page.on('pageerror', (e) => consoleErrors.push(e.message));
}

/** Opens the HTML as a file with the network off; records every request the page makes. */
async function openHtml(name: string, html: string): Promise<Page> {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, html);
  const page = await context.newPage();
  watch(page);
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return page;
}

async function screenshot(page: Page, name: string): Promise<Buffer> {
  const keep = process.env.CROSSLINK_ESTATE_SCREENSHOTS;
  if (keep) mkdirSync(keep, { recursive: true });
  return page.screenshot({ path: join(keep ?? dir, `${name}.png`), fullPage: true });
}

/** Per colour, how many pixels of the PNG are within a small distance of it (drawn in the browser). */
async function colourCounts(png: Buffer, colours: Record<string, string>): Promise<Record<string, number>> {
  const page = await context.newPage();
  try {
    return await page.evaluate(
      async ({ dataUrl, wanted }) => {
        const img = new Image();
        img.src = dataUrl;
        await img.decode();
        const canvas = document.createElement('canvas');
        [canvas.width, canvas.height] = [img.width, img.height];
        const g = canvas.getContext('2d')!;
        g.drawImage(img, 0, 0);
        const { data } = g.getImageData(0, 0, img.width, img.height);
        const rgb = Object.entries(wanted).map(
          ([k, hex]) => [k, [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))] as const,
        );
        const counts = Object.fromEntries(rgb.map(([k]) => [k, 0]));
        for (let p = 0; p < data.length; p += 4) {
          for (const [k, [r, gr, b]] of rgb) {
            if (Math.abs(data[p]! - r!) + Math.abs(data[p + 1]! - gr!) + Math.abs(data[p + 2]! - b!) < 24)
              counts[k]! += 1;
          }
        }
        return counts;
      },
      { dataUrl: `data:image/png;base64,${png.toString('base64')}`, wanted: colours },
    );
  } finally {
    await page.close();
  }
}

/**
 * What the browser painted for each edge: the health colour with the most pixels in a screenshot of
 * the edge's line, the other edges hidden meanwhile, so colours are checked on the rendered picture.
 */
async function dominantHealthColours(page: Page): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  const ids = await page.$$eval('#estate-graph svg g.edge', (gs) => gs.map((g) => g.id));
  for (const id of ids) {
    await page.$$eval(
      '#estate-graph svg g.edge',
      (gs, shown) => gs.forEach((g) => ((g as PageElement).style.visibility = g.id === shown ? '' : 'hidden')),
      id,
    );
    // The line's box, a few pixels wider: a straight line's own box has no height.
    const box = await page.$eval(`[id="${id}"] path`, (path) => {
      const r = path.getBoundingClientRect();
      return { x: r.x + window.scrollX - 3, y: r.y + window.scrollY - 3, width: r.width + 6, height: r.height + 6 };
    });
    const png = await page.screenshot({ clip: box, fullPage: true });
    const counts = await colourCounts(png, HEALTH_COLOURS);
    result[id] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0]![0];
  }
  await page.$$eval('#estate-graph svg g.edge', (gs) => gs.forEach((g) => ((g as PageElement).style.visibility = '')));
  return result;
}

interface DrawnEdge {
  id: string;
  texts: string[];
  stroke: string | null;
  dash: string | null;
}

function drawnEdges(page: Page): Promise<DrawnEdge[]> {
  return page.$$eval('#estate-graph svg g.edge', (groups) =>
    groups.map((g) => {
      const path = g.querySelector('path');
      return {
        id: g.id,
        texts: [...g.querySelectorAll('text')].map((t) => t.textContent ?? ''),
        stroke: path?.getAttribute('stroke') ?? null,
        dash: path?.getAttribute('stroke-dasharray') ?? null,
      };
    }),
  );
}

/** Every connection (and unmanaged remote) the inventory holds, bar residue, is an edge with its alias. */
async function expectEveryConnectionDrawn(page: Page, estate: EstateInventory): Promise<DrawnEdge[]> {
  const edges = await drawnEdges(page);
  const shown = estate.connections.filter((c) => c.class !== 'residue');
  expect(edges).toHaveLength(shown.length + estate.unmanaged.length);
  for (const c of shown) {
    const edge = edges.find((e) => e.id === edgeElementId({ id: c.connectionId }));
    expect({ connection: c.connectionId, drawn: edge !== undefined }).toEqual({
      connection: c.connectionId,
      drawn: true,
    });
    expect(edge!.texts).toContain(c.alias);
    expect(edge!.stroke).toBe(HEALTH_COLOURS[c.health.status]);
  }
  const rows = await page.$$eval('#connections tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-edge')));
  expect(rows.sort()).toEqual(edges.map((e) => e.id).sort());
  return edges;
}

async function expectHealthLegend(page: Page): Promise<void> {
  const legend = await page.$$eval('#legend [data-health]', (items) =>
    items.map((li) => ({
      health: li.getAttribute('data-health'),
      colour: li.querySelector('line')?.getAttribute('stroke'),
      visible: (li as PageElement).offsetWidth > 0,
    })),
  );
  expect(legend).toEqual(
    (['connected', 'degraded', 'broken', 'unmanaged'] as const).map((health) => ({
      health,
      colour: HEALTH_COLOURS[health],
      visible: true,
    })),
  );
}

describeWithChromium('the estate picture in headless Chromium', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crosslink-estate-browser-'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 900 } });
    // Nothing but the page's own file may load: anything else is refused and recorded.
    await context.route(/^(?!file:)/, (route) => route.abort());
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    requested.length = 0;
    consoleErrors.length = 0;
  });

  it("draws the local run's estate: its connection, the unmanaged remote, the legend; loads nothing", async () => {
    const estate = localRunEstate();
    const page = await openHtml('local-run', await estateHtml(estate));
    const edges = await expectEveryConnectionDrawn(page, estate);
    expect(edges.map((e) => e.texts.join(' '))).toEqual([
      'logs-b  · api_key search: logs-* key: no expiry connected',
      'legacy-remote  · sniff not managed by crosslink',
    ]);
    await expectHealthLegend(page);
    const clusters = await page.$$eval('#estate-graph svg g.cluster', (gs) =>
      gs.map((g) => [...g.querySelectorAll('text')].map((t) => t.textContent ?? '').join('')),
    );
    expect(clusters).toEqual(['ece-a (3 deployments)', 'ece-b (3 deployments)']);
    expect(requested).toEqual([expect.stringMatching(/^file:.*local-run\.html$/)]);
    expect(consoleErrors).toEqual([]);
    await screenshot(page, 'local-run');
    expect(await dominantHealthColours(page)).toEqual({
      [edgeElementId({ id: estate.connections[0]!.connectionId })]: 'connected',
      [edgeElementId({ id: 'unmanaged:ece-a/a8150000000000000000000000000002/legacy-remote' })]: 'unmanaged',
    });
    await page.close();
  });

  it('marks runs in progress dashed and leftovers dotted, each with its badge; residue hidden', async () => {
    const estate = everyKindEstate();
    const page = await openHtml('every-kind', await estateHtml(estate));
    const edges = await expectEveryConnectionDrawn(page, estate);
    const byAlias = (alias: string) => edges.find((e) => e.texts.includes(alias))!;
    expect(byAlias('audit')).toMatchObject({
      dash: '5,2',
      texts: expect.arrayContaining([' IN PROGRESS: connect running ']),
    });
    expect(byAlias('old')).toMatchObject({ dash: '1,5' });
    expect(byAlias('old').texts.join(' ')).toContain('LEFTOVER: cross-cluster key key-9');
    expect(byAlias('logs').dash).toBeNull();
    expect(edges.some((e) => e.texts.includes('ghost'))).toBe(false);
    for (const [alias, want] of Object.entries(EVERY_KIND_EDGES))
      expect({ alias, stroke: byAlias(alias).stroke }).toEqual({ alias, stroke: HEALTH_COLOURS[want.health] });
    await expectHealthLegend(page);
    const marks = await page.$$eval('#legend [data-kind]', (li) => li.map((x) => x.getAttribute('data-kind')));
    expect(marks).toEqual(expect.arrayContaining(['in-progress', 'leftover']));
    expect(requested).toEqual([expect.stringMatching(/^file:.*every-kind\.html$/)]);
    expect(consoleErrors).toEqual([]);
    await screenshot(page, 'every-kind');
    const dominant = await dominantHealthColours(page);
    expect(Object.values(dominant)).toHaveLength(edges.length);
    for (const c of estate.connections.filter((x) => x.class !== 'residue'))
      expect({ alias: c.alias, colour: dominant[edgeElementId({ id: c.connectionId })] }).toEqual({
        alias: c.alias,
        colour: c.health.status,
      });
    await page.close();
  });

  it('renders the Mermaid text with Mermaid itself: every link with its label', async () => {
    const page = await context.newPage();
    watch(page);
    await page.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
    await page.addScriptTag({ path: require.resolve('mermaid/dist/mermaid.min.js') });
    for (const [name, estate] of [
      ['local-run', localRunEstate()],
      ['every-kind', everyKindEstate()],
    ] as Array<[string, EstateInventory]>) {
      const text = estateMermaid(estate);
      const drawn = await page.evaluate(async (source) => {
        const m = (globalThis as unknown as { mermaid: typeof Mermaid }).mermaid;
        m.initialize({ startOnLoad: false, securityLevel: 'strict' });
        const { svg } = await m.render(`estate${Math.random().toString(36).slice(2)}`, source);
        document.getElementById('out')!.innerHTML = svg;
        const root = document.querySelector('#out svg')!;
        return {
          links: root.querySelectorAll('path.flowchart-link').length,
          labels: [...root.querySelectorAll('g.edgeLabel')].map((l) => l.textContent ?? ''),
          clusters: [...root.querySelectorAll('g.cluster')].map((c) => c.textContent ?? ''),
        };
      }, text);
      const shown = estate.connections.filter((c) => c.class !== 'residue');
      expect(drawn.links).toBe(shown.length + estate.unmanaged.length);
      for (const c of shown) expect(drawn.labels.some((l) => l.startsWith(`${c.alias} · ${c.model}`))).toBe(true);
      expect(drawn.clusters.map((c) => c.split(' (')[0]).sort()).toEqual(estate.environments.map((e) => e.name).sort());
      await screenshot(page, `mermaid-${name}`);
    }
    expect(requested).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});
