/**
 * Cross-cluster replication on the local (follower) cluster, and the jobs that read through a remote
 * alias: what migrating a connection's security model needs to read, pause and resume
 * (docs/sources.md §13). Each call is held to the per-version spec by the version matrix (test/matrix).
 *
 * Version differences (specs/elasticsearch): `master_timeout` on the CCR write APIs and `timeout` on
 * follow stats exist from 8.14; earlier versions refuse them, so they are sent only from 8.14.
 */
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { FailureType } from '../../domain/failures';
import { failureCode, failureStatus } from '../http/classify';
import { type EsClient } from './client';
import { serverVersion, versionAtLeast } from './version';

/** How long a CCR change may wait for the master (sent from 8.14, where the APIs take it). */
export const CCR_MASTER_TIMEOUT = '60s';
/** How long follow stats may wait for the shard follow tasks (sent from 8.14). */
export const CCR_STATS_TIMEOUT = '30s';

/** `GET /<index>/_ccr/info` entry (ES-SPEC ccr.follow_info FollowerIndex). */
export const FollowerIndex = z.looseObject({
  follower_index: z.string(),
  remote_cluster: z.string(),
  leader_index: z.string(),
  status: z.enum(['active', 'paused']),
  /** Present while active. */
  parameters: z.record(z.string(), z.unknown()).optional(),
});
export type FollowerIndex = z.infer<typeof FollowerIndex>;
const FollowInfo = z.looseObject({ follower_indices: z.array(FollowerIndex) });

const ErrorCause = z.looseObject({ type: z.string(), reason: z.string().nullish() });

/** One shard of `GET /<index>/_ccr/stats` (ES-SPEC ccr._types.ShardStats): the fields read. */
export const FollowerShardStats = z.looseObject({
  remote_cluster: z.string(),
  leader_index: z.string(),
  follower_index: z.string(),
  shard_id: z.number(),
  leader_global_checkpoint: z.number(),
  follower_global_checkpoint: z.number(),
  successful_read_requests: z.number(),
  failed_read_requests: z.number(),
  operations_written: z.number(),
  read_exceptions: z.array(z.looseObject({ from_seq_no: z.number(), retries: z.number(), exception: ErrorCause })),
  fatal_exception: ErrorCause.optional(),
});
export type FollowerShardStats = z.infer<typeof FollowerShardStats>;
const FollowStats = z.looseObject({
  indices: z.array(z.looseObject({ index: z.string(), shards: z.array(FollowerShardStats) })),
});

/** `GET /_ccr/auto_follow` entry (ES-SPEC ccr.get_auto_follow_pattern AutoFollowPattern). */
export const AutoFollowPattern = z.looseObject({
  name: z.string(),
  pattern: z.looseObject({
    active: z.boolean(),
    remote_cluster: z.string(),
    leader_index_patterns: z.array(z.string()),
    leader_index_exclusion_patterns: z.array(z.string()).optional(),
    follow_index_pattern: z.string().nullish(),
  }),
});
export type AutoFollowPattern = z.infer<typeof AutoFollowPattern>;
const AutoFollowPatterns = z.looseObject({ patterns: z.array(AutoFollowPattern) });

/** `GET /_transform` entry (ES-SPEC transform.get_transform TransformSummary): the fields read. */
const Transform = z.looseObject({
  id: z.string(),
  source: z.looseObject({ index: z.union([z.string(), z.array(z.string())]) }),
  dest: z.looseObject({ index: z.string() }),
});
const Transforms = z.looseObject({ count: z.number(), transforms: z.array(Transform) });
const TransformStats = z.looseObject({
  count: z.number(),
  transforms: z.array(z.looseObject({ id: z.string(), state: z.string() })),
});

/** `GET /_ml/datafeeds` entry (ES-SPEC ml.get_datafeeds Datafeed): the fields read. */
const Datafeed = z.looseObject({ datafeed_id: z.string(), job_id: z.string(), indices: z.array(z.string()) });
const Datafeeds = z.looseObject({ count: z.number(), datafeeds: z.array(Datafeed) });
const DatafeedStats = z.looseObject({
  count: z.number(),
  datafeeds: z.array(z.looseObject({ datafeed_id: z.string(), state: z.string() })),
});

