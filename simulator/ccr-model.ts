/**
 * Cross-cluster replication, per deployment: indices (one primary shard, append-only documents),
 * follower indices and their shard follow tasks, auto-follow patterns and the auto-follow
 * coordinator (docs/simulator.md "Cross-cluster replication"; facts in docs/sources.md §13).
 *
 * Time is a replication round, not the clock: `replicationRound` runs once before each CCR request a
 * deployment serves (and on `ccr.replicate()`), so tests see lag and catch-up deterministically.
 */
import { randomBytes } from 'node:crypto';
import { credentialsSetting, evaluateAlias } from './connection-rules';
import { crossClusterRoleDescriptor } from './es-security';
import { invalidIndexName, simpleMatch } from './index-names';
import { remoteAliases } from './settings';
import { type IndexView } from './api';
import { type Deployment, type JsonObject, type SimState, environmentOf } from './state';
import { UNCONFIRMED } from './unconfirmed';

/** Elasticsearch's ErrorCause as a follower's stats and failed requests carry it. */
export type ErrorCause = { type: string; reason: string } & JsonObject;

/** One shard follow task (server ShardFollowNodeTask): exists while the follower is active. */
export interface ShardFollowTask {
  /** The leader's global checkpoint as of the task's last successful read (not the leader's own). */
  leaderGlobalCheckpoint: number;
  lastRequestedSeqNo: number;
  successfulReadRequests: number;
  failedReadRequests: number;
  operationsRead: number;
  bytesRead: number;
  successfulWriteRequests: number;
  operationsWritten: number;
  /** The read that keeps failing with a retryable error (connection, security): retried every round. */
  readException?: { fromSeqNo: number; retries: number; exception: ErrorCause };
  /** A non-retryable failure: the task stops reading until paused and resumed. */
  fatalException?: ErrorCause;
  lastReadAt: number;
}

export interface FollowerState {
  remoteCluster: string;
  leaderIndex: string;
  leaderUuid: string;
  /** The follow parameters the task runs with (defaults merged with the request's). */
  parameters: JsonObject;
  /** Present while the follower is active; pausing removes it, resuming starts a new one. */
  task?: ShardFollowTask;
}

export interface SimIndex {
  name: string;
  uuid: string;
  open: boolean;
  /** Sequence number of the last document; documents are 0..globalCheckpoint (-1: empty). */
  globalCheckpoint: number;
  follower?: FollowerState;
}

export interface AutoFollowPattern {
  name: string;
  remoteCluster: string;
  leaderIndexPatterns: string[];
  leaderIndexExclusionPatterns: string[];
  followIndexPattern?: string;
  settings: JsonObject;
  /** Only the follow parameters the request set (GET shows those). */
  parameters: JsonObject;
  active: boolean;
  /** Leader index uuids the pattern has handled: followed, or present when the pattern was put. */
  handledLeaderUuids: string[];
}

export interface AutoFollowCoordinator {
  successfulFollowIndices: number;
  failedFollowIndices: number;
  failedRemoteClusterStateRequests: number;
  /** Keyed by pattern name (remote state failures) or `<pattern>:<leader index>` (follow failures). */
  recentErrors: Map<string, { timestamp: number; exception: ErrorCause }>;
  /** Remote cluster alias -> when the coordinator last read its state. */
  lastChecked: Map<string, number>;
  /** Bumped on every remote state read that saw a change; reported as last_seen_metadata_version. */
  metadataVersion: Map<string, number>;
}

export interface TransformSeed {
  id: string;
  source: { index: string[] };
  dest: { index: string };
  state: 'started' | 'stopped';
}
export interface DatafeedSeed {
  datafeed_id: string;
  job_id: string;
  indices: string[];
  state: 'started' | 'stopped';
}

export interface CcrState {
  indices: Map<string, SimIndex>;
  patterns: Map<string, AutoFollowPattern>;
  coordinator: AutoFollowCoordinator;
  transforms: TransformSeed[];
  datafeeds: DatafeedSeed[];
}

export function emptyCcrState(): CcrState {
  return {
    indices: new Map(),
    patterns: new Map(),
    coordinator: {
      successfulFollowIndices: 0,
      failedFollowIndices: 0,
      failedRemoteClusterStateRequests: 0,
      recentErrors: new Map(),
      lastChecked: new Map(),
      metadataVersion: new Map(),
    },
    transforms: [],
    datafeeds: [],
  };
}

