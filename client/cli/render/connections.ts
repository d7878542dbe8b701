/** `crosslink connections`: the inventory as a table, then what is not healthy, unmanaged or unread. */
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

export function renderConnections(inventory: ConnectionInventory, now: Date): string {
  const lines: string[] = [];
  if (inventory.connections.length === 0) lines.push('No connections managed by crosslink found.');
  else {
    lines.push(
      renderTable(
        ['LOCAL', 'ALIAS', 'REMOTE', 'MODEL', 'ACCESS', 'KEY AGE', 'CREATED BY RUN', 'HEALTH'],
        inventory.connections.map((c) => row(c, now)),
      ),
    );
  }
  const unwell = inventory.connections.filter((c) => c.health.status !== 'connected');
  if (unwell.length) {
    lines.push('', 'Diagnosis:');
    for (const c of unwell)
      lines.push(`  ${where(c.local)} ${c.alias} (${c.health.status}): ${c.health.causes.join('; ')}`);
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
