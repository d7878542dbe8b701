import { z } from 'zod';
import { WORKFLOW_TYPES } from './temporal-contract';
import { DeclaredDriftRecord } from './declared-drift';
import { type ActionKind, type DescribePlanInput, type DescribedAction } from './desired-plan';
import { type DesiredState } from './desired-state';
import { lazySchema } from './lazy-schema';

/**
 * What crosslink finds on the systems themselves: every connection it manages, recognised by the
 * marks it leaves (activities/marks.ts), with its health. Everything here enters workflow history
 * and CLI output: names, ids, settings and dates only, never a key or keystore value.
 */

export const Health = lazySchema(() => z.enum(['connected', 'degraded', 'broken']));
export type Health = z.infer<typeof Health>;

/** How discovery recognised the connection as crosslink's (one entry per mark found). */
export const MarkKind = lazySchema(() => z.enum(['api-key', 'role', 'trust-relationship']));
export type MarkKind = z.infer<typeof MarkKind>;

export const Mark = lazySchema(() =>
  z.object({
    kind: MarkKind,
    environment: z.string(),
    deploymentId: z.string().optional(),
    /** Key id, role name or trust relationship name. */
    id: z.string(),
  }),
);
export type Mark = z.infer<typeof Mark>;

/** `cluster.remote.<alias>.*` as the local cluster holds them (persistent settings). */
export const RemoteSettings = lazySchema(() =>
  z.object({
    mode: z.string().optional(),
    proxyAddress: z.string().optional(),
    serverName: z.string().optional(),
    skipUnavailable: z.boolean().optional(),
  }),
);
export type RemoteSettings = z.infer<typeof RemoteSettings>;

/** A cross-cluster API key crosslink created, as `GET /_security/api_key` describes it (no secret). */
export const KeyInfo = lazySchema(() =>
  z.object({
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
  }),
);
export type KeyInfo = z.infer<typeof KeyInfo>;

export const DeploymentSide = lazySchema(() =>
  z.object({
    environment: z.string(),
    deploymentId: z.string(),
    name: z.string().optional(),
    version: z.string().optional(),
    /** `metadata.endpoint`: the proxy host other clusters dial (remote side). */
    endpoint: z.string().optional(),
  }),
);
export type DeploymentSide = z.infer<typeof DeploymentSide>;

/** What `_remote/info` and `_resolve/cluster` said, and the causes read from the ingredients. */
export const HealthReport = lazySchema(() =>
  z.object({
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
  }),
);
export type HealthReport = z.infer<typeof HealthReport>;

/**
 * What a discovered set of marks is, decided from the systems' current state and Temporal's view
 * of the runs on its connection id (activities/lifecycle/classify.ts):
 * - `connection`: it exists (API key model: settings, keystore credential or a valid key; the
 *   certificate model's settings or roles), healthy or not: the audit checks it;
 * - `in-progress`: a run is open on its id (`run`): the audit leaves it to that run;
 * - `leftover`: the last run ended without undoing (terminated, timed out, failed with undo
 *   failures) and left objects (`leftover.left`, cleaned up by `leftover.cleanup`);
 * - `residue`: nothing live remains, only marks the systems keep for a while (an invalidated key
 *   Elasticsearch keeps for its retention period, a shared trust object another connection uses):
 *   never a connection, never drift; `crosslink connections --all` shows it.
 */
export const ConnectionClass = lazySchema(() => z.enum(['connection', 'in-progress', 'leftover', 'residue']));
export type ConnectionClass = z.infer<typeof ConnectionClass>;

/** Temporal's execution status of a run, as crosslink names it. */
export const RunStatus = lazySchema(() =>
  z.enum(['running', 'completed', 'failed', 'cancelled', 'terminated', 'timed-out', 'continued-as-new']),
);
export type RunStatus = z.infer<typeof RunStatus>;