/** The follow parameters a task runs with when the request sets none (server TransportResumeFollowAction). */
export const DEFAULT_FOLLOW_PARAMETERS: JsonObject = {
  max_read_request_operation_count: 5120,
  max_write_request_operation_count: 5120,
  max_outstanding_read_requests: 12,
  max_outstanding_write_requests: 9,
  max_read_request_size: '32mb',
  max_write_request_size: '9223372036854775807b',
  max_write_buffer_count: 2147483647,
  max_write_buffer_size: '512mb',
  max_retry_delay: '500ms',
  read_poll_timeout: '1m',
};

const INTEGER_PARAMETERS = [
  'max_read_request_operation_count',
  'max_write_request_operation_count',
  'max_outstanding_read_requests',
  'max_outstanding_write_requests',
  'max_write_buffer_count',
];
const SIZE_PARAMETERS = ['max_read_request_size', 'max_write_request_size', 'max_write_buffer_size'];
const DURATION_PARAMETERS = ['max_retry_delay', 'read_poll_timeout'];
export const FOLLOW_PARAMETER_NAMES = [...INTEGER_PARAMETERS, ...SIZE_PARAMETERS, ...DURATION_PARAMETERS];

/** Bytes a replicated operation counts for in `bytes_read` (the simulator's documents have no size). */
const BYTES_PER_OPERATION = 64;

/** An index uuid: 22 url-safe characters, like Elasticsearch's. */
const indexUuid = () => randomBytes(16).toString('base64url').slice(0, 22);

export const documentsOf = (index: SimIndex) => index.globalCheckpoint + 1;

export function indexNotFound(name: string): ErrorCause {
  return {
    type: 'index_not_found_exception',
    reason: `no such index [${name}]`,
    'resource.type': 'index_or_alias',
    'resource.id': name,
    index_uuid: '_na_',
    index: name,
  };
}

/** Creates a regular index with `documents` documents; the caller checks the name is free and valid. */
export function createIndex(dep: Deployment, name: string, documents = 0): SimIndex {
  const index: SimIndex = { name, uuid: indexUuid(), open: true, globalCheckpoint: documents - 1 };
  dep.ccr.indices.set(name, index);
  return index;
}

/**
 * Resolves an index expression (comma list, `*` wildcards, `_all`) against a deployment's indices,
 * as IndicesOptions STRICT_EXPAND_OPEN_CLOSED does: a missing concrete name is an error, a wildcard
 * matching nothing is not.
 */
export function resolveIndices(dep: Deployment, expression: string): { names: string[] } | { missing: string } {
  const all = [...dep.ccr.indices.keys()].sort();
  const out = new Set<string>();
  for (const part of expression.split(',').filter(Boolean)) {
    if (part === '_all' || part === '*') all.forEach((n) => out.add(n));
    else if (part.includes('*')) all.filter((n) => simpleMatch(part, n)).forEach((n) => out.add(n));
    else if (dep.ccr.indices.has(part)) out.add(part);
    else return { missing: part };
  }
  return { names: [...out].sort() };
}

/** Whether an index expression names everything (server Strings.isAllOrWildcard). */
export const isAllOrWildcard = (expression: string) =>
  expression === '' || expression === '_all' || expression.split(',').every((p) => p === '*');

/** The remote deployment an alias reaches now, or why the follower cannot reach it. */
export type RemoteAccess = { ok: true; remote: Deployment } | { ok: false; status: number; error: ErrorCause };

export function reachRemote(state: SimState, dep: Deployment, alias: string): RemoteAccess {
  const settings = remoteAliases({ ...dep.persistentSettings, ...dep.transientSettings });
  const r = settings.get(alias);
  if (!r) {
    return {
      ok: false,
      status: 404,
      error: { type: 'no_such_remote_cluster_exception', reason: `no such remote cluster: [${alias}]` },
    };
  }
  const verdict = evaluateAlias(state, dep, r);
  if (verdict.connected && verdict.remote) return { ok: true, remote: verdict.remote };
  const reason = verdict.reason ?? `unable to connect to remote cluster [${alias}]`;
  const authentication = /unable to authenticate|authentication expected API key type/.test(reason);
  const failure = authentication ? UNCONFIRMED.ccrRemoteAuthenticationFailure : UNCONFIRMED.ccrRemoteConnectFailure;
  return { ok: false, status: failure.status, error: { type: failure.type, reason } };
}

