/**
 * crosslink's Temporal contract: the task queue, the workflow type names and the search
 * attributes, defined once for the workflow code, the worker, the CLI, the intake, the local run,
 * the tests and the docker-compose registration. Importable from workflow code (no I/O, no client).
 * The messages (updates, signals, query) are defined in workflows/messages.ts.
 */
import { defineSearchAttributeKey } from '@temporalio/common';

/** Task queue workers poll and clients start on. */
export const TASK_QUEUE = 'crosslink';

/** Workflow type names, for clients that start or list workflows by name. */
export const WORKFLOW_TYPES = {
  connection: 'connectRemoteCluster',
  listConnections: 'listConnections',
  audit: 'auditConnections',
  disconnect: 'disconnectConnection',
  updateAccess: 'updateConnectionAccess',
  rotate: 'rotateConnection',
  fanOut: 'connectFanOut',
  inventory: 'crosslinkInventory',
  migrate: 'migrateConnection',
  apply: 'applyDesiredState',
  reconcile: 'reconcileDesiredState',
} as const;
/** The connection workflow's type name (workflows/index.ts exports a function of this name). */
export const CONNECTION_WORKFLOW = WORKFLOW_TYPES.connection;
/** Discovery of every connection crosslink manages (a workflow: only workers hold credentials). */
export const LIST_CONNECTIONS_WORKFLOW = WORKFLOW_TYPES.listConnections;
/** The scheduled audit of every connection. */
export const AUDIT_WORKFLOW = WORKFLOW_TYPES.audit;
/** Removing a connection (same workflow id as the connection: one connection, one live run). */
export const DISCONNECT_WORKFLOW = WORKFLOW_TYPES.disconnect;
/** Changing what a connection's key grants, in place (same workflow id as the connection). */
export const UPDATE_ACCESS_WORKFLOW = WORKFLOW_TYPES.updateAccess;
/** Replacing a connection's key (same workflow id as the connection). */
export const ROTATE_WORKFLOW = WORKFLOW_TYPES.rotate;
/** Moving a certificate connection to the API key model in place (same workflow id as the connection). */
export const MIGRATE_WORKFLOW = WORKFLOW_TYPES.migrate;
/** One local deployment connected to many remotes: a parent of one connection run per pair. */
export const FAN_OUT_WORKFLOW = WORKFLOW_TYPES.fanOut;
/**
 * The estate's inventory: one long-lived workflow per namespace that keeps the latest discovery in
 * memory and answers the `inventory` query (workflows/inventory.ts); `crosslink connections` reads it.
 */
export const INVENTORY_WORKFLOW = WORKFLOW_TYPES.inventory;
/** The inventory workflow's fixed id: one per namespace. */
export const INVENTORY_WORKFLOW_ID = 'crosslink-inventory';
/** The Temporal Schedule that runs the audit. */
export const AUDIT_SCHEDULE_ID = 'crosslink-audit';
/**
 * Applying a plan of the desired state: a parent that starts each action as the existing
 * operation's workflow under its connection id (workflows/apply-desired-state.ts).
 */
export const APPLY_WORKFLOW = WORKFLOW_TYPES.apply;
/** The scheduled plan of the declared file against the estate (workflows/reconcile-desired-state.ts). */
export const RECONCILE_WORKFLOW = WORKFLOW_TYPES.reconcile;
/** The Temporal Schedule that runs the reconcile. */
export const RECONCILE_SCHEDULE_ID = 'crosslink-reconcile';

/** Search attributes upserted on each transition, all registered as Keyword on the server. */
export const SEARCH_ATTRIBUTES = {
  state: 'CrosslinkState',
  step: 'CrosslinkStep',
  localDeployment: 'CrosslinkLocalDeployment',
  remoteDeployment: 'CrosslinkRemoteDeployment',
  alias: 'CrosslinkAlias',
} as const;

/**
 * Search attributes of the lifecycle operations: which operation a workflow is (`audit`), and for
 * an audit the worst finding (`running`, `none`, `drift`, `broken`).
 */
export const OPERATION_SEARCH_ATTRIBUTES = {
  operation: 'CrosslinkOperation',
  drift: 'CrosslinkDrift',
} as const;

/** The Temporal type every crosslink search attribute is registered with, except the gate's approvers. */
export const SEARCH_ATTRIBUTE_TYPE = 'KEYWORD' as const;

/**
 * Who a run waits for: the gate pending now (Keyword) and the approvers the worker's policy allows
 * to decide it (KeywordList), set when a gate opens and cleared when it closes, so
 * `CrosslinkApprovers = 'ops-oncall'` lists what waits for that person (docs/cli.md, saved views).
 */
export const GATE_SEARCH_ATTRIBUTES = {
  gate: 'CrosslinkGate',
  approvers: 'CrosslinkApprovers',
} as const;

export const GATE_SEARCH_ATTRIBUTE_KEYS = {
  gate: defineSearchAttributeKey(GATE_SEARCH_ATTRIBUTES.gate, SEARCH_ATTRIBUTE_TYPE),
  approvers: defineSearchAttributeKey(GATE_SEARCH_ATTRIBUTES.approvers, 'KEYWORD_LIST'),
} as const;

export const SEARCH_ATTRIBUTE_KEYS = {
  state: defineSearchAttributeKey(SEARCH_ATTRIBUTES.state, SEARCH_ATTRIBUTE_TYPE),
  step: defineSearchAttributeKey(SEARCH_ATTRIBUTES.step, SEARCH_ATTRIBUTE_TYPE),
  localDeployment: defineSearchAttributeKey(SEARCH_ATTRIBUTES.localDeployment, SEARCH_ATTRIBUTE_TYPE),
  remoteDeployment: defineSearchAttributeKey(SEARCH_ATTRIBUTES.remoteDeployment, SEARCH_ATTRIBUTE_TYPE),
  alias: defineSearchAttributeKey(SEARCH_ATTRIBUTES.alias, SEARCH_ATTRIBUTE_TYPE),
} as const;

/** Typed keys of the lifecycle operations' search attributes. */
export const OPERATION_SEARCH_ATTRIBUTE_KEYS = {
  operation: defineSearchAttributeKey(OPERATION_SEARCH_ATTRIBUTES.operation, SEARCH_ATTRIBUTE_TYPE),
  drift: defineSearchAttributeKey(OPERATION_SEARCH_ATTRIBUTES.drift, SEARCH_ATTRIBUTE_TYPE),
} as const;

/** Every typed key a namespace must have registered (dev servers register these at start). */
export const ALL_SEARCH_ATTRIBUTE_KEYS = [
  ...Object.values(SEARCH_ATTRIBUTE_KEYS),
  ...Object.values(OPERATION_SEARCH_ATTRIBUTE_KEYS),
  ...Object.values(GATE_SEARCH_ATTRIBUTE_KEYS),
];

/** Each search attribute crosslink registers, with its Temporal type (registration, checks, error messages). */
export const SEARCH_ATTRIBUTE_DEFINITIONS: ReadonlyArray<{ name: string; type: 'KEYWORD' | 'KEYWORD_LIST' }> =
  ALL_SEARCH_ATTRIBUTE_KEYS.map((key) => ({ name: key.name, type: key.type }));

/** The typed key of CrosslinkOperation, set at start by every client that starts a crosslink workflow. */
export const OPERATION_KEY = OPERATION_SEARCH_ATTRIBUTE_KEYS.operation;

/** Every search attribute name, in a stable order (registration, checks, docs). */
export const SEARCH_ATTRIBUTE_NAMES: readonly string[] = SEARCH_ATTRIBUTE_DEFINITIONS.map((d) => d.name);
