/** The simulator's in-memory state: what ECE and each Elasticsearch cluster hold. */
import type * as https from 'node:https';
import { type CcrState } from './ccr-model';
import { type Issuer } from './certs';
import { type Readings } from './unconfirmed';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface TrustRelationship {
  id: string;
  name: string;
  local: boolean;
  account_ids: string[];
  installation_id?: string;
  trust_by_default: boolean;
  public_ca_cert: string;
  version: number;
  created: string;
  lastModified: string;
}

export interface KeystoreEntry {
  value: string;
  as_file: boolean;
}
export type Keystore = Record<string, KeystoreEntry>;

export interface ApiKey {
  id: string;
  name: string;
  type: 'rest' | 'cross_cluster';
  secret: string;
  invalidated: boolean;
  invalidation?: number;
  creation: number;
  /** Epoch ms; absent = never expires. */
  expiration?: number;
  metadata: Record<string, unknown>;
  access?: Record<string, unknown>;
  username: string;
}

export interface PlanStep {
  step_id: string;
  started: string;
  completed?: string;
  duration_in_millis?: number;
  status: 'success' | 'warning' | 'error' | 'pending';
  stage: 'starting' | 'in_progress' | 'completed';
  info_log: Array<{ timestamp: string; stage: string; message: string; details: Record<string, unknown> }>;
}

export interface PlanAttempt {
  id: string;
  kind: 'update' | 'restart';
  /** The ElasticsearchClusterPlan this attempt applies. */
  plan: JsonObject;
  status: 'pending' | 'success' | 'error';
  started: string;
  ended?: string;
  log: PlanStep[];
  error?: { message: string; timestamp: string; failure_type: string; details: Record<string, string> };
  /** What a failed or cancelled attempt restores. */
  previous: { trust: JsonObject | null; plan: JsonObject };
}

export interface Deployment {
  id: string;
  name: string;
  environment: string;
  refId: string;
  clusterId: string;
  region: string;
  healthy: boolean;
  /** Current stack version (of the last successful plan). */
  version: string;
  endpoint: string;
  serviceUrl: string;
  port: number;
  /** x-cloud-resource-version / metadata.version: bumped on every ECE-side change. */
  resourceVersion: number;
  created: string;
  lastModified: string;
  /** The current ElasticsearchClusterPlan. */
  plan: JsonObject;
  /**
   * `settings.trust` as ECE stores it (what the last write asked for); null when none is stored
   * (never written, or reverted with `null`): GET then omits it and `accountDefaultTrust` applies.
   */
  trust: JsonObject | null;
  /** The trust that applies while `trust` is null: every deployment of the own account. */
  accountDefaultTrust: JsonObject;
  /** The trust the nodes apply: `trust` as of the last successful plan. */
  effectiveTrust: JsonObject;
  /** ECE's keystore. */
  keystore: Keystore;
  /** Keystore as the nodes see it on disk (as of the last successful plan, or at once from 8.14). */
  nodeKeystore: Keystore;
  /** Secure settings Elasticsearch has loaded. */
  loadedKeystore: Keystore;
  current?: PlanAttempt;
  pending?: PlanAttempt;
  pendingTimer?: NodeJS.Timeout;
  history: PlanAttempt[];
  failNextPlan?: string;
  planCounter: number;
  // Elasticsearch side
  persistentSettings: Record<string, Json>;
  transientSettings: Record<string, Json>;
  roles: Record<string, JsonObject>;
  apiKeys: ApiKey[];
  users: Record<string, { password: string; roles: string[] }>;
  /** Indices, followers, auto-follow patterns, transforms and datafeeds (simulator/ccr-model.ts). */
  ccr: CcrState;
  esServer?: https.Server;
}

export interface Environment {
  name: string;
  accountId: string;
  installationId: string;
  eceVersion: string;
  region: string;
  proxyCa: 'private' | 'public';
  apiKey: string;
  /** Password of `elastic` on every deployment that sets none of its own. */
  elasticPassword: string;
  ca: Issuer;
  /** Proxy chain, leaf first, root last. */
  proxyChain: string[];
  trustRelationships: TrustRelationship[];
  deployments: Map<string, Deployment>;
  coordinatorUrl: string;
  coordinator?: https.Server;
}

export interface SimState {
  environments: Map<string, Environment>;
  planDurationMs: number;
  latencyMs: number;
  /** The reading of each UNCONFIRMED behaviour a test can switch (simulator/unconfirmed.ts). */
  readings: Readings;
}

export const nowIso = () => new Date().toISOString();
export const clone = <T>(v: T): T => structuredClone(v);

export function findDeploymentByEndpoint(state: SimState, host: string): Deployment | undefined {
  for (const env of state.environments.values()) {
    for (const dep of env.deployments.values()) if (dep.endpoint === host) return dep;
  }
  return undefined;
}

export function findDeploymentEverywhere(state: SimState, id: string): Deployment | undefined {
  for (const env of state.environments.values()) {
    const dep = env.deployments.get(id);
    if (dep) return dep;
  }
  return undefined;
}

export function environmentOf(state: SimState, dep: Deployment): Environment {
  const env = state.environments.get(dep.environment);
  if (!env) throw new Error(`no environment ${dep.environment}`);
  return env;
}

/** Keystore and loaded settings follow the version rule: 8.14+ loads a keystore change at once. */
export function loadsKeystoreAtOnce(version: string): boolean {
  return versionAtLeast(version, 8, 14);
}

export function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [ma = 0, mi = 0] = version.split('.').map(Number);
  return ma > major || (ma === major && mi >= minor);
}
