/**
 * A migration's resume of cross-cluster operations (Elastic's guide, "Resume cross-cluster
 * operations"): exactly the auto-follow patterns and followers the pause paused, nothing else, and
 * a wait until every resumed follower reads from its leader again through the API key connection.
 * A resumed follower is a new shard follow task (fresh counters), so "following again" is, from its
 * follow stats, no retrying or fatal read failure and either a read since the resume or nothing to
 * read (its checkpoint at the leader's, as the task read it when it started).
 */
import { ApplicationFailure } from '@temporalio/common';
import { type StepInput } from '../../domain/activities';
import { FailureType } from '../../domain/failures';
import { durationToMs } from '../../domain/ids';
import { type ReplicationResumeRecord, type ReplicationSet } from '../../domain/records';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import {
  type FollowerShardStats,
  followingState,
  getFollowerStats,
  resumeAutoFollowPattern,
  resumeFollower,
} from '../elasticsearch/ccr';
import { type EsClient } from '../elasticsearch/client';
import { sleep } from '../wait';
import { CONCURRENT_CALLS, atMost } from './pause-replication';
import { esFor } from './shared';

/** One follower as its shards' stats show it now. */
export type FollowerReading =
  | { follower: string; state: 'following'; operationsBehind: number }
  | { follower: string; state: 'waiting'; why: string }
  | { follower: string; state: 'stopped'; why: string };

/** Where a resumed follower stands: following (read since the resume, no failure), still waiting, or stopped (fatal). */
export function readFollower(follower: string, shards: readonly FollowerShardStats[]): FollowerReading {
  if (shards.length === 0) return { follower, state: 'waiting', why: 'no shard follow task yet' };
  let behind = 0;
  for (const shard of shards) {
    const state = followingState(shard);
    if (state.state === 'stopped') return { follower, state: 'stopped', why: state.reason };
    if (state.state === 'failing') {
      return { follower, state: 'waiting', why: `reads fail (${state.retries} retries): ${state.reason}` };
    }
    // Elasticsearch counts only reads that brought operations ("polls" do not count): a follower
    // caught up with the leader's checkpoint as its task read it has nothing to read yet.
    const caughtUp = shard.follower_global_checkpoint >= shard.leader_global_checkpoint;
    if (shard.successful_read_requests === 0 && !caughtUp) {
      return { follower, state: 'waiting', why: 'no read yet since the resume' };
    }
    if (state.state === 'lagging') behind += state.operationsBehind;
  }
  return { follower, state: 'following', operationsBehind: behind };
}

async function readAll(es: EsClient, followers: readonly string[], signal: AbortSignal): Promise<FollowerReading[]> {
  const shards = await getFollowerStats(es, followers, signal);
  return followers.map((f) =>
    readFollower(
      f,
      shards.filter((s) => s.follower_index === f),
    ),
  );
}

export async function resumeReplication(
  deps: Deps,
  ctx: StepContext,
  input: StepInput & { paused: ReplicationSet },
): Promise<ReplicationResumeRecord> {
  const es = esFor(deps, input.preflight.local);
  const { followers, patterns } = input.paused;
  await atMost(CONCURRENT_CALLS, patterns, (name) => resumeAutoFollowPattern(es, name, ctx.signal));
  // Transient while the alias does not connect yet: the activity retries.
  await atMost(CONCURRENT_CALLS, followers, (name) => resumeFollower(es, name, ctx.signal));
  const deadline = Date.now() + durationToMs(input.request.verifyTimeout);
  let interval = deps.timing.verifyPollMs;
  let readings = followers.length ? await readAll(es, followers, ctx.signal) : [];
  for (let polls = 1; ; polls++) {
    const stopped = readings.filter((r) => r.state === 'stopped');
    if (stopped.length > 0) {
      throw ApplicationFailure.create({
        message: `follower(s) stopped after the resume: ${stopped.map((r) => `${r.follower}: ${'why' in r ? r.why : ''}`).join('; ')}`,
        type: FailureType.VerificationFailed,
        nonRetryable: true,
      });
    }
    const waiting = readings.filter((r) => r.state === 'waiting');
    ctx.heartbeat({ step: 'resume-replication', polls, waiting: waiting.length });
    if (waiting.length === 0) break;
    if (Date.now() >= deadline) {
      throw ApplicationFailure.create({
        message: `follower(s) not following again after ${input.request.verifyTimeout}: ${waiting.map((r) => `${r.follower} (${'why' in r ? r.why : ''})`).join('; ')}`,
        type: FailureType.VerificationFailed,
        nonRetryable: true,
      });
    }
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())), ctx.signal);
    interval = Math.min(interval * 2, deps.timing.verifyMaxPollMs);
    readings = await readAll(es, followers, ctx.signal);
  }
  const following = readings.flatMap((r) =>
    r.state === 'following' ? [{ follower: r.follower, operationsBehind: r.operationsBehind }] : [],
  );
  return {
    attempt: ctx.attempt,
    created: [],
    detail:
      followers.length + patterns.length
        ? `resumed ${followers.length} follower(s) and ${patterns.length} auto-follow pattern(s); following again: ${following.map((f) => `${f.follower} (${f.operationsBehind} behind)`).join(', ') || 'no follower'}`
        : 'the pause paused nothing: nothing to resume',
    resumed: { followers: [...followers], patterns: [...patterns] },
    following,
  };
}

export const activities = { resumeReplication } satisfies StepImplementations;
