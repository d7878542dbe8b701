/**
 * Cross-cluster replication REST APIs on a deployment (the follower's side), and index open/close
 * (unfollow needs a closed follower). Behaviour from the Elasticsearch server's CCR transport actions
 * (docs/sources.md §13); the model in simulator/ccr-model.ts. Each handler first runs one replication
 * round on the deployment: the time between two requests is when followers read from their leaders.
 */
import { type CcrRouteId } from './api';
import {
  type AutoFollowPattern,
  type ErrorCause,
  type SimIndex,
  type ShardFollowTask,
  checkFollowParameters,
  createFollower,
  indexNotFound,
  isAllOrWildcard,
  leaderOf,
  markExistingLeaders,
  newTask,
  reachRemote,
  replicationDenied,
  replicationRound,
  resolveIndices,
  DEFAULT_FOLLOW_PARAMETERS,
} from './ccr-model';
import { simpleMatch } from './index-names';
import { esError } from './es-errors';
import { type Reply, type SimRequest } from './server';
import { type Deployment, type JsonObject, type SimState } from './state';
import { UNCONFIRMED } from './unconfirmed';

/** A route a module adds to a deployment's Elasticsearch listener (simulator/es-site.ts). */
export interface EsRoute {
  method: string;
  pattern: string;
  id: CcrRouteId;
  handler: (req: SimRequest) => Reply;
}

const acknowledged: Reply = { status: 200, body: { acknowledged: true } };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An ErrorCause as Elasticsearch's error reply. */
export function causeReply(status: number, cause: ErrorCause): Reply {
  const { type, reason, ...extra } = cause;
  return esError(status, type, reason, extra);
}

/** `Validation Failed: 1: a;2: b;` (server ActionRequestValidationException). */
function validationFailed(problems: string[]): Reply {
  const reason = `Validation Failed: ${problems.map((p, i) => `${i + 1}: ${p};`).join('')}`;
  return esError(400, 'action_request_validation_exception', reason);
}

/** Follow parameters of a body: refused as the request parser refuses them (UNCONFIRMED wording). */
function parametersOf(body: Record<string, unknown>, parser: string): { parameters: JsonObject } | { reply: Reply } {
  const checked = checkFollowParameters(body);
  if ('parameters' in checked) return checked;
  if (checked.error.endsWith('must be larger than 0')) return { reply: validationFailed([checked.error]) };
  const field = /\[([a-z_]+)\]/.exec(checked.error)?.[1] ?? '';
  return {
    reply: esError(400, 'x_content_parse_exception', `[${parser}] failed to parse field [${field}]`, {
      caused_by: { type: 'illegal_argument_exception', reason: checked.error },
    }),
  };
}

/** `wait_for_active_shards`: `0` (the default) answers before the follower's shard is active. */
function waitsForShards(req: SimRequest): boolean {
  const value = req.query.get('wait_for_active_shards') ?? '0';
  return value !== '0' && value !== 'none';
}

function putFollow(state: SimState, dep: Deployment, req: SimRequest): Reply {
  const body = req.body;
  if (!isObject(body)) return esError(400, 'parse_exception', 'request body is required');
  const problems: string[] = [];
  if (typeof body.remote_cluster !== 'string') problems.push('[remote_cluster] is missing');
  if (typeof body.leader_index !== 'string') problems.push('[leader_index] is missing');
  if (problems.length > 0) return validationFailed(problems);
  const params = parametersOf(body, UNCONFIRMED.esUnknownFieldParser['ccr.follow']!);
  if ('reply' in params) return params.reply;
  const result = createFollower(state, dep, {
    followerIndex: req.params.index!,
    remoteCluster: body.remote_cluster as string,
    leaderIndex: body.leader_index as string,
    parameters: params.parameters,
  });
  if ('error' in result) return causeReply(result.status, result.error);
  const waited = waitsForShards(req);
  return {
    status: 200,
    body: { follow_index_created: true, follow_index_shards_acked: waited, index_following_started: waited },
  };
}