/** The operation each workflow type runs, as the CLI and the inventory name it. */
export const OPERATION_OF_WORKFLOW_TYPE: Readonly<Record<string, string>> = {
  [WORKFLOW_TYPES.connection]: 'connect',
  [WORKFLOW_TYPES.updateAccess]: 'update-access',
  [WORKFLOW_TYPES.rotate]: 'rotate',
  [WORKFLOW_TYPES.disconnect]: 'disconnect',
  [WORKFLOW_TYPES.migrate]: 'migrate',
  [WORKFLOW_TYPES.listConnections]: 'list',
  [WORKFLOW_TYPES.audit]: 'audit',
  [WORKFLOW_TYPES.inventory]: 'inventory',
  [WORKFLOW_TYPES.apply]: 'apply',
  [WORKFLOW_TYPES.reconcile]: 'reconcile',
};

/** A run on a connection id: the open one (in-progress) or the one that ended without undoing (leftover). */
export const ConnectionRun = lazySchema(() =>
  z.object({
    workflowId: z.string(),
    runId: z.string(),
    /** connect, update-access, rotate, disconnect (from the workflow type). */
    operation: z.string().optional(),
    status: RunStatus,
  }),
);
export type ConnectionRun = z.infer<typeof ConnectionRun>;

/** What an ended run left, and the exact command that removes it. */
export const Leftover = lazySchema(() =>
  z.object({
    left: z.array(z.string()),
    cleanup: z.string(),
  }),
);
export type Leftover = z.infer<typeof Leftover>;

export const ManagedConnection = lazySchema(() =>
  z.object({
    connectionId: z.string(),
    /** Older inventories (recorded before the classes) hold connections only. */
    class: ConnectionClass.default('connection'),
    run: ConnectionRun.optional(),
    leftover: Leftover.optional(),
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
  }),
);
export type ManagedConnection = z.infer<typeof ManagedConnection>;

/** A remote cluster registered on a deployment that carries no crosslink mark: shown, never audited. */
export const UnmanagedRemote = lazySchema(() =>
  z.object({
    environment: z.string(),
    deploymentId: z.string(),
    alias: z.string(),
    mode: z.string().optional(),
    address: z.string().optional(),
  }),
);
export type UnmanagedRemote = z.infer<typeof UnmanagedRemote>;

/** A read that failed: the inventory is partial there, and says so. */
export const DiscoveryError = lazySchema(() =>
  z.object({
    environment: z.string(),
    deploymentId: z.string().optional(),
    message: z.string(),
  }),
);
export type DiscoveryError = z.infer<typeof DiscoveryError>;

export const DiscoveryFilter = lazySchema(() =>
  z
    .object({
      environment: z.string().min(1).optional(),
      deploymentId: z.string().min(1).optional(),
    })
    .strict(),
);
export type DiscoveryFilter = z.infer<typeof DiscoveryFilter>;

/** Keeps the inventory well inside Temporal's payload limit. */
export const MAX_INVENTORY_CONNECTIONS = 500;

export const ConnectionInventory = lazySchema(() =>
  z.object({
    discoveredAt: z.string(),
    /**
     * Whether Temporal's view of the runs on each connection id was read: without it, a run in
     * progress or the leftovers of an ended run cannot be told from a connection (absent in
     * inventories from before the classes).
     */
    runs: z.object({ read: z.boolean(), error: z.string().optional() }).optional(),
    /** Whether the worker has a notification sink: the audit then notifies about drift. */
    notify: z.boolean().optional(),
    environments: z.array(z.object({ name: z.string(), deployments: z.number().int() })),
    connections: z.array(ManagedConnection),
    unmanaged: z.array(UnmanagedRemote),
    errors: z.array(DiscoveryError),
    /** True when more than MAX_INVENTORY_CONNECTIONS were found (narrow with a filter). */
    truncated: z.boolean(),
  }),
);
export type ConnectionInventory = z.infer<typeof ConnectionInventory>;

