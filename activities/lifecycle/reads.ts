/**
 * The reads discovery makes, one deployment at a time: ECE (deployment, keystore names) and
 * Elasticsearch (remote cluster settings, `_remote/info`, crosslink-named keys, marked roles).
 * Read only. A failed read is recorded and the rest of the deployment is still read.
 */
import { z } from 'zod';
import { type TrustSettings } from '../../domain/records';
import { type EnvironmentRegistry } from '../environments';
import { type EceClient } from '../ece/client';
import { elasticsearchResource, getDeployment, trustOf, versionOf } from '../ece/deployments';
import { getKeystoreNames } from '../ece/keystore';
import { type TrustRelationship } from '../ece/schemas';
import { listTrustRelationships } from '../ece/trust-relationships';
import { getApiKeysByName } from '../elasticsearch/api-keys';
import { getPersistentSettings, getRemoteInfo } from '../elasticsearch/cluster';
import { type ApiKeyInfo, type RemoteInfoEntry, RoleMap } from '../elasticsearch/schemas';
import { type EsClient } from '../elasticsearch/client';
import { API_KEY_NAME_PATTERN, ROLE_MARK_KEY } from '../marks';

/** DeploymentsListResponse: ids and names only. */
const DeploymentList = z.looseObject({
  deployments: z.array(z.looseObject({ id: z.string(), name: z.string().optional() })),
});

/** `GET /deployments`: every deployment of the environment. */
export async function listDeploymentIds(ece: EceClient, signal?: AbortSignal): Promise<string[]> {
  const res = await ece.http.request({ method: 'GET', path: '/deployments', schema: DeploymentList, signal });
  return res.body.deployments.map((d) => d.id);
}

export interface DeploymentSnapshot {
  environment: string;
  deploymentId: string;
  name?: string;
  refId?: string;
  version?: string;
  clusterId?: string;
  endpoint?: string;
  trust?: TrustSettings;
  keystore?: string[];
  /** Flat persistent `cluster.remote.*` settings. */
  remoteSettings?: Record<string, unknown>;
  remoteInfo?: Record<string, RemoteInfoEntry>;
  /** Keys whose name matches crosslink's, as this deployment (a remote) holds them. */
  keys?: ApiKeyInfo[];
  /** Role names whose metadata carries a connection id, by connection id. */
  markedRoles?: Array<{ name: string; connectionId: string }>;
  /** The client for later probes (absent when the deployment has no Elasticsearch access configured). */
  es?: EsClient;
  errors: string[];
}

export interface EnvironmentSnapshot {
  name: string;
  deployments: DeploymentSnapshot[];
  trustRelationships?: TrustRelationship[];
  errors: string[];
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function markedRoles(es: EsClient, signal?: AbortSignal): Promise<Array<{ name: string; connectionId: string }>> {
  const res = await es.http.request({ method: 'GET', path: '/_security/role', schema: RoleMap, signal });
  return Object.entries(res.body).flatMap(([name, role]) => {
    const id = role.metadata?.[ROLE_MARK_KEY];
    return typeof id === 'string' ? [{ name, connectionId: id }] : [];
  });
}

export async function readDeployment(
  registry: EnvironmentRegistry,
  environment: string,
  deploymentId: string,
  signal?: AbortSignal,
): Promise<DeploymentSnapshot> {
  const snap: DeploymentSnapshot = { environment, deploymentId, errors: [] };
  const attempt = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (err) {
      snap.errors.push(`${what}: ${message(err)}`);
      return undefined;
    }
  };
  const ece = registry.ece(environment);
  const read = await attempt('deployment', () => getDeployment(ece, deploymentId, signal));
  if (!read) return snap;
  const resource = read.deployment.resources.elasticsearch[0];
  if (!resource) return snap; // no Elasticsearch: nothing to connect
  const es = elasticsearchResource(ece, read.deployment, resource.ref_id);
  Object.assign(snap, {
    name: read.deployment.name,
    refId: es.ref_id,
    version: versionOf(es),
    clusterId: es.info.cluster_id ?? es.id,
    endpoint: es.info.metadata.endpoint,
    trust: trustOf(es),
  });
  snap.keystore = await attempt('keystore', () => getKeystoreNames(ece, deploymentId, es.ref_id, signal));
  const client = await attempt('elasticsearch access', async () =>
    registry.elasticsearch(environment, deploymentId, es.info.metadata.service_url),
  );
  if (!client) return snap;
  snap.es = client;
  const settings = await attempt('_cluster/settings', () => getPersistentSettings(client, signal));
  if (settings) {
    snap.remoteSettings = Object.fromEntries(Object.entries(settings).filter(([k]) => k.startsWith('cluster.remote.')));
  }
  snap.remoteInfo = await attempt('_remote/info', () => getRemoteInfo(client, signal));
  snap.keys = await attempt('_security/api_key', () => getApiKeysByName(client, API_KEY_NAME_PATTERN, signal));
  snap.markedRoles = await attempt('_security/role', () => markedRoles(client, signal));
  return snap;
}

export async function readEnvironment(
  registry: EnvironmentRegistry,
  environment: string,
  opts: { signal?: AbortSignal; onDeployment?: (id: string) => void },
): Promise<EnvironmentSnapshot> {
  const snap: EnvironmentSnapshot = { name: environment, deployments: [], errors: [] };
  const ece = registry.ece(environment);
  let ids: string[];
  try {
    ids = await listDeploymentIds(ece, opts.signal);
  } catch (err) {
    snap.errors.push(`deployments: ${message(err)}`);
    return snap;
  }
  try {
    snap.trustRelationships = await listTrustRelationships(ece, 'non-local', { signal: opts.signal });
  } catch (err) {
    snap.errors.push(`trust relationships: ${message(err)}`);
  }
  // One deployment at a time: an audit must not crowd the coordinators it reads.
  for (const id of ids) {
    opts.onDeployment?.(id);
    snap.deployments.push(await readDeployment(registry, environment, id, opts.signal));
  }
  return snap;
}