/**
 * The API-key model's replication check on the remote: the cross-cluster key behind the alias must
 * grant `cross_cluster_replication` on the leader index (its `access.replication[].names`, as the
 * key's derived role descriptor lists them). The certificate model runs as the local user on the
 * remote; the simulator's users are superusers there, so nothing is refused.
 */
export function replicationDenied(
  state: SimState,
  dep: Deployment,
  alias: string,
  remote: Deployment,
  leaderIndex: string,
  action: string,
): ErrorCause | undefined {
  const credential = dep.loadedKeystore[credentialsSetting(alias)];
  if (!credential) return undefined;
  const [id = ''] = Buffer.from(credential.value, 'base64').toString('utf8').split(':');
  const key = remote.apiKeys.find((k) => k.id === id);
  if (!key?.access) return undefined; // connection rules already refused a missing key
  const indices = (crossClusterRoleDescriptor(key.access, remote.version).indices ?? []) as JsonObject[];
  const granted = indices.some(
    (entry) =>
      ((entry.privileges ?? []) as string[]).includes('cross_cluster_replication') &&
      ((entry.names ?? []) as string[]).some((pattern) => simpleMatch(pattern, leaderIndex)),
  );
  if (granted) return undefined;
  const env = environmentOf(state, remote).name;
  return {
    type: 'security_exception',
    reason:
      `action [${action}] towards remote cluster is unauthorized for user [elastic] with assigned roles [superuser] ` +
      `authenticated by API key id [${key.id}] of user [${key.username}] on indices [${leaderIndex}], ` +
      `this action is granted by the index privileges [${UNCONFIRMED.ccrGrantingPrivileges[action] ?? 'all'}]` +
      ` (remote deployment ${remote.id} in ${env})`,
  };
}

/** The leader a follower was created for: same name and same uuid (a re-created index is another index). */
export function leaderOf(remote: Deployment, follower: FollowerState): SimIndex | undefined {
  const leader = remote.ccr.indices.get(follower.leaderIndex);
  return leader && leader.uuid === follower.leaderUuid ? leader : undefined;
}

export function newTask(leader: SimIndex, follower: SimIndex): ShardFollowTask {
  return {
    leaderGlobalCheckpoint: leader.globalCheckpoint,
    lastRequestedSeqNo: follower.globalCheckpoint,
    successfulReadRequests: 0,
    failedReadRequests: 0,
    operationsRead: 0,
    bytesRead: 0,
    successfulWriteRequests: 0,
    operationsWritten: 0,
    lastReadAt: Date.now(),
  };
}

/** A failed read: retryable errors are retried next round (server ShardFollowNodeTask.shouldRetry). */
function readFailed(task: ShardFollowTask, follower: SimIndex, exception: ErrorCause): void {
  task.failedReadRequests += 1;
  const fromSeqNo = follower.globalCheckpoint + 1;
  const retries = task.readException?.fromSeqNo === fromSeqNo ? task.readException.retries + 1 : 1;
  task.readException = { fromSeqNo, retries, exception };
}

/** One read of an active follower: catch up with the leader when reachable and allowed, else record why not. */
function fetchOnce(state: SimState, dep: Deployment, index: SimIndex): void {
  const follower = index.follower!;
  const task = follower.task!;
  task.lastReadAt = Date.now();
  const access = reachRemote(state, dep, follower.remoteCluster);
  if (!access.ok) return readFailed(task, index, access.error);
  const leader = leaderOf(access.remote, follower);
  if (!leader) {
    // The remote has no such index (or another index of that name): not retryable.
    task.fatalException = indexNotFound(follower.leaderIndex);
    return;
  }
  const denied = replicationDenied(
    state,
    dep,
    follower.remoteCluster,
    access.remote,
    leader.name,
    'indices:data/read/xpack/ccr/shard_changes',
  );
  if (denied) return readFailed(task, index, denied);
  if (!leader.open) {
    return readFailed(task, index, {
      type: 'cluster_block_exception',
      reason: `index [${leader.name}] blocked by: [FORBIDDEN/4/index closed];`,
    });
  }
  task.readException = undefined;
  task.leaderGlobalCheckpoint = Math.max(task.leaderGlobalCheckpoint, leader.globalCheckpoint);
  const operations = leader.globalCheckpoint - index.globalCheckpoint;
  if (operations <= 0) return;
  task.successfulReadRequests += 1;
  task.operationsRead += operations;
  task.bytesRead += operations * BYTES_PER_OPERATION;
  task.successfulWriteRequests += 1;
  task.operationsWritten += operations;
  task.lastRequestedSeqNo = leader.globalCheckpoint;
  index.globalCheckpoint = leader.globalCheckpoint;
}

