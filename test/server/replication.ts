/**
 * Cross-cluster replication through a connection's alias, set up the way a user does it (a leader
 * on the remote, a follower and an auto-follow pattern on the local deployment, through the local
 * Elasticsearch API): for the real-server migration, its recorded history and the benchmark.
 */
import { type ConnectionRequest, EnvironmentsFile } from '../../domain';
import { createEnvironmentRegistry, resolveEnvironments } from '../../activities/environments';
import { elasticsearchResource, getDeployment } from '../../activities/ece/deployments';
import { type EsClient } from '../../activities/elasticsearch/client';
import { type SimulatorHandle } from '../../simulator/api';

/** A deployment's Elasticsearch at the URL its ECE reports, with the worker's credentials. */
export async function elasticsearchOf(
  simulator: SimulatorHandle,
  environment: string,
  deploymentId: string,
): Promise<EsClient> {
  const registry = createEnvironmentRegistry(resolveEnvironments(EnvironmentsFile.parse(simulator.config)));
  const ece = registry.ece(environment);
  const { deployment } = await getDeployment(ece, deploymentId);
  return registry.elasticsearch(
    environment,
    deploymentId,
    elasticsearchResource(ece, deployment).info.metadata.service_url,
  );
}

export interface Followed {
  leader: string;
  follower: string;
}

/**
 * `count` leaders on the remote (each with `documents` documents) and their followers on the local
 * deployment through the connection's alias, active and caught up.
 */
export async function followThrough(
  simulator: SimulatorHandle,
  request: ConnectionRequest,
  count: number,
  documents = 1,
  prefix = 'leader',
): Promise<Followed[]> {
  const es = await elasticsearchOf(simulator, request.local.environment, request.local.deploymentId);
  const followed: Followed[] = [];
  for (let i = 1; i <= count; i++) {
    const leader = `${prefix}-${i}`;
    simulator.ccr.createIndex(request.remote.environment, request.remote.deploymentId, leader, documents);
    await es.http.request({
      method: 'PUT',
      path: `/${leader}-copy/_ccr/follow`,
      query: { wait_for_active_shards: '1' },
      body: { remote_cluster: request.alias, leader_index: leader },
    });
    followed.push({ leader, follower: `${leader}-copy` });
  }
  return followed;
}

/** An auto-follow pattern through the alias for leaders named `<prefix>-auto-*`. */
export async function autoFollowThrough(
  simulator: SimulatorHandle,
  request: ConnectionRequest,
  name: string,
  prefix = 'leader',
): Promise<void> {
  const es = await elasticsearchOf(simulator, request.local.environment, request.local.deploymentId);
  await es.http.request({
    method: 'PUT',
    path: `/_ccr/auto_follow/${name}`,
    body: {
      remote_cluster: request.alias,
      leader_index_patterns: [`${prefix}-auto-*`],
      follow_index_pattern: '{{leader_index}}-copy',
    },
  });
}