function followerIndex(dep: Deployment, name: string): { index: SimIndex } | { reply: Reply } {
  const index = dep.ccr.indices.get(name);
  return index ? { index } : { reply: causeReply(404, indexNotFound(name)) };
}

function pauseFollow(dep: Deployment, req: SimRequest): Reply {
  const found = followerIndex(dep, req.params.index!);
  if ('reply' in found) return found.reply;
  const { index } = found;
  if (!index.follower)
    return esError(400, 'illegal_argument_exception', `index [${index.name}] is not a follower index`);
  if (!index.follower.task)
    return esError(400, 'illegal_argument_exception', `no shard follow tasks for [${index.name}]`);
  delete index.follower.task;
  return acknowledged;
}

function resumeFollow(state: SimState, dep: Deployment, req: SimRequest): Reply {
  const body = isObject(req.body) ? req.body : {};
  const params = parametersOf(body, UNCONFIRMED.esUnknownFieldParser['ccr.resume_follow']!);
  if ('reply' in params) return params.reply;
  const found = followerIndex(dep, req.params.index!);
  if ('reply' in found) return found.reply;
  const { index } = found;
  const follower = index.follower;
  if (!follower) {
    return esError(400, 'illegal_argument_exception', `follow index [${index.name}] does not have ccr metadata`);
  }
  // The leader's metadata is read through the alias before anything else is checked.
  const access = reachRemote(state, dep, follower.remoteCluster);
  if (!access.ok) return causeReply(access.status, access.error);
  const current = access.remote.ccr.indices.get(follower.leaderIndex);
  if (!current) return causeReply(404, indexNotFound(follower.leaderIndex));
  const denied = replicationDenied(
    state,
    dep,
    follower.remoteCluster,
    access.remote,
    current.name,
    'indices:monitor/stats',
  );
  if (denied) return causeReply(403, denied);
  const leader = leaderOf(access.remote, follower);
  if (!leader) {
    return esError(
      400,
      'illegal_argument_exception',
      `follow index [${index.name}] should reference [${current.uuid}] as leader index but instead reference [${follower.leaderUuid}] as leader index`,
    );
  }
  if (!leader.open || !index.open)
    return esError(400, 'illegal_argument_exception', 'leader and follow index must be open');
  if (follower.task) {
    return esError(400, 'resource_already_exists_exception', `task with id {${index.uuid}-0} already exist`);
  }
  follower.parameters = { ...DEFAULT_FOLLOW_PARAMETERS, ...params.parameters };
  follower.task = newTask(leader, index);
  return acknowledged;
}

/** `<local cluster>/<follower>/<uuid>-following-<alias>/<leader>/<uuid>` (server CcrRetentionLeases). */
function retentionLeaseId(dep: Deployment, index: SimIndex): string {
  const f = index.follower!;
  return `${dep.clusterId}/${index.name}/${index.uuid}-following-${f.remoteCluster}/${f.leaderIndex}/${f.leaderUuid}`;
}

function unfollow(state: SimState, dep: Deployment, req: SimRequest): Reply {
  const found = followerIndex(dep, req.params.index!);
  if ('reply' in found) return found.reply;
  const { index } = found;
  const follower = index.follower;
  if (!follower) return esError(400, 'illegal_argument_exception', `index [${index.name}] is not a follower index`);
  const refuse = (why: string) =>
    esError(
      400,
      'illegal_argument_exception',
      `cannot convert the follower index [${index.name}] to a non-follower, because it has not been ${why}`,
    );
  if (index.open) return refuse('closed');
  if (follower.task) return refuse('paused');
  const leaseId = retentionLeaseId(dep, index);
  delete index.follower;
  // The index is a regular index now; removing the leader's retention lease needs the remote.
  const access = reachRemote(state, dep, follower.remoteCluster);
  if (access.ok) return acknowledged;
  const failure = UNCONFIRMED.ccrUnfollowLeaseFailure;
  return esError(failure.status, failure.type, access.error.reason, {
    failed_to_remove_retention_leases: leaseId,
    caused_by: access.error,
  });
}