/** An index expression in a path: each name encoded, the commas between them kept. */
const index = (names: string) => names.split(',').map(encodeURIComponent).join(',');

/** `master_timeout` where the version takes it (8.14+), else nothing. */
async function masterTimeout(es: EsClient, signal?: AbortSignal): Promise<{ master_timeout?: string }> {
  return versionAtLeast(await serverVersion(es, signal), '8.14') ? { master_timeout: CCR_MASTER_TIMEOUT } : {};
}

/** `GET /<indices>/_ccr/info`: every follower index among `indices` (default all), active or paused. */
export async function getFollowerInfo(es: EsClient, indices = '_all', signal?: AbortSignal): Promise<FollowerIndex[]> {
  const res = await es.http.request({
    method: 'GET',
    path: `/${index(indices)}/_ccr/info`,
    query: await masterTimeout(es, signal),
    schema: FollowInfo,
    signal,
  });
  return res.body.follower_indices;
}

/** The follower indices that replicate through `alias` (their `remote_cluster`). */
export async function followersThroughAlias(es: EsClient, alias: string, signal?: AbortSignal) {
  return (await getFollowerInfo(es, '_all', signal)).filter((f) => f.remote_cluster === alias);
}

/** A 400 whose Elasticsearch error type and reason say the call had nothing to do. */
async function idempotent(call: Promise<unknown>, type: string, reason: RegExp): Promise<'done' | 'already'> {
  try {
    await call;
    return 'done';
  } catch (err) {
    if (failureStatus(err) === 400 && failureCode(err) === type && reason.test((err as Error).message)) {
      return 'already';
    }
    throw remoteUnreachable(explainRemoteDenial(err));
  }
}

/**
 * Elasticsearch error types that mean the remote cluster was not reached through the alias. Which
 * status they come with is UNCONFIRMED (docs/sources.md §13): whatever it is, they are Transient,
 * because while a migration switches the alias it is briefly absent or not yet connected.
 */
const REMOTE_UNREACHABLE = new Set([
  'connect_transport_exception',
  'no_such_remote_cluster_exception',
  'node_not_connected_exception',
  'node_disconnected_exception',
  'no_seed_node_left_exception',
]);

function remoteUnreachable(err: unknown): unknown {
  const code = failureCode(err);
  if (!(err instanceof ApplicationFailure) || code === undefined || !REMOTE_UNREACHABLE.has(code)) return err;
  // The classified message ends with what to fix (after its last ': '): replaced by what happens.
  const said = err.message.slice(0, err.message.lastIndexOf(': '));
  return ApplicationFailure.create({
    message: `${said}: the remote cluster is not reachable through the alias yet; will retry`,
    type: FailureType.Transient,
    nonRetryable: false,
    details: err.details as unknown[],
  });
}

/**
 * A 403 raised on the remote (the cross-cluster API key lacks `replication` for the leader): the
 * generic message points at the local credentials, so say which credential to fix.
 */
function explainRemoteDenial(err: unknown): unknown {
  if (
    failureStatus(err) !== 403 ||
    !(err instanceof ApplicationFailure) ||
    !/towards remote cluster/.test(err.message)
  ) {
    return err;
  }
  return ApplicationFailure.create({
    message: `${err.message} (the remote refused it: the cross-cluster API key of this alias must grant access.replication on the leader index)`,
    type: FailureType.Forbidden,
    nonRetryable: true,
    details: err.details as unknown[],
  });
}

