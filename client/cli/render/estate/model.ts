/**
 * The picture of the estate as plain data: environments as groups, deployments as nodes,
 * connections as edges, each with the words and marks every format draws. A pure function of the
 * inventory; the Mermaid, DOT, SVG and HTML writers only lay this out.
 */
import {
  type DeploymentSide,
  type DiscoveryError,
  type Health,
  type KeyInfo,
  type ManagedConnection,
  type UnmanagedRemote,
} from '../../../../domain/inventory';
import { accessSummary } from '../connections';

/** How discovery classified a connection; a missing class reads as 'connection'. */
export type ConnectionClass = 'connection' | 'in-progress' | 'leftover' | 'residue';

/**
 * The part of a discovered connection the picture reads. The classification fields are optional,
 * so the inventory with or without them fits.
 */
export interface EstateConnection {
  connectionId: string;
  local: DeploymentSide;
  remote?: DeploymentSide;
  alias: string;
  model: ManagedConnection['model'];
  keys: readonly KeyInfo[];
  health: { status: Health; causes?: readonly string[] };
  class?: ConnectionClass;
  run?: { workflowId: string; runId?: string; operation?: string; status?: string };
  leftover?: { left: readonly string[]; cleanup: string };
}

export interface EstateInventory {
  discoveredAt: string;
  environments: ReadonlyArray<{ name: string; deployments: number }>;
  connections: readonly EstateConnection[];
  unmanaged: readonly UnmanagedRemote[];
  errors?: readonly DiscoveryError[];
  truncated?: boolean;
}

export interface EstateOptions {
  /** Draw residue too (what `--all` asks for). */
  all?: boolean;
}

export type NodeKind = 'deployment' | 'unknown-remote' | 'unmanaged-remote';

export interface EstateNode {
  /** Stable, unique, safe in every format: `n0`, `n1`, ... in the order first seen. */
  key: string;
  kind: NodeKind;
  environment?: string;
  deploymentId?: string;
  title: string;
  subtitle: string;
}

export interface EstateGroup {
  environment: string;
  /** Deployments ECE reported in the environment (drawn or not). */
  deployments: number;
  nodes: EstateNode[];
}

/** 'unmanaged' is a remote cluster without crosslink marks: drawn, never crosslink's. */
export type EdgeKind = ConnectionClass | 'unmanaged';

export interface EstateEdge {
  /** The connection id, or `unmanaged:<env>/<deployment>/<alias>`. */
  id: string;
  from: string;
  to: string;
  kind: EdgeKind;
  alias: string;
  model: string;
  access: string;
  /** The newest active key's expiry, relative to discovery; empty where no key applies. */
  keyExpiry: string;
  health: Health | 'unmanaged';
  /** The in-progress / leftover / residue mark, in words; empty for a plain connection. */
  badge: string;
  /** What the HTML table adds: causes of ill health, the run, the clean-up. */
  notes: string[];
  localLabel: string;
  remoteLabel: string;
}

export interface EstatePicture {
  discoveredAt: string;
  groups: EstateGroup[];
  /** Nodes outside every environment: unknown and unmanaged remotes. */
  outside: EstateNode[];
  edges: EstateEdge[];
  hiddenResidue: number;
  errors: string[];
  truncated: boolean;
}

const DAY_MS = 86_400_000;
const ACCESS_MAX = 48;

