import { z } from 'zod';

/**
 * What crosslink finds on the systems themselves: every connection it manages, recognised by the
 * marks it leaves (activities/marks.ts), with its health. Everything here enters workflow history
 * and CLI output: names, ids, settings and dates only, never a key or keystore value.
 */

export const Health = z.enum(['connected', 'degraded', 'broken']);
export type Health = z.infer<typeof Health>;

/** How discovery recognised the connection as crosslink's (one entry per mark found). */
export const MarkKind = z.enum(['api-key', 'role', 'trust-relationship']);
export type MarkKind = z.infer<typeof MarkKind>;

export const Mark = z.object({
  kind: MarkKind,
  environment: z.string(),
  deploymentId: z.string().optional(),
  /** Key id, role name or trust relationship name. */
  id: z.string(),
});
export type Mark = z.infer<typeof Mark>;

/** `cluster.remote.<alias>.*` as the local cluster holds them (persistent settings). */
export const RemoteSettings = z.object({
  mode: z.string().optional(),
  proxyAddress: z.string().optional(),
  serverName: z.string().optional(),
  skipUnavailable: z.boolean().optional(),
});
export type RemoteSettings = z.infer<typeof RemoteSettings>;

/** A cross-cluster API key crosslink created, as `GET /_security/api_key` describes it (no secret). */
export const KeyInfo = z.object({
  id: z.string(),
  name: z.string(),
  active: z.boolean(),
  invalidated: z.boolean(),
  /** ISO times from the key's `creation` / `expiration` (epoch millis). */
  createdAt: z.string().optional(),
  expiresAt: z.string().optional(),
  /** The `access` the key grants, verbatim (index names and privileges only). */
  access: z.record(z.string(), z.unknown()).optional(),
  /** Workflow id and run id of the run that created the key, when its metadata carries them. */
  createdBy: z.object({ workflowId: z.string(), runId: z.string() }).optional(),
});
export type KeyInfo = z.infer<typeof KeyInfo>;

export const DeploymentSide = z.object({
  environment: z.string(),
  deploymentId: z.string(),
  name: z.string().optional(),
  version: z.string().optional(),
  /** `metadata.endpoint`: the proxy host other clusters dial (remote side). */
  endpoint: z.string().optional(),
});
export type DeploymentSide = z.infer<typeof DeploymentSide>;

/** What `_remote/info` and `_resolve/cluster` said, and the causes read from the ingredients. */
export const HealthReport = z.object({
  status: Health,
  remoteInfo: z
    .object({
      connected: z.boolean(),
      clusterCredentials: z.boolean(),
      numProxySocketsConnected: z.number().optional(),
    })
    .optional(),
  /** `_resolve/cluster/<alias>:*`: absent where the local version has no such API (< 8.13). */
  probe: z.object({ connected: z.boolean(), error: z.string().optional() }).optional(),
  /** Most likely first; empty when connected. */
  causes: z.array(z.string()),
});
export type HealthReport = z.infer<typeof HealthReport>;

export const ManagedConnection = z.object({
  connectionId: z.string(),
  local: DeploymentSide,
  alias: z.string(),
  /** Absent when neither the settings nor a key name a deployment discovery can find. */
  remote: DeploymentSide.optional(),
  model: z.enum(['api_key', 'certificate']),
  /** What the local cluster holds; absent when `cluster.remote.<alias>` is gone. */
  settings: RemoteSettings.optional(),
  /** What register-remote writes for this remote and model (absent when the remote is unknown). */
  expected: RemoteSettings.optional(),
  /** Active keys first; several when a rotation or a lost response left more than one. */
  keys: z.array(KeyInfo),
  /** Whether the local keystore holds `cluster.remote.<alias>.credentials` (API key model). */
  keystoreCredentials: z.boolean().optional(),
  /** Certificate model: each side's trust.external allowlists the other's ES cluster id. */
  deploymentTrust: z.object({ local: z.boolean(), remote: z.boolean() }).optional(),
  roles: z.array(z.object({ environment: z.string(), deploymentId: z.string(), name: z.string() })),
  marks: z.array(Mark),
  health: HealthReport,
});
export type ManagedConnection = z.infer<typeof ManagedConnection>;

/** A remote cluster registered on a deployment that carries no crosslink mark: shown, never audited. */
export const UnmanagedRemote = z.object({
  environment: z.string(),
  deploymentId: z.string(),
  alias: z.string(),
  mode: z.string().optional(),
  address: z.string().optional(),
});
export type UnmanagedRemote = z.infer<typeof UnmanagedRemote>;

/** A read that failed: the inventory is partial there, and says so. */
export const DiscoveryError = z.object({
  environment: z.string(),
  deploymentId: z.string().optional(),
  message: z.string(),
});
export type DiscoveryError = z.infer<typeof DiscoveryError>;

export const DiscoveryFilter = z
  .object({
    environment: z.string().min(1).optional(),
    deploymentId: z.string().min(1).optional(),
  })
  .strict();
export type DiscoveryFilter = z.infer<typeof DiscoveryFilter>;

/** Keeps the inventory well inside Temporal's payload limit. */
export const MAX_INVENTORY_CONNECTIONS = 500;

export const ConnectionInventory = z.object({
  discoveredAt: z.string(),
  /** Whether the worker has a notification sink: the audit then notifies about drift. */
  notify: z.boolean().optional(),
  environments: z.array(z.object({ name: z.string(), deployments: z.number().int() })),
  connections: z.array(ManagedConnection),
  unmanaged: z.array(UnmanagedRemote),
  errors: z.array(DiscoveryError),
  /** True when more than MAX_INVENTORY_CONNECTIONS were found (narrow with a filter). */
  truncated: z.boolean(),
});
export type ConnectionInventory = z.infer<typeof ConnectionInventory>;

/** The read-only activities of the connection lifecycle. */
export interface LifecycleActivities {
  discoverConnections(filter: DiscoveryFilter): Promise<ConnectionInventory>;
}

/** Workflow type names and the audit schedule id, shared by the workflows, the worker and the CLI. */
