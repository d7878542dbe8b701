import { z } from 'zod';
import { Duration, durationToMs } from './ids';
import {
  type ConnectionInventory,
  DeploymentSide,
  DiscoveryError,
  DiscoveryFilter,
  Health,
  type ManagedConnection,
  type RemoteSettings,
} from './inventory';
import { lazySchema } from './lazy-schema';

/**
 * Drift: how a connection crosslink manages differs from what crosslink wrote, or is about to stop
 * working. A pure function of the inventory and the time, so the audit workflow computes it
 * deterministically. Repairs are suggestions: the audit never runs them.
 */

export const DriftKind = lazySchema(() =>
  z.enum([
    'broken',
    'degraded',
    'settings-missing',
    'settings-changed',
    'key-invalid',
    'key-expired',
    'key-expiring',
    'extra-keys',
    'keystore-missing',
    'trust-missing',
    /** Not a connection: what a run that ended without undoing left (repair: disconnect). */
    'leftover',
    /** It differs from the declared state (the desired-state file): the scheduled reconcile's finding (repair: apply). */
    'declared',
  ]),
);
export type DriftKind = z.infer<typeof DriftKind>;

/** The operation an operator can run (behind its approval gates) to repair the drift. */
export const Repair = lazySchema(() =>
  z.enum([
    'rotate',
    're-run connect',
    're-run register-remote',
    're-run deployment-trust',
    'disconnect',
    'investigate',
    /** `crosslink apply -f <the file>`: the plan the finding carries. */
    'apply',
  ]),
);
export type Repair = z.infer<typeof Repair>;

/**
 * The command line of each repair for a connection. `rotate` needs the single working key it
 * replaces, so an expired, invalidated or missing key is repaired by running connect again (it
 * converges: a new key and keystore credential, the rest kept), several live keys by a disconnect.
 */
export function repairCommand(
  repair: Repair,
  c: { local: { environment: string; deploymentId: string }; alias: string },
): string {
  const where = `${c.local.environment} ${c.local.deploymentId} ${c.alias}`;
  switch (repair) {
    case 'rotate':
      return `crosslink rotate ${where} --as <you>`;
    case 're-run connect':
      return 'crosslink connect <its request.json>';
    case 'disconnect':
      return `crosslink disconnect ${where} --as <you>`;
    case 'apply':
      return 'crosslink apply -f <the desired-state file>';
    default:
      return repair;
  }
}

export const DriftItem = lazySchema(() =>
  z.object({
    kind: DriftKind,
    detail: z.string(),
    /** First is the suggestion; the rest are alternatives. */
    repair: z.array(Repair).min(1),
  }),
);
export type DriftItem = z.infer<typeof DriftItem>;

export const ConnectionAudit = lazySchema(() =>
  z.object({
    connectionId: z.string(),
    alias: z.string(),
    local: DeploymentSide,
    remote: DeploymentSide.optional(),
    health: Health,
    drift: z.array(DriftItem),
  }),
);
export type ConnectionAudit = z.infer<typeof ConnectionAudit>;

export const AuditOptions = lazySchema(() =>
  z
    .object({
      /** A key expiring within this window is drift (repair: rotate). */
      expiryWarning: Duration.default('14d'),
      filter: DiscoveryFilter.default({}),
    })
    .strict(),
);
export type AuditOptions = z.infer<typeof AuditOptions>;
export type AuditOptionsInput = z.input<typeof AuditOptions>;

export const AuditReport = lazySchema(() =>
  z.object({
    auditedAt: z.string(),
    discoveredAt: z.string(),
    expiryWarning: z.string(),
    connections: z.array(ConnectionAudit),
    /** Connections with at least one drift item. */
    driftCount: z.number().int(),
    /** Health of the connections (leftovers are not connections: they are counted apart). */
    health: z.object({ connected: z.number().int(), degraded: z.number().int(), broken: z.number().int() }),
    /** Leftovers of runs that ended without undoing, each one drift item (absent in reports from before). */
    leftovers: z.number().int().optional(),
    /** Not audited: connections a run is changing now, and residue (absent in reports from before). */
    skipped: z.object({ inProgress: z.number().int(), residue: z.number().int() }).optional(),
    unmanaged: z.number().int(),
    errors: z.array(DiscoveryError),
    truncated: z.boolean(),
  }),
);
export type AuditReport = z.infer<typeof AuditReport>;

/** The worst finding of a report, for the CrosslinkDrift search attribute. */
export function driftLevel(report: AuditReport): 'none' | 'drift' | 'broken' {
  if (report.health.broken > 0) return 'broken';
  return report.driftCount > 0 ? 'drift' : 'none';
}

const SETTING_LABELS: Record<keyof RemoteSettings, string> = {
  mode: 'mode',
  proxyAddress: 'proxy_address',
  serverName: 'server_name',
  skipUnavailable: 'skip_unavailable',
};

function settingsDrift(c: ManagedConnection): DriftItem[] {
  const prefix = `cluster.remote.${c.alias}`;
  if (!c.settings) {
    return [
      {
        kind: 'settings-missing',
        detail: `${prefix} is not registered on ${c.local.deploymentId}, but crosslink's marks are still there`,
        repair: ['re-run register-remote', 'disconnect'],
      },
    ];
  }
  if (!c.expected) return [];
  const changed = (['mode', 'proxyAddress', 'serverName'] as const).filter(
    (k) => c.expected?.[k] !== undefined && c.settings?.[k] !== c.expected[k],
  );
  if (changed.length === 0) return [];
  return [
    {
      kind: 'settings-changed',
      detail: changed
        .map((k) => `${prefix}.${SETTING_LABELS[k]} is ${c.settings?.[k] ?? 'unset'}, expected ${c.expected?.[k]}`)
        .join('; '),
      repair: ['re-run register-remote'],
    },
  ];
}