/** The newest active key, else the newest key: the one whose access and expiry the picture shows. */
export function newestKey(keys: readonly KeyInfo[]): KeyInfo | undefined {
  const byNewest = [...keys].sort((a, b) => Date.parse(b.createdAt ?? '') - Date.parse(a.createdAt ?? '') || 0);
  return byNewest.find((k) => k.active) ?? byNewest[0];
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `search: logs-*; replication: x`, cut short (empty without a key); a certificate connection's access is its roles. */
export function shortAccess(c: EstateConnection): string {
  if (c.model === 'certificate') return 'access: roles on the remote';
  const access = accessSummary(newestKey(c.keys)?.access);
  return access === '-' ? '' : shorten(access, ACCESS_MAX);
}

/** `key expires 2026-07-21 (in 50d)`, `key expired 2026-05-29`, `key: no expiry`, `no active key`. */
export function keyExpiry(c: EstateConnection, discoveredAt: string): string {
  if (c.model === 'certificate') return '';
  const key = newestKey(c.keys);
  if (!key?.active) return 'no active key';
  if (!key.expiresAt) return 'key: no expiry';
  const date = key.expiresAt.slice(0, 10);
  const left = Math.floor((Date.parse(key.expiresAt) - Date.parse(discoveredAt)) / DAY_MS);
  return left < 0 ? `key expired ${date}` : `key expires ${date} (in ${left}d)`;
}

function badgeOf(c: EstateConnection, kind: ConnectionClass): string {
  const run = c.run ? [c.run.operation ?? 'run', c.run.status].filter(Boolean).join(' ') : '';
  switch (kind) {
    case 'in-progress':
      return run ? `IN PROGRESS: ${run}` : 'IN PROGRESS';
    case 'leftover':
      return c.leftover?.left.length ? `LEFTOVER: ${shorten(c.leftover.left.join(', '), 40)}` : 'LEFTOVER';
    case 'residue':
      return 'RESIDUE';
    case 'connection':
      return run ? `run: ${run}` : '';
  }
}

function notesOf(c: EstateConnection): string[] {
  const notes = [...(c.health.causes ?? [])];
  if (c.run) notes.push(`run ${c.run.workflowId}${c.run.runId ? ` / ${c.run.runId}` : ''}`);
  if (c.leftover) notes.push(`left: ${c.leftover.left.join(', ') || '-'}`, `clean up: ${c.leftover.cleanup}`);
  return notes;
}

function sideLabel(side: { environment: string; deploymentId: string; name?: string } | undefined): string {
  return side ? `${side.environment}/${side.name ?? side.deploymentId}` : 'unknown remote';
}

interface NodeFacts {
  kind: NodeKind;
  environment?: string;
  deploymentId?: string;
  name?: string;
  version?: string;
  title?: string;
  subtitle?: string;
}

/** A deployment's node: its name (else its id's start) and version, with the id's start to tell equal names apart. */
function finishNode(key: string, f: NodeFacts): EstateNode {
  if (f.kind !== 'deployment') return { key, kind: f.kind, title: f.title ?? '?', subtitle: f.subtitle ?? '' };
  const id = f.deploymentId ?? '';
  const shortId = id.length > 8 ? `${id.slice(0, 8)}…` : id;
  return {
    key,
    kind: f.kind,
    environment: f.environment,
    deploymentId: id,
    title: f.name ?? shortId,
    subtitle: [f.version ?? 'version not read', f.name ? shortId : undefined].filter(Boolean).join(' · '),
  };
}

/** Collects nodes in the order first seen, so the same inventory always gives the same picture. */
class NodeBook {
  private readonly byId = new Map<string, { key: string; facts: NodeFacts }>();

  private add(id: string, facts: NodeFacts): string {
    const known = this.byId.get(id);
    if (known) {
      // A deployment seen first without name or version (an unmanaged remote's side) takes them later.
      known.facts.name ??= facts.name;
      known.facts.version ??= facts.version;
      return known.key;
    }
    const key = `n${this.byId.size}`;
    this.byId.set(id, { key, facts });
    return key;
  }

  deployment(side: { environment: string; deploymentId: string; name?: string; version?: string }): string {
    const { environment, deploymentId, name, version } = side;
    return this.add(`d:${environment}/${deploymentId}`, {
      kind: 'deployment',
      environment,
      deploymentId,
      name,
      version,
    });
  }

  unknownRemote(connectionId: string): string {
    return this.add(`u:${connectionId}`, {
      kind: 'unknown-remote',
      title: 'remote unknown',
      subtitle: 'no side found',
    });
  }

  unmanagedRemote(u: UnmanagedRemote): string {
    const where = u.address ?? `${u.alias} (no address)`;
    const subtitle = u.mode ? `${u.mode} mode, not crosslink's` : "not crosslink's";
    return this.add(`x:${where}`, { kind: 'unmanaged-remote', title: where, subtitle });
  }

  nodes(): EstateNode[] {
    return [...this.byId.values()].map(({ key, facts }) => finishNode(key, facts));
  }
}

function connectionEdge(c: EstateConnection, book: NodeBook, discoveredAt: string): EstateEdge {
  const kind = c.class ?? 'connection';
  return {
    id: c.connectionId,
    from: book.deployment(c.local),
    to: c.remote ? book.deployment(c.remote) : book.unknownRemote(c.connectionId),
    kind,
    alias: c.alias,
    model: c.model,
    access: shortAccess(c),
    keyExpiry: keyExpiry(c, discoveredAt),
    health: c.health.status,
    badge: badgeOf(c, kind),
    notes: notesOf(c),
    localLabel: sideLabel(c.local),
    remoteLabel: sideLabel(c.remote),
  };
}

function unmanagedEdge(u: UnmanagedRemote, book: NodeBook): EstateEdge {
  return {
    id: `unmanaged:${u.environment}/${u.deploymentId}/${u.alias}`,
    from: book.deployment(u),
    to: book.unmanagedRemote(u),
    kind: 'unmanaged',
    alias: u.alias,
    model: u.mode ?? '-',
    access: '',
    keyExpiry: '',
    health: 'unmanaged',
    badge: '',
    notes: ['registered without crosslink marks: shown, never audited or changed'],
    localLabel: sideLabel(u),
    remoteLabel: u.address ?? 'no address',
  };
}

/** The inventory as groups, nodes and edges; residue only with `all`. */
export function estatePicture(inventory: EstateInventory, options: EstateOptions = {}): EstatePicture {
  const book = new NodeBook();
  const shown = inventory.connections.filter((c) => options.all || c.class !== 'residue');
  const edges = [
    ...shown.map((c) => connectionEdge(c, book, inventory.discoveredAt)),
    ...inventory.unmanaged.map((u) => unmanagedEdge(u, book)),
  ];
  const nodes = book.nodes();
  const counts = new Map(inventory.environments.map((e) => [e.name, e.deployments]));
  for (const n of nodes) if (n.environment && !counts.has(n.environment)) counts.set(n.environment, 0);
  const groups = [...counts].map(([environment, deployments]) => ({
    environment,
    deployments,
    nodes: nodes.filter((n) => n.environment === environment),
  }));
  return {
    discoveredAt: inventory.discoveredAt,
    groups,
    outside: nodes.filter((n) => n.environment === undefined),
    edges,
    hiddenResidue: inventory.connections.length - shown.length,
    errors: (inventory.errors ?? []).map(
      (e) => `${e.environment}${e.deploymentId ? `/${e.deploymentId}` : ''}: ${e.message}`,
    ),
    truncated: inventory.truncated ?? false,
  };
}

/** The health as the picture says it. */
export function healthWord(e: Pick<EstateEdge, 'health'>): string {
  return e.health === 'unmanaged' ? 'not managed by crosslink' : e.health;
}

/** One line under the picture's title: what it shows and what it leaves out. */
export function pictureSummary(p: EstatePicture): string {
  const managed = p.edges.filter((e) => e.kind !== 'unmanaged').length;
  const parts = [
    `discovered ${p.discoveredAt.replace(/\.\d{3}Z$/, 'Z')}`,
    `${managed} connection${managed === 1 ? '' : 's'} in ${p.groups.length} environment${p.groups.length === 1 ? '' : 's'}`,
  ];
  if (p.hiddenResidue) parts.push(`${p.hiddenResidue} residue not shown`);
  if (p.errors.length)
    parts.push(`${p.errors.length} read${p.errors.length === 1 ? '' : 's'} failed: incomplete there`);
  if (p.truncated) parts.push('truncated: narrow with --environment or --deployment');
  return parts.join(' · ');
}