function setOpen(dep: Deployment, req: SimRequest, open: boolean): Reply {
  const resolved = resolveIndices(dep, req.params.index!);
  if ('missing' in resolved) return causeReply(404, indexNotFound(resolved.missing));
  for (const name of resolved.names) dep.ccr.indices.get(name)!.open = open;
  const body = open
    ? { acknowledged: true, shards_acknowledged: true }
    : {
        acknowledged: true,
        shards_acknowledged: true,
        indices: Object.fromEntries(resolved.names.map((n) => [n, { closed: true }])),
      };
  return { status: 200, body };
}

function followInfo(dep: Deployment, req: SimRequest): Reply {
  const resolved = resolveIndices(dep, req.params.index!);
  if ('missing' in resolved) return causeReply(404, indexNotFound(resolved.missing));
  const followers = resolved.names.map((n) => dep.ccr.indices.get(n)!).filter((i) => i.follower);
  return {
    status: 200,
    body: {
      follower_indices: followers.map((i) => ({
        follower_index: i.name,
        remote_cluster: i.follower!.remoteCluster,
        leader_index: i.follower!.leaderIndex,
        status: i.follower!.task ? 'active' : 'paused',
        ...(i.follower!.task ? { parameters: i.follower!.parameters } : {}),
      })),
    },
  };
}

/** One shard's stats (spec ccr._types.ShardStats; server ShardFollowNodeTaskStatus). */
function shardStats(index: SimIndex, task: ShardFollowTask): JsonObject {
  const f = index.follower!;
  return {
    remote_cluster: f.remoteCluster,
    leader_index: f.leaderIndex,
    follower_index: index.name,
    shard_id: 0,
    leader_global_checkpoint: task.leaderGlobalCheckpoint,
    leader_max_seq_no: task.leaderGlobalCheckpoint,
    follower_global_checkpoint: index.globalCheckpoint,
    follower_max_seq_no: index.globalCheckpoint,
    last_requested_seq_no: task.lastRequestedSeqNo,
    outstanding_read_requests: task.readException ? 1 : 0,
    outstanding_write_requests: 0,
    write_buffer_operation_count: 0,
    write_buffer_size_in_bytes: 0,
    follower_mapping_version: 1,
    follower_settings_version: 1,
    follower_aliases_version: 1,
    total_read_time_millis: 0,
    total_read_remote_exec_time_millis: 0,
    successful_read_requests: task.successfulReadRequests,
    failed_read_requests: task.failedReadRequests,
    operations_read: task.operationsRead,
    bytes_read: task.bytesRead,
    total_write_time_millis: 0,
    successful_write_requests: task.successfulWriteRequests,
    failed_write_requests: 0,
    operations_written: task.operationsWritten,
    read_exceptions: task.readException
      ? [
          {
            from_seq_no: task.readException.fromSeqNo,
            retries: task.readException.retries,
            exception: task.readException.exception,
          },
        ]
      : [],
    time_since_last_read_millis: Math.max(0, Date.now() - task.lastReadAt),
    ...(task.fatalException ? { fatal_exception: task.fatalException } : {}),
  };
}

function indexStats(index: SimIndex): JsonObject {
  return { index: index.name, shards: [shardStats(index, index.follower!.task!)] };
}

const activeFollowers = (dep: Deployment) =>
  [...dep.ccr.indices.values()].filter((i) => i.follower?.task).sort((a, b) => a.name.localeCompare(b.name));

function followStats(dep: Deployment, req: SimRequest): Reply {
  const expression = req.params.index!;
  const parts = expression.split(',').filter(Boolean);
  const active = activeFollowers(dep);
  const named = isAllOrWildcard(expression) ? active : active.filter((i) => parts.some((p) => simpleMatch(p, i.name)));
  if (!isAllOrWildcard(expression) && named.length === 0) {
    return esError(
      404,
      'resource_not_found_exception',
      `No shard follow tasks for follower indices [${parts.join(',')}]`,
    );
  }
  return { status: 200, body: { indices: named.map(indexStats) } };
}

