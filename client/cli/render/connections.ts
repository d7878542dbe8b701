/**
 * `crosslink connections`: the inventory as a table of connections, then what is not healthy, what
 * is in progress, leftovers with their cleanup command, residue (with --all), unmanaged or unread.
 */
import { type ConnectionInventory, type KeyInfo, type ManagedConnection } from '../../../domain/inventory';
import { renderTable } from './format';

const DAY_MS = 86_400_000;

/** `search: logs-*,metrics-*; replication: x` from the key's access (index names only). */
export function accessSummary(access: Record<string, unknown> | undefined): string {
  if (!access) return '-';
  const parts = (['search', 'replication'] as const).flatMap((kind) => {
    const entries = (access[kind] as Array<{ names?: string | string[] }> | undefined) ?? [];
    const names = entries.flatMap((e) => (Array.isArray(e.names) ? e.names : e.names ? [e.names] : []));
    return names.length ? [`${kind}: ${names.join(',')}`] : [];
  });
  return parts.join('; ') || '-';
}

export function keyAge(key: KeyInfo | undefined, now: Date): string {
  if (!key?.createdAt) return '-';
  const days = Math.floor((now.getTime() - Date.parse(key.createdAt)) / DAY_MS);
  const age = `${days}d`;
  if (!key.expiresAt) return age;
  const left = Math.floor((Date.parse(key.expiresAt) - now.getTime()) / DAY_MS);
  return left < 0 ? `${age} (expired)` : `${age} (expires in ${left}d)`;
}

function where(side: { environment: string; deploymentId: string; name?: string } | undefined): string {
  if (!side) return '?';
  return `${side.environment}/${side.name ?? side.deploymentId}`;
}

function row(c: ManagedConnection, now: Date): string[] {
  const key = c.keys.find((k) => k.active) ?? c.keys[0];
  return [
    where(c.local),
    c.alias,
    where(c.remote),
    c.model,
    c.model === 'api_key' ? accessSummary(key?.access) : 'roles',
    c.model === 'api_key' ? keyAge(key, now) : '-',
    key?.createdBy?.runId ?? '-',
    c.health.status,
  ];
}

const classOf = (c: ManagedConnection) => c.class ?? 'connection';

function inProgressLine(c: ManagedConnection): string {
  const run = c.run ? `${c.run.operation ?? 'a'} run ${c.run.runId}` : 'a run';
  return `  ${where(c.local)} ${c.alias} -> ${where(c.remote)}: ${run} is open (crosslink status ${c.connectionId})`;
}

function leftoverLines(c: ManagedConnection): string[] {
  const run = c.run ? `${c.run.operation ?? 'a'} run ${c.run.runId} ended ${c.run.status}` : 'a run ended';
  return [
    `  ${where(c.local)} ${c.alias} -> ${where(c.remote)}: ${run} without undoing what it created; still there:`,
    ...(c.leftover?.left ?? []).map((item) => `    - ${item}`),
    `    clean up: ${c.leftover?.cleanup ?? '?'}`,
  ];
}

/** What a residue entry is, from what discovery saw of it. */
function residueLine(c: ManagedConnection): string {
  const invalidated = c.keys.filter((k) => k.invalidated).map((k) => k.id);
  const what = [
    invalidated.length
      ? `invalidated key${invalidated.length === 1 ? '' : 's'} ${invalidated.join(', ')} (Elasticsearch keeps invalidated keys, with their metadata, for its retention period: xpack.security.authc.api_key.delete.retention_period, 7d by default)`
      : undefined,
    ...c.marks
      .filter((m) => m.kind === 'trust-relationship')
      .map((m) => `trust relationship "${m.id}" in ${m.environment} (kept: another connection may use it)`),
  ].filter(Boolean);
  return `  ${where(c.local)} ${c.alias}: ${what.join('; ') || 'marks only'}`;
}

export interface RenderConnectionsOptions {
  /** Also list residue (hidden by default). */
  all?: boolean;
}

/**
 * The connections as a table, then what is not healthy, what a run is changing, the leftovers of
 * ended runs with their cleanup command, residue (only with `all`), unmanaged remotes, failed reads.
 */
export function renderConnections(
  inventory: ConnectionInventory,
  now: Date,
  options: RenderConnectionsOptions = {},
): string {
  const lines: string[] = [];
  const of = (k: ManagedConnection['class']) => inventory.connections.filter((c) => classOf(c) === k);
  const connections = of('connection');
  if (connections.length === 0) lines.push('No connections managed by crosslink found.');
  else {
    lines.push(
      renderTable(
        ['LOCAL', 'ALIAS', 'REMOTE', 'MODEL', 'ACCESS', 'KEY AGE', 'CREATED BY RUN', 'HEALTH'],
        connections.map((c) => row(c, now)),
      ),
    );
  }
  const unwell = connections.filter((c) => c.health.status !== 'connected');
  if (unwell.length) {
    lines.push('', 'Diagnosis:');
    for (const c of unwell)
      lines.push(`  ${where(c.local)} ${c.alias} (${c.health.status}): ${c.health.causes.join('; ')}`);
  }
  const inProgress = of('in-progress');
  if (inProgress.length) {
    lines.push('', 'In progress (a run is open on the connection id; the audit leaves it to that run):');
    lines.push(...inProgress.map(inProgressLine));
  }
  const leftovers = of('leftover');
  if (leftovers.length) {
    lines.push('', 'Leftovers of runs that ended without undoing (not connections; each needs its clean-up):');
    for (const c of leftovers) lines.push(...leftoverLines(c));
  }
  const residue = of('residue');
  if (residue.length && options.all) {
    lines.push('', 'Residue (not connections, never audited: marks of rolled-back or disconnected runs):');
    lines.push(...residue.map(residueLine));
  } else if (residue.length) {
    lines.push(
      '',
      `${residue.length} residue entr${residue.length === 1 ? 'y' : 'ies'} hidden (marks of rolled-back or disconnected runs, such as invalidated keys Elasticsearch keeps for a while): --all lists them.`,
    );
  }
  if (inventory.runs && !inventory.runs.read) {
    lines.push(
      '',
      `Temporal's view of the runs was not read (${inventory.runs.error ?? 'no reason given'}): a connection in progress or the leftovers of an ended run may be listed as a connection.`,
    );
  }
  if (inventory.unmanaged.length) {
    lines.push('', 'Remote clusters without crosslink marks (not managed, not audited):');
    for (const u of inventory.unmanaged) {
      lines.push(
        `  ${u.environment}/${u.deploymentId} ${u.alias}${u.mode ? ` ${u.mode}` : ''}${u.address ? ` ${u.address}` : ''}`,
      );
    }
  }
  if (inventory.errors.length) {
    lines.push('', 'Not read (the list may be incomplete there):');
    for (const e of inventory.errors)
      lines.push(`  ${e.environment}${e.deploymentId ? `/${e.deploymentId}` : ''}: ${e.message}`);
  }
  if (inventory.truncated)
    lines.push('', 'More connections exist than one answer holds: narrow with --environment or --deployment.');
  return lines.join('\n');
}
