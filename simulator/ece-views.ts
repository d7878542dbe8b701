/** How ECE renders a deployment: DeploymentGetResponse, ElasticsearchResourceInfo and their parts. */
import { certificateMetadata } from './certs';
import { type Deployment, type Environment, type JsonObject, type PlanAttempt, clone } from './state';

export interface ViewOptions {
  showPlans: boolean;
  showPlanLogs: boolean;
  showPlanHistory: boolean;
  showSettings: boolean;
}

export function viewOptions(query: URLSearchParams): ViewOptions {
  const flag = (name: string, dflt: boolean) => (query.has(name) ? query.get(name) === 'true' : dflt);
  return {
    showPlans: flag('show_plans', true),
    showPlanLogs: flag('show_plan_logs', false),
    showPlanHistory: flag('show_plan_history', false),
    showSettings: flag('show_settings', false),
  };
}

export function resourceHeaders(dep: Deployment): Record<string, string> {
  return {
    'x-cloud-resource-version': String(dep.resourceVersion),
    'x-cloud-resource-created': dep.created,
    'x-cloud-resource-last-modified': dep.lastModified,
  };
}

/** `settings.trust` as ECE returns it: external names from the relationship, certificate metadata. */
export function trustView(env: Environment, trust: JsonObject): JsonObject {
  const out = clone(trust);
  for (const entry of (out.external ?? []) as JsonObject[]) {
    const rel = env.trustRelationships.find((t) => t.id === entry.trust_relationship_id);
    if (rel) entry.name = rel.name;
  }
  for (const entry of (out.direct ?? []) as JsonObject[]) {
    for (const cert of (entry.certificates ?? []) as JsonObject[]) {
      const meta = certificateMetadata(String(cert.pem));
      if (meta) cert.metadata = meta;
    }
  }
  return out;
}

function planInfoView(attempt: PlanAttempt, o: ViewOptions): JsonObject {
  return {
    plan_attempt_id: attempt.id,
    plan_attempt_name: attempt.id,
    healthy: attempt.status !== 'error',
    attempt_start_time: attempt.started,
    ...(attempt.ended ? { attempt_end_time: attempt.ended, plan_end_time: attempt.ended } : {}),
    ...(o.showPlans ? { plan: clone(attempt.plan) } : {}),
    plan_attempt_log: o.showPlanLogs ? (clone(attempt.log) as unknown as JsonObject[]) : [],
    warnings: [],
    source: {
      facilitator: 'adminconsole',
      action: attempt.kind === 'restart' ? 'elasticsearch.restart-cluster' : 'deployments.update-deployment',
      date: attempt.started,
      user_id: 'admin',
    },
    ...(attempt.error ? { error: clone(attempt.error) } : {}),
  };
}

function clusterStatus(dep: Deployment): string {
  if (!dep.pending) return 'started';
  return dep.pending.kind === 'restart' ? 'restarting' : 'reconfiguring';
}

export function clusterInfoView(env: Environment, dep: Deployment, o: ViewOptions): JsonObject {
  const history = o.showPlanHistory ? [...dep.history, ...(dep.current ? [dep.current] : [])] : [];
  const nodeRoles = ['master', 'ingest', 'data_hot', 'data_content', 'remote_cluster_client', 'transform'];
  return {
    cluster_id: dep.clusterId,
    cluster_name: dep.name,
    deployment_id: dep.id,
    healthy: dep.healthy,
    status: clusterStatus(dep),
    region: dep.region,
    locked: false,
    plan_info: {
      healthy: dep.current?.status !== 'error',
      ...(dep.current ? { current: planInfoView(dep.current, o) } : {}),
      ...(dep.pending ? { pending: planInfoView(dep.pending, o) } : {}),
      history: history.map((a) => planInfoView(a, o)),
    },
    elasticsearch: {
      healthy: dep.healthy,
      shard_info: { healthy: true, available_shards: [], unavailable_shards: [], unavailable_replicas: [] },
      master_info: { healthy: true, masters: [], instances_with_no_master: [] },
      blocking_issues: { healthy: true, cluster_level: [], index_level: [] },
    },
    metadata: {
      version: dep.resourceVersion,
      last_modified: dep.lastModified,
      endpoint: dep.endpoint,
      aliased_endpoint: dep.endpoint,
      service_url: dep.serviceUrl,
      aliased_url: dep.serviceUrl,
      ports: { http: 9200, https: dep.port, transport_passthrough: 9300 },
    },
    topology: {
      healthy: dep.healthy,
      instances: [
        {
          instance_name: 'instance-0000000000',
          service_version: dep.version,
          healthy: dep.healthy,
          container_started: true,
          service_running: true,
          maintenance_mode: false,
          zone: `${env.region}-zone-1`,
          allocator_id: `allocator-${env.name}-1`,
          node_roles: nodeRoles,
          service_roles: [],
        },
      ],
    },
    associated_kibana_clusters: [],
    associated_apm_clusters: [],
    associated_appsearch_clusters: [],
    associated_enterprise_search_clusters: [],
    snapshots: { healthy: true, count: 0, recent_success: false },
    external_links: [],
    ...(o.showSettings
      ? {
          settings: {
            // No stored trust: ECE returns none (the account default applies).
            ...(dep.trust ? { trust: trustView(env, dep.trust) } : {}),
            metadata: { name: dep.name },
            dedicated_masters_threshold: 6,
          },
        }
      : {}),
  };
}

export function esResourceView(env: Environment, dep: Deployment, o: ViewOptions): JsonObject {
  return { ref_id: dep.refId, id: dep.clusterId, region: dep.region, info: clusterInfoView(env, dep, o) };
}

export function deploymentView(env: Environment, dep: Deployment, o: ViewOptions): JsonObject {
  return {
    id: dep.id,
    name: dep.name,
    alias: dep.name,
    healthy: dep.healthy,
    resources: {
      elasticsearch: [esResourceView(env, dep, o)],
      kibana: [],
      apm: [],
      appsearch: [],
      enterprise_search: [],
      integrations_server: [],
    },
    metadata: {
      last_modified: dep.lastModified,
      last_resource_plan_modified: dep.current?.ended ?? dep.lastModified,
      owner_id: 'admin',
      system_owned: false,
      hidden: false,
      tags: [],
    },
  };
}

export function deploymentListingView(dep: Deployment): JsonObject {
  return {
    id: dep.id,
    name: dep.name,
    resources: [{ ref_id: dep.refId, id: dep.clusterId, kind: 'elasticsearch', region: dep.region }],
  };
}