function ccrStats(dep: Deployment): Reply {
  const c = dep.ccr.coordinator;
  const aliases = new Set([...dep.ccr.patterns.values()].filter((p) => p.active).map((p) => p.remoteCluster));
  return {
    status: 200,
    body: {
      auto_follow_stats: {
        number_of_failed_follow_indices: c.failedFollowIndices,
        number_of_failed_remote_cluster_state_requests: c.failedRemoteClusterStateRequests,
        number_of_successful_follow_indices: c.successfulFollowIndices,
        recent_auto_follow_errors: [...c.recentErrors.entries()].map(([key, e]) => ({
          leader_index: key,
          timestamp: e.timestamp,
          auto_follow_exception: e.exception,
        })),
        auto_followed_clusters: [...aliases].sort().map((alias) => ({
          cluster_name: alias,
          time_since_last_check_millis: Math.max(0, Date.now() - (c.lastChecked.get(alias) ?? Date.now())),
          last_seen_metadata_version: c.metadataVersion.get(alias) ?? 0,
        })),
      },
      follow_stats: { indices: activeFollowers(dep).map(indexStats) },
    },
  };
}

/** `[name] must not ...` (server PutAutoFollowPatternAction.Request.validate). */
function patternNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.startsWith('_')) problems.push("[name] must not start with a '_'");
  if (name.includes('#')) problems.push("[name] must not contain a '#'");
  if (name.includes(',')) problems.push("[name] must not contain a ','");
  if (name.includes(' ')) problems.push('[name] must not contain a space');
  if (name.toLowerCase() !== name) problems.push('[name] must be lower cased');
  return problems;
}

const stringList = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;

function putPattern(state: SimState, dep: Deployment, req: SimRequest): Reply {
  const name = req.params.name!;
  const body = req.body;
  if (!isObject(body)) return esError(400, 'parse_exception', 'request body is required');
  const patterns = stringList(body.leader_index_patterns);
  const problems = patternNameProblems(name);
  if (typeof body.remote_cluster !== 'string') problems.push('[remote_cluster] is missing');
  if (!patterns || patterns.length === 0) problems.push('[leader_index_patterns] is missing');
  if (problems.length > 0) return validationFailed(problems);
  const params = parametersOf(body, UNCONFIRMED.esUnknownFieldParser['ccr.put_auto_follow_pattern']!);
  if ('reply' in params) return params.reply;
  const alias = body.remote_cluster as string;
  // The remote's current indices are read so that only later ones are followed.
  const access = reachRemote(state, dep, alias);
  if (!access.ok) return causeReply(access.status, access.error);
  const previous = dep.ccr.patterns.get(name);
  const pattern: AutoFollowPattern = {
    name,
    remoteCluster: alias,
    leaderIndexPatterns: patterns!,
    leaderIndexExclusionPatterns: stringList(body.leader_index_exclusion_patterns) ?? [],
    ...(typeof body.follow_index_pattern === 'string' ? { followIndexPattern: body.follow_index_pattern } : {}),
    settings: isObject(body.settings) ? (body.settings as JsonObject) : {},
    parameters: params.parameters,
    active: previous ? previous.active && UNCONFIRMED.ccrPutKeepsPausedPattern : true,
    handledLeaderUuids: previous ? [...previous.handledLeaderUuids] : [],
  };
  // An update marks only the leader patterns it adds (server TransportPutAutoFollowPatternAction).
  const added = previous
    ? pattern.leaderIndexPatterns.filter((p) => !previous.leaderIndexPatterns.includes(p))
    : undefined;
  markExistingLeaders(pattern, access.remote, added);
  dep.ccr.patterns.set(name, pattern);
  return acknowledged;
}