function keyDrift(c: ManagedConnection, now: number, warnMs: number): DriftItem[] {
  if (c.model !== 'api_key') return [];
  const active = c.keys.filter((k) => k.active);
  const out: DriftItem[] = [];
  if (active.length === 0) {
    const expired = c.keys.find((k) => !k.invalidated && k.expiresAt && Date.parse(k.expiresAt) <= now);
    out.push(
      expired
        ? {
            kind: 'key-expired',
            detail: `cross-cluster API key ${expired.id} expired at ${expired.expiresAt}`,
            repair: ['re-run connect'],
          }
        : {
            kind: 'key-invalid',
            detail:
              c.keys.length > 0
                ? `every cross-cluster API key of this connection is invalidated (${c.keys.map((k) => k.id).join(', ')})`
                : 'no cross-cluster API key of this connection exists on the remote',
            repair: ['re-run connect', 'disconnect'],
          },
    );
  }
  for (const k of active) {
    if (k.expiresAt && Date.parse(k.expiresAt) - now <= warnMs) {
      out.push({
        kind: 'key-expiring',
        detail: `cross-cluster API key ${k.id} expires at ${k.expiresAt}`,
        repair: ['rotate'],
      });
    }
  }
  if (active.length > 1) {
    out.push({
      kind: 'extra-keys',
      detail: `${active.length} active keys carry this connection's mark (${active.map((k) => k.id).join(', ')}); one is expected`,
      repair: ['disconnect', 'investigate'],
    });
  }
  if (c.keystoreCredentials === false) {
    out.push({
      kind: 'keystore-missing',
      detail: `the keystore of ${c.local.deploymentId} has no cluster.remote.${c.alias}.credentials`,
      repair: ['re-run connect'],
    });
  }
  return out;
}

function trustDrift(c: ManagedConnection): DriftItem[] {
  if (c.model !== 'certificate' || !c.deploymentTrust) return [];
  const missing = (['local', 'remote'] as const).filter((side) => !c.deploymentTrust?.[side]);
  return missing.map((side) => ({
    kind: 'trust-missing' as const,
    detail: `trust.external of the ${side} deployment (${side === 'local' ? c.local.deploymentId : (c.remote?.deploymentId ?? '?')}) does not allowlist the other cluster`,
    repair: ['re-run deployment-trust' as const],
  }));
}

function healthDrift(c: ManagedConnection): DriftItem[] {
  if (c.health.status === 'connected') return [];
  return [
    {
      kind: c.health.status,
      detail: c.health.causes.join('; ') || `the connection is ${c.health.status}`,
      repair: ['investigate'],
    },
  ];
}

/** Every drift item of one connection: health first, then what differs from what crosslink wrote. */
export function connectionDrift(c: ManagedConnection, now: number, expiryWarningMs: number): DriftItem[] {
  return [...healthDrift(c), ...settingsDrift(c), ...keyDrift(c, now, expiryWarningMs), ...trustDrift(c)];
}

/** One drift item for a leftover: the run that left it, what is there, and the disconnect that removes it. */
function leftoverDrift(c: ManagedConnection): DriftItem[] {
  const run = c.run ? `run ${c.run.runId} (${c.run.operation ?? 'unknown operation'}, ${c.run.status})` : 'a run';
  return [
    {
      kind: 'leftover',
      detail: `${run} ended without undoing what it created; still there: ${c.leftover?.left.join('; ') || 'unknown'}`,
      repair: ['disconnect'],
    },
  ];
}

/**
 * The class of a discovered connection; inventories recorded before the classes (replayed
 * histories hand the workflow their activity results unparsed) hold connections only.
 */
const classOf = (c: ManagedConnection): ManagedConnection['class'] => c.class ?? 'connection';

/**
 * Drift of what exists or is left: connections (health and what differs from what crosslink
 * wrote) and leftovers (clean up). A connection a run is changing now is that run's business, and
 * residue is no connection at all: neither is audited, so a rejection, a rollback or a disconnect
 * never reads as drift.
 */
export function auditReport(inventory: ConnectionInventory, options: AuditOptions, now: number): AuditReport {
  const warnMs = durationToMs(options.expiryWarning);
  const audited = inventory.connections.filter((c) => classOf(c) === 'connection' || classOf(c) === 'leftover');
  const connections = audited.map((c) => ({
    connectionId: c.connectionId,
    alias: c.alias,
    local: c.local,
    ...(c.remote ? { remote: c.remote } : {}),
    health: c.health.status,
    drift: classOf(c) === 'leftover' ? leftoverDrift(c) : connectionDrift(c, now, warnMs),
  }));
  const live = connections.filter((_, i) => classOf(audited[i]!) === 'connection');
  const count = (h: Health) => live.filter((c) => c.health === h).length;
  const skipped = (k: ManagedConnection['class']) => inventory.connections.filter((c) => classOf(c) === k).length;
  return {
    auditedAt: new Date(now).toISOString(),
    discoveredAt: inventory.discoveredAt,
    expiryWarning: options.expiryWarning,
    connections,
    driftCount: connections.filter((c) => c.drift.length > 0).length,
    health: { connected: count('connected'), degraded: count('degraded'), broken: count('broken') },
    leftovers: connections.length - live.length,
    skipped: { inProgress: skipped('in-progress'), residue: skipped('residue') },
    unmanaged: inventory.unmanaged.length,
    errors: inventory.errors,
    truncated: inventory.truncated,
  };
}
