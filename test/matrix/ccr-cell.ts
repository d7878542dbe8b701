/**
 * The cross-cluster replication part of a matrix cell: through a connected alias, a follower of a
 * leader index on the remote and an auto-follow pattern, then every CCR request a security-model
 * migration sends (activities/elasticsearch/ccr.ts), then the follower unfollowed and the pattern
 * deleted. The set-up and clean-up requests (follow, put pattern, close, unfollow, delete pattern)
 * are sent as a user would; every one of them is held to the strict simulator too.
 */
import {
  autoFollowPatternsThroughAlias,
  followersThroughAlias,
  followingState,
  getFollowerInfo,
  getFollowerStats,
  jobsReadingThroughAlias,
  pauseAutoFollowPattern,
  pauseFollower,
  resumeAutoFollowPattern,
  resumeFollower,
} from '../../activities/elasticsearch/ccr';
import { type EsClient } from '../../activities/elasticsearch/client';
import { type Harness } from '../activities/support/harness';

/** The leader indices a cell creates (the API key model's key grants replication on them). */
export const CCR_LEADER_NAMES = 'ccr-*';

export interface CcrCell {
  local: EsClient;
  remote: { environment: string; deploymentId: string };
  alias: string;
  /** Unique per cell: names its indices and pattern. */
  tag: string;
}

/** What the migration's requests saw; a green cell sees EXPECTED_CCR_OUTCOME. */
export interface CcrOutcome {
  followersThroughAlias: string[];
  afterAppend: string;
  pause: string;
  statusWhilePaused: string;
  resume: string;
  afterResume: string;
  followerDocuments: number | undefined;
  patternsThroughAlias: string[];
  jobsThroughAlias: { transforms: number; datafeeds: number };
}

export function expectedCcrOutcome(cell: Pick<CcrCell, 'tag'>): CcrOutcome {
  const name = indexName(cell.tag);
  return {
    followersThroughAlias: [`${name}-copy`],
    afterAppend: 'following',
    pause: 'paused',
    statusWhilePaused: 'paused',
    resume: 'resumed',
    afterResume: 'following',
    followerDocuments: 6,
    patternsThroughAlias: [name],
    jobsThroughAlias: { transforms: 0, datafeeds: 0 },
  };
}

const indexName = (tag: string) => `ccr-${tag.replace(/\./g, '-')}`;

async function stateOf(es: EsClient, follower: string): Promise<string> {
  const shards = await getFollowerStats(es, [follower]);
  return shards.length === 1 ? followingState(shards[0]!).state : `${shards.length} shards`;
}

export async function runCcrRequests(h: Harness, cell: CcrCell): Promise<CcrOutcome> {
  const { local: es, remote, alias } = cell;
  const leader = indexName(cell.tag);
  const follower = `${leader}-copy`;
  h.sim.ccr.createIndex(remote.environment, remote.deploymentId, leader, 3);
  await es.http.request({
    method: 'PUT',
    path: `/${follower}/_ccr/follow`,
    query: { wait_for_active_shards: 1 },
    body: { remote_cluster: alias, leader_index: leader },
  });
  const followers = (await followersThroughAlias(es, alias)).map((f) => f.follower_index);
  h.sim.ccr.appendDocuments(remote.environment, remote.deploymentId, leader, 2);
  const afterAppend = await stateOf(es, follower);
  const pause = await pauseFollower(es, follower);
  const statusWhilePaused = (await getFollowerInfo(es, follower))[0]?.status ?? 'none';
  h.sim.ccr.appendDocuments(remote.environment, remote.deploymentId, leader, 1);
  const resume = await resumeFollower(es, follower);
  const afterResume = await stateOf(es, follower);

  await es.http.request({
    method: 'PUT',
    path: `/_ccr/auto_follow/${leader}`,
    body: { remote_cluster: alias, leader_index_patterns: [`${leader}-auto-*`] },
  });
  const patterns = (await autoFollowPatternsThroughAlias(es, alias)).map((p) => p.name);
  await pauseAutoFollowPattern(es, leader);
  await resumeAutoFollowPattern(es, leader);
  const jobs = await jobsReadingThroughAlias(es, alias);

  // Clean-up: the follower becomes a regular index (paused, closed, unfollowed); the pattern goes.
  await pauseFollower(es, follower);
  await es.http.request({ method: 'POST', path: `/${follower}/_close` });
  await es.http.request({ method: 'POST', path: `/${follower}/_ccr/unfollow` });
  await es.http.request({ method: 'DELETE', path: `/_ccr/auto_follow/${leader}` });
  return {
    followersThroughAlias: followers,
    afterAppend,
    pause,
    statusWhilePaused,
    resume,
    afterResume,
    followerDocuments: h.sim.ccr.index(es.environment, es.deploymentId, follower)?.documents,
    patternsThroughAlias: patterns,
    jobsThroughAlias: { transforms: jobs.transforms.length, datafeeds: jobs.datafeeds.length },
  };
}