function patternView(p: AutoFollowPattern): JsonObject {
  return {
    name: p.name,
    pattern: {
      active: p.active,
      remote_cluster: p.remoteCluster,
      leader_index_patterns: p.leaderIndexPatterns,
      leader_index_exclusion_patterns: p.leaderIndexExclusionPatterns,
      ...(p.followIndexPattern !== undefined ? { follow_index_pattern: p.followIndexPattern } : {}),
      ...(Object.keys(p.settings).length > 0 ? { settings: p.settings } : {}),
      ...p.parameters,
    },
  };
}

const patternMissing = (name: string) =>
  esError(404, 'resource_not_found_exception', `auto-follow pattern [${name}] is missing`);

function getPatterns(dep: Deployment, req: SimRequest): Reply {
  const name = req.params.name;
  if (name !== undefined) {
    const p = dep.ccr.patterns.get(name);
    return p ? { status: 200, body: { patterns: [patternView(p)] } } : patternMissing(name);
  }
  const all = [...dep.ccr.patterns.values()].sort((a, b) => a.name.localeCompare(b.name));
  return { status: 200, body: { patterns: all.map(patternView) } };
}

function deletePattern(dep: Deployment, req: SimRequest): Reply {
  const name = req.params.name!;
  if (!dep.ccr.patterns.delete(name)) return patternMissing(name);
  for (const key of [...dep.ccr.coordinator.recentErrors.keys()]) {
    if (key === name || key.startsWith(`${name}:`)) dep.ccr.coordinator.recentErrors.delete(key);
  }
  return acknowledged;
}

function activatePattern(dep: Deployment, req: SimRequest, active: boolean): Reply {
  const name = req.params.name!;
  const p = dep.ccr.patterns.get(name);
  if (!p) return patternMissing(name);
  p.active = active;
  return acknowledged;
}

/** The CCR routes of one deployment, each behind a replication round. */
export function ccrRoutes(state: SimState, dep: Deployment): EsRoute[] {
  const route = (method: string, pattern: string, id: CcrRouteId, handle: (req: SimRequest) => Reply): EsRoute => ({
    method,
    pattern,
    id,
    handler: (req) => {
      replicationRound(state, dep);
      return handle(req);
    },
  });
  return [
    route('GET', '/_ccr/stats', 'ccr.stats', () => ccrStats(dep)),
    route('GET', '/_ccr/auto_follow', 'ccr.get_auto_follow_pattern', (r) => getPatterns(dep, r)),
    route('GET', '/_ccr/auto_follow/{name}', 'ccr.get_auto_follow_pattern', (r) => getPatterns(dep, r)),
    route('PUT', '/_ccr/auto_follow/{name}', 'ccr.put_auto_follow_pattern', (r) => putPattern(state, dep, r)),
    route('DELETE', '/_ccr/auto_follow/{name}', 'ccr.delete_auto_follow_pattern', (r) => deletePattern(dep, r)),
    route('POST', '/_ccr/auto_follow/{name}/pause', 'ccr.pause_auto_follow_pattern', (r) =>
      activatePattern(dep, r, false),
    ),
    route('POST', '/_ccr/auto_follow/{name}/resume', 'ccr.resume_auto_follow_pattern', (r) =>
      activatePattern(dep, r, true),
    ),
    route('PUT', '/{index}/_ccr/follow', 'ccr.follow', (r) => putFollow(state, dep, r)),
    route('POST', '/{index}/_ccr/pause_follow', 'ccr.pause_follow', (r) => pauseFollow(dep, r)),
    route('POST', '/{index}/_ccr/resume_follow', 'ccr.resume_follow', (r) => resumeFollow(state, dep, r)),
    route('POST', '/{index}/_ccr/unfollow', 'ccr.unfollow', (r) => unfollow(state, dep, r)),
    route('GET', '/{index}/_ccr/info', 'ccr.follow_info', (r) => followInfo(dep, r)),
    route('GET', '/{index}/_ccr/stats', 'ccr.follow_stats', (r) => followStats(dep, r)),
    route('POST', '/{index}/_close', 'indices.close', (r) => setOpen(dep, r, false)),
    route('POST', '/{index}/_open', 'indices.open', (r) => setOpen(dep, r, true)),
  ];
}