/** A follower being created: by `PUT /<index>/_ccr/follow` or by an auto-follow pattern. */
export interface FollowRequest {
  followerIndex: string;
  remoteCluster: string;
  leaderIndex: string;
  parameters: JsonObject;
}

/**
 * Creates and starts a follower (server TransportPutFollowAction: fetch the leader's metadata through
 * the alias, restore it, start following). Returns the follower, or the status and error ES answers.
 */
export function createFollower(
  state: SimState,
  dep: Deployment,
  request: FollowRequest,
): { index: SimIndex } | { status: number; error: ErrorCause } {
  const invalid = invalidIndexName(request.followerIndex);
  if (invalid) {
    return {
      status: 400,
      error: {
        type: 'invalid_index_name_exception',
        reason: `Invalid index name [${request.followerIndex}], ${invalid}`,
        index_uuid: '_na_',
        index: request.followerIndex,
      },
    };
  }
  const access = reachRemote(state, dep, request.remoteCluster);
  if (!access.ok) return { status: access.status, error: access.error };
  const leader = access.remote.ccr.indices.get(request.leaderIndex);
  if (!leader) return { status: 404, error: indexNotFound(request.leaderIndex) };
  const denied = replicationDenied(
    state,
    dep,
    request.remoteCluster,
    access.remote,
    request.leaderIndex,
    'indices:monitor/stats',
  );
  if (denied) return { status: 403, error: denied };
  const existing = dep.ccr.indices.get(request.followerIndex);
  if (existing) {
    const refusal = UNCONFIRMED.ccrFollowerIndexExists;
    return {
      status: refusal.status,
      error: {
        type: refusal.type,
        reason: `index [${existing.name}/${existing.uuid}] already exists`,
        index_uuid: existing.uuid,
        index: existing.name,
      },
    };
  }
  // The restore copies the leader's documents; following starts from there.
  const index = createIndex(dep, request.followerIndex, documentsOf(leader));
  index.follower = {
    remoteCluster: request.remoteCluster,
    leaderIndex: leader.name,
    leaderUuid: leader.uuid,
    parameters: { ...DEFAULT_FOLLOW_PARAMETERS, ...request.parameters },
  };
  index.follower.task = newTask(leader, index);
  return { index };
}

function leaderMatches(pattern: AutoFollowPattern, leader: SimIndex): boolean {
  return (
    pattern.leaderIndexPatterns.some((p) => simpleMatch(p, leader.name)) &&
    !pattern.leaderIndexExclusionPatterns.some((p) => simpleMatch(p, leader.name))
  );
}

/** Marks the remote's current matching indices as handled: a new pattern follows only later indices. */
export function markExistingLeaders(pattern: AutoFollowPattern, remote: Deployment, onlyPatterns?: string[]): void {
  const probe = onlyPatterns ? { ...pattern, leaderIndexPatterns: onlyPatterns } : pattern;
  for (const leader of remote.ccr.indices.values()) {
    if (leaderMatches(probe, leader) && !pattern.handledLeaderUuids.includes(leader.uuid)) {
      pattern.handledLeaderUuids.push(leader.uuid);
    }
  }
}