/** Whether a deployment side passes the filter. */
export function sideWanted(filter: DiscoveryFilter, side: { environment: string; deploymentId: string }): boolean {
  return (
    (!filter.environment || side.environment === filter.environment) &&
    (!filter.deploymentId || side.deploymentId === filter.deploymentId)
  );
}

/** A connection matches when either side does: `--deployment X` shows X's remotes and who uses X. */
export function connectionWanted(
  filter: DiscoveryFilter,
  c: { local: { environment: string; deploymentId: string }; remote?: { environment: string; deploymentId: string } },
): boolean {
  return sideWanted(filter, c.local) || (c.remote !== undefined && sideWanted(filter, c.remote));
}

/**
 * The part of an inventory a filter keeps: connections with a side that matches, unmanaged remotes
 * by their deployment.
 * Errors stay: the inventory is incomplete there whatever the filter.
 */
export function filterInventory(inventory: ConnectionInventory, filter: DiscoveryFilter): ConnectionInventory {
  if (!filter.environment && !filter.deploymentId) return inventory;
  return {
    ...inventory,
    connections: inventory.connections.filter((c) => connectionWanted(filter, c)),
    unmanaged: inventory.unmanaged.filter((u) => sideWanted(filter, u)),
  };
}

/** A request to refresh the inventory: who asks and why (kept in the inventory workflow's history). */
export const RefreshRequest = lazySchema(() =>
  z
    .object({
      reason: z.string().min(1).max(500),
      /** The connection the requester changed, when it is about one. */
      connectionId: z.string().max(400).optional(),
      /** Set by a requester that waits: the view lists it under `served` once a refresh covered it. */
      requestId: z.string().max(100).optional(),
    })
    .strict(),
);
export type RefreshRequest = z.infer<typeof RefreshRequest>;

/** The `inventory` query's answer: the latest inventory and how fresh it is. */
export const InventoryView = lazySchema(() =>
  z.object({
    /** Absent until the first discovery completed. */
    inventory: ConnectionInventory.optional(),
    /** Completed refreshes since the inventory workflow was first started (continue-as-new keeps counting). */
    generation: z.number().int(),
    /** The reasons the latest completed refresh covered. */
    reasons: z.array(z.string()),
    /** A discovery running now, since when, and why. */
    refreshing: z.object({ since: z.string(), reasons: z.array(z.string()) }).optional(),
    /** Requests waiting for the next discovery. */
    pending: z.number().int(),
    /** `requestId`s of the newest requests a completed refresh covered (newest last). */
    served: z.array(z.string()),
    /** The last discovery that failed (the inventory above is the one before it). */
    error: z.object({ at: z.string(), message: z.string() }).optional(),
    /** The latest scheduled reconcile's findings: connections that differ from the declared state. */
    declared: DeclaredDriftRecord.optional(),
  }),
);
export type InventoryView = z.infer<typeof InventoryView>;

/** The desired state as the worker read it for the scheduled reconcile, with the operator's policy for it. */
export interface DesiredStateRead {
  /** `file:<path>` or `git:<url>@<ref>:<path>`. */
  source: string;
  /** The git commit, or the sha256 of the file. */
  revision: string;
  desired: DesiredState;
  autoApply: ActionKind[];
  prune: boolean;
  requestedBy: string;
  /** Whether the worker has a notification sink. */
  notify: boolean;
}

/** The read-only activities of the connection lifecycle. */
export interface LifecycleActivities {
  discoverConnections(filter: DiscoveryFilter): Promise<ConnectionInventory>;
  /** The declared state the operator's `desiredState` names (a file on the worker, or a git repository). */
  readDesiredState(): Promise<DesiredStateRead>;
  /** What each gate of a plan's actions would approve, read now (activities/lifecycle/describe-plan.ts). */
  describePlannedActions(input: DescribePlanInput): Promise<DescribedAction[]>;
}

/** Workflow type names and the audit schedule id, shared by the workflows, the worker and the CLI. */
