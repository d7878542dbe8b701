/**
 * The simulator's public surface: what tests, the local run and `npm run simulator` use.
 * Implementation: simulator/index.ts (startSimulator) and the route modules beside it.
 */
import { type EnvironmentConfigInput } from '../domain';

/** Deployment ids of the built-in topology (simulator/default-topology.ts), for tests and docs. */
export const DEFAULT_IDS = {
  /** ece-a: proxy CA public. */
  a9: 'a9000000000000000000000000000001', // 9.1.3
  a815: 'a8150000000000000000000000000002', // 8.15.1, carries pre-existing trust, secrets, settings, roles
  a813: 'a8130000000000000000000000000003', // 8.13.4
  /** ece-b: proxy CA private. */
  b9: 'b9000000000000000000000000000001', // 9.1.3
  b815: 'b8150000000000000000000000000002', // 8.15.1
  b813: 'b8130000000000000000000000000003', // 8.13.4
} as const;

/** Route ids used for fault injection and the call log: ECE operationIds and ES REST API names. */
export type EceRouteId =
  | 'get-platform'
  | 'get-tls-certificate'
  | 'get-trust-relationships'
  | 'get-trust-relationship'
  | 'create-trust-relationship'
  | 'update-trust-relationship'
  | 'delete-trust-relationship'
  | 'list-deployments'
  | 'get-deployment'
  | 'get-deployment-es-resource'
  | 'update-deployment'
  | 'get-deployment-es-resource-keystore'
  | 'set-deployment-es-resource-keystore'
  | 'restart-deployment-es-resource'
  | 'cancel-deployment-es-resource-pending-plan';
export type EsRouteId =
  | 'info'
  | 'security.create_cross_cluster_api_key'
  | 'security.update_cross_cluster_api_key'
  | 'security.get_api_key'
  | 'security.invalidate_api_key'
  | 'cluster.get_settings'
  | 'cluster.put_settings'
  | 'cluster.remote_info'
  | 'security.put_role'
  | 'security.get_role'
  | 'security.delete_role'
  | 'nodes.reload_secure_settings'
  | 'indices.resolve_cluster'
  | CcrRouteId;
/** Cross-cluster replication and what the CCR migration reads (simulator/es-ccr.ts, es-jobs.ts). */
export type CcrRouteId =
  | 'ccr.follow'
  | 'ccr.pause_follow'
  | 'ccr.resume_follow'
  | 'ccr.unfollow'
  | 'ccr.follow_info'
  | 'ccr.follow_stats'
  | 'ccr.stats'
  | 'ccr.put_auto_follow_pattern'
  | 'ccr.get_auto_follow_pattern'
  | 'ccr.delete_auto_follow_pattern'
  | 'ccr.pause_auto_follow_pattern'
  | 'ccr.resume_auto_follow_pattern'
  | 'indices.close'
  | 'indices.open'
  | 'transform.get_transform'
  | 'transform.get_transform_stats'
  | 'ml.get_datafeeds'
  | 'ml.get_datafeed_stats';
export type RouteId = EceRouteId | EsRouteId;

/** A fault for the next matching calls. Unset matchers match everything. */
export type FaultSpec = {
  route: RouteId;
  environment?: string;
  /** ES routes: the deployment whose Elasticsearch is called; ECE routes: the `{deployment_id}` path param. */
  deploymentId?: string;
  /** How many matching calls it affects (default 1). */
  times?: number;
} & (
  | { kind: 'status'; status: number; code?: string; message?: string }
  /** Delay the response (the change is still applied). */
  | { kind: 'latency'; ms: number }
  /** Apply the change, then destroy the socket without answering (a lost response). */
  | { kind: 'drop-response' }
  /** Destroy the socket before the change is applied (connection reset). */
  | { kind: 'reset' }
);

export interface CallRecord {
  environment: string;
  deploymentId?: string;
  route: RouteId;
  method: string;
  path: string;
  status: number;
  /** Set when a fault shaped this call. */
  fault?: FaultSpec['kind'];
  /**
   * Milliseconds the simulator held the call before handling it (a latency fault plus setTiming's
   * latencyMs), as it applied them; absent when it held none. Tests see latency here, not by timing.
   */
  delayMs?: number;
}