/** The auto-follow coordinator's pass over the remote clusters of the active patterns (server AutoFollowCoordinator). */
function autoFollowOnce(state: SimState, dep: Deployment): void {
  const coordinator = dep.ccr.coordinator;
  const active = [...dep.ccr.patterns.values()].filter((p) => p.active);
  for (const alias of new Set(active.map((p) => p.remoteCluster))) {
    coordinator.lastChecked.set(alias, Date.now());
    const patterns = active.filter((p) => p.remoteCluster === alias);
    const access = reachRemote(state, dep, alias);
    if (!access.ok) {
      for (const p of patterns) {
        coordinator.failedRemoteClusterStateRequests += 1;
        coordinator.recentErrors.set(p.name, { timestamp: Date.now(), exception: access.error });
      }
      continue;
    }
    coordinator.metadataVersion.set(alias, access.remote.ccr.indices.size);
    for (const p of patterns) {
      coordinator.recentErrors.delete(p.name);
      const leaders = [...access.remote.ccr.indices.values()]
        .filter((l) => l.open && leaderMatches(p, l) && !p.handledLeaderUuids.includes(l.uuid))
        .sort((a, b) => a.name.localeCompare(b.name));
      for (const leader of leaders) {
        const key = `${p.name}:${leader.name}`;
        const followerIndex = (p.followIndexPattern ?? '{{leader_index}}').split('{{leader_index}}').join(leader.name);
        const result = createFollower(state, dep, {
          followerIndex,
          remoteCluster: alias,
          leaderIndex: leader.name,
          parameters: p.parameters,
        });
        if ('index' in result) {
          p.handledLeaderUuids.push(leader.uuid);
          coordinator.successfulFollowIndices += 1;
          coordinator.recentErrors.delete(key);
        } else {
          // Not marked as handled: the coordinator tries again next round, as Elasticsearch does.
          coordinator.failedFollowIndices += 1;
          coordinator.recentErrors.set(key, { timestamp: Date.now(), exception: result.error });
        }
      }
    }
  }
}

/**
 * One round of replication on a deployment: the auto-follow coordinator, then one read per active,
 * open follower without a fatal failure. Paused followers (no task) read nothing.
 */
export function replicationRound(state: SimState, dep: Deployment): void {
  autoFollowOnce(state, dep);
  for (const index of [...dep.ccr.indices.values()]) {
    const task = index.follower?.task;
    if (task && index.open && !task.fatalException) fetchOnce(state, dep, index);
  }
}

/** Checks and normalises follow parameters (server FollowParameters); returns the error reason. */
export function checkFollowParameters(body: Record<string, unknown>): { parameters: JsonObject } | { error: string } {
  const parameters: JsonObject = {};
  for (const name of FOLLOW_PARAMETER_NAMES) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    if (INTEGER_PARAMETERS.includes(name)) {
      if (typeof value !== 'number' || !Number.isInteger(value)) return { error: `[${name}] must be an integer` };
      if (value < 1) return { error: `[${name}] must be larger than 0` };
      parameters[name] = value;
    } else if (SIZE_PARAMETERS.includes(name)) {
      if (!/^\d+(b|kb|mb|gb|tb|pb)$/i.test(String(value))) {
        return {
          error: `failed to parse setting [${name}] with value [${String(value)}] as a size in bytes: unit is missing or unrecognized`,
        };
      }
      parameters[name] = String(value).toLowerCase();
    } else {
      if (!/^\d+(nanos|micros|ms|s|m|h|d)$/.test(String(value))) {
        return {
          error: `failed to parse setting [${name}] with value [${String(value)}] as a time value: unit is missing or unrecognized`,
        };
      }
      parameters[name] = String(value);
    }
  }
  return { parameters };
}

/** A deployment's index as the code API shows it: documents, checkpoint, follower status. */
export function indexView(index: SimIndex): IndexView {
  const task = index.follower?.task;
  return {
    name: index.name,
    uuid: index.uuid,
    open: index.open,
    documents: documentsOf(index),
    globalCheckpoint: index.globalCheckpoint,
    ...(index.follower
      ? {
          follower: {
            remoteCluster: index.follower.remoteCluster,
            leaderIndex: index.follower.leaderIndex,
            status: task ? ('active' as const) : ('paused' as const),
            ...(task?.readException ? { readFailure: task.readException.exception.reason } : {}),
            ...(task?.fatalException ? { fatalFailure: task.fatalException.reason } : {}),
          },
        }
      : {}),
  };
}