/** `POST /<index>/_ccr/pause_follow`; an already paused follower is `already-paused`. */
export async function pauseFollower(
  es: EsClient,
  follower: string,
  signal?: AbortSignal,
): Promise<'paused' | 'already-paused'> {
  const call = es.http.request({
    method: 'POST',
    path: `/${index(follower)}/_ccr/pause_follow`,
    query: await masterTimeout(es, signal),
    signal,
  });
  const outcome = await idempotent(call, 'illegal_argument_exception', /no shard follow tasks for \[/);
  return outcome === 'done' ? 'paused' : 'already-paused';
}

/**
 * `POST /<index>/_ccr/resume_follow`: the follower reads from its checkpoint again. An active
 * follower is `already-active`. The remote must be reachable (the leader's metadata is read first):
 * a connection failure is Transient, so the activity retries until the alias connects.
 */
export async function resumeFollower(
  es: EsClient,
  follower: string,
  signal?: AbortSignal,
): Promise<'resumed' | 'already-active'> {
  const call = es.http.request({
    method: 'POST',
    path: `/${index(follower)}/_ccr/resume_follow`,
    query: await masterTimeout(es, signal),
    body: {},
    signal,
  });
  const outcome = await idempotent(call, 'resource_already_exists_exception', /task with id \{.*\} already exist/);
  return outcome === 'done' ? 'resumed' : 'already-active';
}

/**
 * `GET /<indices>/_ccr/stats`: shard stats of the active followers among `indices`. Followers without
 * a shard follow task (paused) have none: a list naming only paused followers is an empty list.
 */
export async function getFollowerStats(
  es: EsClient,
  indices: readonly string[] | '_all' = '_all',
  signal?: AbortSignal,
): Promise<FollowerShardStats[]> {
  const names = indices === '_all' ? '_all' : indices.join(',');
  const version = await serverVersion(es, signal);
  const res = await es.http.request({
    method: 'GET',
    path: `/${index(names)}/_ccr/stats`,
    query: versionAtLeast(version, '8.14') ? { timeout: CCR_STATS_TIMEOUT } : undefined,
    schema: FollowStats,
    accept: [404],
    signal,
  });
  if (res.status === 404) return [];
  return res.body.indices.flatMap((i) => i.shards);
}

/** Where a follower shard stands, from its stats. */
export type FollowingState =
  | { state: 'following' }
  | { state: 'lagging'; operationsBehind: number }
  | { state: 'failing'; reason: string; retries: number }
  | { state: 'stopped'; reason: string };

/**
 * `following` when it reads without error and has what the leader had at its last read;
 * `failing` while reads fail with a retryable error (connection, security); `stopped` after a fatal one
 * (pause and resume to restart it).
 */
export function followingState(shard: FollowerShardStats): FollowingState {
  if (shard.fatal_exception) {
    return { state: 'stopped', reason: `${shard.fatal_exception.type}: ${shard.fatal_exception.reason ?? ''}` };
  }
  const failing = shard.read_exceptions[0];
  if (failing) {
    return {
      state: 'failing',
      reason: `${failing.exception.type}: ${failing.exception.reason ?? ''}`,
      retries: failing.retries,
    };
  }
  const behind = shard.leader_global_checkpoint - shard.follower_global_checkpoint;
  return behind > 0 ? { state: 'lagging', operationsBehind: behind } : { state: 'following' };
}

/** `GET /_ccr/auto_follow`: every auto-follow pattern. */
export async function getAutoFollowPatterns(es: EsClient, signal?: AbortSignal): Promise<AutoFollowPattern[]> {
  const res = await es.http.request({
    method: 'GET',
    path: '/_ccr/auto_follow',
    query: await masterTimeout(es, signal),
    schema: AutoFollowPatterns,
    signal,
  });
  return res.body.patterns;
}

/** The auto-follow patterns that follow indices of `alias`. */
export async function autoFollowPatternsThroughAlias(es: EsClient, alias: string, signal?: AbortSignal) {
  return (await getAutoFollowPatterns(es, signal)).filter((p) => p.pattern.remote_cluster === alias);
}

/** `POST /_ccr/auto_follow/<name>/pause`: idempotent (pausing a paused pattern acknowledges). */
export async function pauseAutoFollowPattern(es: EsClient, name: string, signal?: AbortSignal): Promise<void> {
  await es.http.request({
    method: 'POST',
    path: `/_ccr/auto_follow/${encodeURIComponent(name)}/pause`,
    query: await masterTimeout(es, signal),
    signal,
  });
}

/** `POST /_ccr/auto_follow/<name>/resume`: idempotent; indices created while paused are followed. */
export async function resumeAutoFollowPattern(es: EsClient, name: string, signal?: AbortSignal): Promise<void> {
  await es.http.request({
    method: 'POST',
    path: `/_ccr/auto_follow/${encodeURIComponent(name)}/resume`,
    query: await masterTimeout(es, signal),
    signal,
  });
}

/**
 * Whether an index expression (`logs-*`, `a:logs-*,b*:metrics`) reads through `alias`: a
 * `<cluster>:<index>` part whose cluster part, with `*` wildcards, matches the alias.
 */
export function readsThroughAlias(expressions: string | readonly string[], alias: string): boolean {
  const parts = (typeof expressions === 'string' ? [expressions] : expressions).flatMap((e) => e.split(','));
  return parts.some((part) => {
    const colon = part.indexOf(':');
    if (colon < 0 || part.startsWith('-')) return false;
    const cluster = part.slice(0, colon).trim();
    const pattern = cluster
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    return new RegExp(`^${pattern}$`).test(alias);
  });
}

export interface JobSource {
  id: string;
  /** Its source indices as configured. */
  indices: string[];
  state: string;
}

const TRANSFORM_PAGE = 1000;

/** `GET /_transform` (paged) with `GET /_transform/_all/_stats` for their states. */
export async function listTransforms(es: EsClient, signal?: AbortSignal): Promise<JobSource[]> {
  const transforms: Array<z.infer<typeof Transform>> = [];
  for (let from = 0; ; from += TRANSFORM_PAGE) {
    const res = await es.http.request({
      method: 'GET',
      path: '/_transform',
      query: { from, size: TRANSFORM_PAGE },
      schema: Transforms,
      signal,
    });
    transforms.push(...res.body.transforms);
    if (res.body.transforms.length < TRANSFORM_PAGE || transforms.length >= res.body.count) break;
  }
  const states = new Map<string, string>();
  for (let from = 0; from < transforms.length; from += TRANSFORM_PAGE) {
    const res = await es.http.request({
      method: 'GET',
      path: '/_transform/_all/_stats',
      query: { from, size: TRANSFORM_PAGE },
      schema: TransformStats,
      signal,
    });
    for (const t of res.body.transforms) states.set(t.id, t.state);
  }
  return transforms.map((t) => ({
    id: t.id,
    indices: typeof t.source.index === 'string' ? [t.source.index] : t.source.index,
    state: states.get(t.id) ?? 'unknown',
  }));
}

/** `GET /_ml/datafeeds` with `GET /_ml/datafeeds/_stats` for their states. */
export async function listDatafeeds(es: EsClient, signal?: AbortSignal): Promise<JobSource[]> {
  const [feeds, stats] = [
    await es.http.request({ method: 'GET', path: '/_ml/datafeeds', schema: Datafeeds, signal }),
    await es.http.request({ method: 'GET', path: '/_ml/datafeeds/_stats', schema: DatafeedStats, signal }),
  ];
  const states = new Map(stats.body.datafeeds.map((d) => [d.datafeed_id, d.state]));
  return feeds.body.datafeeds.map((d) => ({
    id: d.datafeed_id,
    indices: d.indices,
    state: states.get(d.datafeed_id) ?? 'unknown',
  }));
}

/** The transforms and datafeeds whose source indices name `alias` (`<alias>:<index>`). */
export async function jobsReadingThroughAlias(
  es: EsClient,
  alias: string,
  signal?: AbortSignal,
): Promise<{ transforms: JobSource[]; datafeeds: JobSource[] }> {
  const through = (jobs: JobSource[]) => jobs.filter((j) => readsThroughAlias(j.indices, alias));
  return {
    transforms: through(await listTransforms(es, signal)),
    datafeeds: through(await listDatafeeds(es, signal)),
  };
}
