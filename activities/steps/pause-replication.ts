/**
 * A migration's stop of cross-cluster operations on the local deployment (Elastic's guide, "Stop
 * cross-cluster operations"): the auto-follow patterns of the alias first (so none follows a new
 * index meanwhile), then its follower indices. Exactly those that are active are paused and
 * recorded; what was paused already stays paused and is never resumed by the migration. Followers
 * are paused, never unfollowed: they keep their data and checkpoints and resume where they stopped.
 *
 * Transforms and datafeeds reading through the alias are listed (the gate showed them) and not
 * stopped: they run as their owners, and the guide has their owners restart them.
 */
import { type StepInput } from '../../domain/activities';
import {
  type CreatedResource,
  type ReplicationPauseRecord,
  type ReplicationSet,
  type UndoReport,
} from '../../domain/records';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import {
  autoFollowPatternsThroughAlias,
  followersThroughAlias,
  pauseAutoFollowPattern,
  pauseFollower,
  resumeAutoFollowPattern,
  resumeFollower,
} from '../elasticsearch/ccr';
import { esFor, resourceOn } from './shared';

/** What an earlier attempt of this activity paused (its heartbeat): a retry keeps counting it as paused by the run. */
function pausedBefore(details: unknown): ReplicationSet {
  const d = details as Partial<ReplicationSet> | undefined;
  const names = (v: unknown) => (Array.isArray(v) ? v.filter((n): n is string => typeof n === 'string') : []);
  return { followers: names(d?.followers), patterns: names(d?.patterns) };
}

export function pauseResource(
  input: StepInput,
  kind: 'follower' | 'auto-follow pattern',
  name: string,
): CreatedResource {
  return resourceOn(input.preflight.local, {
    step: 'pause-replication',
    kind: 'replication-pause',
    id: `${kind === 'follower' ? 'follower' : 'pattern'}:${name}`,
    description: `${kind} ${name} (through ${input.request.alias}) paused on ${input.preflight.local.deploymentId}`,
  });
}

const started = (state: string) => state !== 'stopped' && state !== 'closed';

/** Pause and resume calls sent at once: each is a master task, a few at a time keep the cut-over short. */
export const CONCURRENT_CALLS = 8;

/** `fn` over `items`, at most `limit` at a time; the first failure is thrown once all started ones ended. */
export async function atMost<T>(limit: number, items: readonly T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

export async function pauseReplication(
  deps: Deps,
  ctx: StepContext,
  input: StepInput,
): Promise<ReplicationPauseRecord> {
  const es = esFor(deps, input.preflight.local);
  const alias = input.request.alias;
  const before = pausedBefore(ctx.heartbeatDetails);
  // Patterns first, so none follows a new leader while the followers are read and paused.
  const patterns = await autoFollowPatternsThroughAlias(es, alias, ctx.signal);
  const activePatterns = patterns.filter((p) => p.pattern.active).map((p) => p.name);
  // What an earlier attempt paused (its heartbeat) stays this run's, whether or not it is paused now.
  const paused: ReplicationSet = { patterns: [...new Set([...before.patterns, ...activePatterns])], followers: [] };
  // Recorded before the calls: a lost response still counts them as paused by this run.
  ctx.heartbeat({ ...paused, followers: before.followers });
  await atMost(CONCURRENT_CALLS, activePatterns, (name) => pauseAutoFollowPattern(es, name, ctx.signal));
  const followers = await followersThroughAlias(es, alias, ctx.signal);
  const activeFollowers = followers.filter((f) => f.status === 'active').map((f) => f.follower_index);
  paused.followers = [...new Set([...before.followers, ...activeFollowers])];
  ctx.heartbeat(paused);
  await atMost(CONCURRENT_CALLS, activeFollowers, (name) => pauseFollower(es, name, ctx.signal));
  const alreadyPaused: ReplicationSet = {
    patterns: patterns.filter((p) => !p.pattern.active && !paused.patterns.includes(p.name)).map((p) => p.name),
    followers: followers
      .filter((f) => f.status === 'paused' && !paused.followers.includes(f.follower_index))
      .map((f) => f.follower_index),
  };
  const migration = input.preflight.migration;
  const interrupted = {
    transforms: (migration?.transforms ?? []).filter((j) => started(j.state)).map((j) => j.id),
    datafeeds: (migration?.datafeeds ?? []).filter((j) => started(j.state)).map((j) => j.id),
  };
  const jobs = [...interrupted.transforms, ...interrupted.datafeeds];
  return {
    attempt: ctx.attempt,
    created: [
      ...paused.patterns.map((n) => pauseResource(input, 'auto-follow pattern', n)),
      ...paused.followers.map((n) => pauseResource(input, 'follower', n)),
    ],
    detail: [
      `paused ${paused.followers.length} follower(s)${paused.followers.length ? ` (${paused.followers.join(', ')})` : ''} and ${paused.patterns.length} auto-follow pattern(s)${paused.patterns.length ? ` (${paused.patterns.join(', ')})` : ''}`,
      alreadyPaused.followers.length + alreadyPaused.patterns.length
        ? `left paused as found: ${[...alreadyPaused.followers, ...alreadyPaused.patterns].join(', ')}`
        : '',
      jobs.length ? `not stopped, interrupted while the alias switches: ${jobs.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; '),
    paused,
    alreadyPaused,
    interrupted,
  };
}

/**
 * Undo: resume what the pause paused (its result; when the pause did not finish, what the
 * inspection saw active). Resuming reads the remote first: while the alias does not connect the
 * call fails as Transient and the activity retries until it does.
 */
export async function resumePausedReplication(
  deps: Deps,
  ctx: StepContext,
  input: StepInput & { paused?: ReplicationSet },
): Promise<UndoReport> {
  const es = esFor(deps, input.preflight.local);
  const migration = input.preflight.migration;
  const paused: ReplicationSet = input.paused ?? {
    followers: (migration?.followers ?? []).filter((f) => f.status === 'active').map((f) => f.name),
    patterns: (migration?.patterns ?? []).filter((p) => p.active).map((p) => p.name),
  };
  const removed: CreatedResource[] = [];
  // Only those still paused (a forward resume may have resumed them already); a follower gone since is not recreated.
  const now = new Map(
    (await followersThroughAlias(es, input.request.alias, ctx.signal)).map((f) => [f.follower_index, f.status]),
  );
  await atMost(
    CONCURRENT_CALLS,
    paused.followers.filter((f) => now.get(f) === 'paused'),
    async (name) => {
      if ((await resumeFollower(es, name, ctx.signal)) === 'resumed')
        removed.push(pauseResource(input, 'follower', name));
    },
  );
  await atMost(CONCURRENT_CALLS, paused.patterns, async (name) => {
    await resumeAutoFollowPattern(es, name, ctx.signal);
    removed.push(pauseResource(input, 'auto-follow pattern', name));
  });
  return {
    attempt: ctx.attempt,
    removed,
    detail:
      paused.followers.length + paused.patterns.length
        ? `resumed ${[...paused.followers, ...paused.patterns].join(', ')}`
        : 'the run paused nothing',
  };
}

export const activities = { pauseReplication, resumePausedReplication } satisfies StepImplementations;