/** Everything a run can change, per environment: compare two snapshots to prove a rollback. */
export interface EnvironmentSnapshot {
  trustRelationships: Array<{
    id: string;
    name: string;
    local: boolean;
    account_ids: string[];
    installation_id?: string;
    trust_by_default: boolean;
  }>;
  deployments: Record<string, DeploymentSnapshot>;
}
export interface DeploymentSnapshot {
  name: string;
  version: string;
  clusterId: string;
  /** `settings.trust` as ECE stores it; the default that applies when `trustAbsent`. */
  trust: Record<string, unknown>;
  /** ECE stores no trust object (never written, or reverted with `null`); GET omits it. */
  trustAbsent: boolean;
  /** Keystore secret names with as_file (values are never exposed, like ECE). */
  keystore: Record<string, { as_file: boolean }>;
  /** Elasticsearch persistent cluster settings, flat (`cluster.remote.x.mode`). */
  persistentSettings: Record<string, unknown>;
  roles: Record<string, unknown>;
  apiKeys: Array<{
    id: string;
    name: string;
    type: 'rest' | 'cross_cluster';
    invalidated: boolean;
    metadata: Record<string, unknown>;
  }>;
  /** Follower indices (cross-cluster replication): where each follows from and whether it is active. */
  followers: Record<string, { remoteCluster: string; leaderIndex: string; status: 'active' | 'paused' }>;
  /** Auto-follow patterns: their remote cluster and whether they are active. */
  autoFollowPatterns: Record<string, { remoteCluster: string; active: boolean }>;
  /** Plan history (ECE's own record): ids and outcomes; excluded by `comparableState`. */
  plans: Array<{ id: string; kind: string; status: 'pending' | 'success' | 'error' }>;
}
export type SimulatorSnapshot = Record<string, EnvironmentSnapshot>;

/** One index of a deployment as the code API shows it (simulator/ccr-model.ts). */
export interface IndexView {
  name: string;
  uuid: string;
  open: boolean;
  /** One primary shard, append-only: documents = global checkpoint + 1. */
  documents: number;
  globalCheckpoint: number;
  follower?: {
    remoteCluster: string;
    leaderIndex: string;
    status: 'active' | 'paused';
    /** The retryable error the follower's reads keep failing with (connection, security). */
    readFailure?: string;
    /** The non-retryable error that stopped the follower's reads. */
    fatalFailure?: string;
  };
}

/** Indices and replication from code: leader data for followers to replicate (docs/simulator.md). */
export interface CcrControls {
  /** Creates an index with `documents` documents; throws when the name is taken or invalid. */
  createIndex(environment: string, deploymentId: string, index: string, documents?: number): IndexView;
  /** Appends documents to an index (created when missing, as a bulk request would); returns it. */
  appendDocuments(environment: string, deploymentId: string, index: string, count: number): IndexView;
  /** The index, or undefined. Reading it does not replicate. */
  index(environment: string, deploymentId: string, index: string): IndexView | undefined;
  /** One replication round on every deployment (each CCR request also runs one on its deployment). */
  replicate(): void;
}

export interface SimulatorHandle {
  /** The ready-line payload: environments as an EnvironmentsFile takes them (inline secrets). */
  readonly config: { environments: Record<string, EnvironmentConfigInput> };
  /**
   * Secrets a test may need beyond the ready line (added for tests): per environment and deployment,
   * the `elastic` password and the pre-made API keys (`encoded` = base64(id:key), for `ApiKey` auth).
   */
  readonly secrets: Record<
    string,
    Record<
      string,
      {
        elasticPassword: string;
        apiKeys: Array<{ id: string; name: string; type: 'rest' | 'cross_cluster'; encoded: string }>;
      }
    >
  >;
  /** Deep copy of all state. */
  snapshot(): SimulatorSnapshot;
  /** Inject faults; each applies to its next `times` matching calls. */
  inject(...faults: FaultSpec[]): void;
  /** Make the next plan of this deployment end with `status: error`. */
  failNextPlan(environment: string, deploymentId: string, message?: string): void;
  /** Plan duration for new plans (ms); latency added to every call (ms). */
  setTiming(timing: { planDurationMs?: number; latencyMs?: number }): void;
  clearFaults(): void;
  /** Indices, documents and replication rounds (cross-cluster replication). */
  readonly ccr: CcrControls;
  /** Every call served, in order. */
  readonly calls: readonly CallRecord[];
  resetCalls(): void;
  close(): Promise<void>;
}

/**
 * Snapshot without what the platforms keep by themselves: ECE's plan history, and invalidated API
 * keys (Elasticsearch cannot delete an API key; it invalidates it and purges it after a retention
 * period). This is what a rollback must restore exactly.
 */
export function comparableState(snapshot: SimulatorSnapshot): SimulatorSnapshot {
  const out: SimulatorSnapshot = JSON.parse(JSON.stringify(snapshot));
  for (const env of Object.values(out)) {
    for (const dep of Object.values(env.deployments)) {
      dep.plans = [];
      dep.apiKeys = dep.apiKeys.filter((k) => !k.invalidated);
    }
  }
  return out;
}
