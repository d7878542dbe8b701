/** Elasticsearch API keys: create a cross-cluster key, get keys, invalidate keys. */
import { authenticateEs, isReply } from './es-auth';
import { esBadRequest, esError } from './es-errors';
import { apiKeyId, secret } from './ids';
import { type Reply, type SimRequest } from './server';
import { indexPrivilegeEntry, storedAccess } from './es-privileges';
import { esFactsFor } from './es-spec';
import { type ApiKey, type Deployment, type JsonObject, clone, versionAtLeast } from './state';
import { simpleMatch } from './index-names';

const UNITS: Record<string, number> = { nanos: 1e-6, micros: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 };

function parseDuration(text: unknown): number | undefined {
  const m = /^(\d+)(nanos|micros|ms|s|m|h|d)$/.exec(String(text));
  return m ? Number(m[1]) * UNITS[m[2]!]! : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkAccess(dep: Deployment, access: unknown): string | undefined {
  if (!isObject(access)) return 'Required [access]';
  // Access, SearchAccess and ReplicationAccess of the line (specs/elasticsearch types).
  const types = esFactsFor(dep.version).types;
  const allowed: Record<string, string[]> = {
    search: Object.keys(types.SearchAccess ?? {}),
    replication: Object.keys(types.ReplicationAccess ?? {}),
  };
  for (const key of Object.keys(access)) {
    if (!allowed[key]) return `[cross_cluster_api_key_access] unknown field [${key}]`;
  }
  const entries = [...((access.search as unknown[]) ?? []), ...((access.replication as unknown[]) ?? [])];
  if (entries.length === 0) return 'must specify non-empty access for either [search] or [replication]';
  for (const kind of ['search', 'replication'] as const) {
    const list = access[kind];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return `[${kind}] must be an array`;
    for (const entry of list) {
      if (!isObject(entry)) return `[${kind}] entries must be objects`;
      for (const field of Object.keys(entry)) {
        if (!allowed[kind]!.includes(field)) return `[${kind}] unknown field [${field}]`;
      }
      const names = entry.names;
      if (!(typeof names === 'string' || (Array.isArray(names) && names.length > 0)))
        return `[${kind}] requires [names]`;
    }
  }
  return undefined;
}

export function createCrossClusterApiKey(dep: Deployment, req: SimRequest): Reply {
  const principal = authenticateEs(dep, req);
  if (isReply(principal)) return principal;
  if (principal.kind === 'api_key') {
    return esBadRequest(
      'authentication via API key not supported: An API key cannot be used to create a cross-cluster API key',
    );
  }
  const body = req.body;
  if (!isObject(body)) return esBadRequest('request body is required', 'parse_exception');
  if (typeof body.name !== 'string' || body.name.length === 0)
    return esBadRequest('Validation Failed: 1: api key name is required;', 'action_request_validation_exception');
  const accessError = checkAccess(dep, body.access);
  if (accessError) return esBadRequest(accessError);
  let expiration: number | undefined;
  if (body.expiration !== undefined && body.expiration !== null) {
    const ms = parseDuration(body.expiration);
    if (ms === undefined)
      return esBadRequest(
        `failed to parse setting [expiration] with value [${String(body.expiration)}] as a time value`,
      );
    expiration = Date.now() + ms;
  }
  const metadata = body.metadata ?? {};
  if (!isObject(metadata)) return esBadRequest('[metadata] must be an object');
  if (Object.keys(metadata).some((k) => k.startsWith('_'))) {
    return esBadRequest(
      'Validation Failed: 1: API key metadata keys may not start with [_];',
      'action_request_validation_exception',
    );
  }
  const key: ApiKey = {
    id: apiKeyId(),
    name: body.name,
    type: 'cross_cluster',
    secret: secret(),
    invalidated: false,
    creation: Date.now(),
    expiration,
    metadata: clone(metadata),
    // Kept as Elasticsearch keeps it, so GET returns it in Elasticsearch's form (es-privileges.ts).
    access: storedAccess(body.access as Record<string, unknown>),
    username: principal.username,
  };
  dep.apiKeys.push(key);
  return {
    status: 200,
    body: {
      id: key.id,
      name: key.name,
      api_key: key.secret,
      encoded: Buffer.from(`${key.id}:${key.secret}`).toString('base64'),
      ...(expiration !== undefined ? { expiration } : {}),
    },
  };
}

/**
 * The role descriptor Elasticsearch derives from a cross-cluster key's `access` and lists under
 * `role_descriptors.cross_cluster` (server CrossClusterApiKeyRoleDescriptorBuilder): search grants
 * `cross_cluster_search` and, from 8.15, `monitor_enrich` (for ES|QL ENRICH; ES PR #107493, issue
 * #108735) with `read`, `read_cross_cluster`, `view_index_metadata`; replication grants
 * `cross_cluster_replication` with `cross_cluster_replication`, `cross_cluster_replication_internal`.
 */
export function crossClusterRoleDescriptor(access: Record<string, unknown>, version: string): JsonObject {
  const search = (access.search as Array<Record<string, unknown>> | undefined) ?? [];
  const replication = (access.replication as Array<Record<string, unknown>> | undefined) ?? [];
  const searchCluster = versionAtLeast(version, 8, 15)
    ? ['cross_cluster_search', 'monitor_enrich']
    : ['cross_cluster_search'];
  return clone({
    cluster: [...(search.length ? searchCluster : []), ...(replication.length ? ['cross_cluster_replication'] : [])],
    indices: [
      ...search.map((e) =>
        indexPrivilegeEntry({ ...e, privileges: ['read', 'read_cross_cluster', 'view_index_metadata'] }),
      ),
      ...replication.map((e) =>
        indexPrivilegeEntry({ ...e, privileges: ['cross_cluster_replication', 'cross_cluster_replication_internal'] }),
      ),
    ],
    applications: [],
    run_as: [],
    metadata: {},
    transient_metadata: { enabled: true },
  }) as JsonObject;
}

function keyView(k: ApiKey, version: string): JsonObject {
  return clone({
    id: k.id,
    name: k.name,
    type: k.type,
    creation: k.creation,
    ...(k.expiration !== undefined ? { expiration: k.expiration } : {}),
    invalidated: k.invalidated,
    ...(k.invalidation !== undefined ? { invalidation: k.invalidation } : {}),
    username: k.username,
    realm: 'reserved',
    metadata: k.metadata,
    role_descriptors:
      k.type === 'cross_cluster' && k.access ? { cross_cluster: crossClusterRoleDescriptor(k.access, version) } : {},
    ...(k.access ? { access: k.access } : {}),
  }) as JsonObject;
}

const active = (k: ApiKey) => !k.invalidated && (k.expiration === undefined || k.expiration > Date.now());

export function getApiKeys(dep: Deployment, req: SimRequest): Reply {
  const id = req.query.get('id');
  const name = req.query.get('name');
  const activeOnly = req.query.get('active_only') === 'true';
  const keys = dep.apiKeys.filter(
    (k) => (!id || k.id === id) && (!name || simpleMatch(name, k.name)) && (!activeOnly || active(k)),
  );
  return { status: 200, body: { api_keys: keys.map((k) => keyView(k, dep.version)) } };
}

export function invalidateApiKeys(dep: Deployment, req: SimRequest): Reply {
  const body = isObject(req.body) ? req.body : {};
  const ids = [...(Array.isArray(body.ids) ? body.ids.map(String) : []), ...(body.id ? [String(body.id)] : [])];
  const name = typeof body.name === 'string' ? body.name : undefined;
  if (ids.length === 0 && !name && !body.username && !body.realm_name && body.owner !== true) {
    return esError(
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: One of [api key id(s), api key name, username, realm name] must be specified if [owner] flag is false;',
    );
  }
  const matches = dep.apiKeys.filter(
    (k) =>
      (ids.length === 0 || ids.includes(k.id)) &&
      (!name || simpleMatch(name, k.name)) &&
      (!body.username || k.username === body.username),
  );
  const invalidated: string[] = [];
  const previously: string[] = [];
  for (const k of matches) {
    if (k.invalidated) previously.push(k.id);
    else {
      k.invalidated = true;
      k.invalidation = Date.now();
      invalidated.push(k.id);
    }
  }
  return {
    status: 200,
    body: { invalidated_api_keys: invalidated, previously_invalidated_api_keys: previously, error_count: 0 },
  };
}

/**
 * `PUT /_security/cross_cluster/api_key/{id}` (Elastic docs, update cross-cluster API key): only
 * the owner may update, never with an API key; an invalidated or expired key is not found; `access`
 * replaces the key's access, `metadata` (when given) replaces its metadata; `updated` says whether
 * anything changed. The key id and secret stay the same.
 */
export function updateCrossClusterApiKey(dep: Deployment, req: SimRequest): Reply {
  const principal = authenticateEs(dep, req);
  if (isReply(principal)) return principal;
  if (principal.kind === 'api_key') {
    return esBadRequest(
      'authentication via API key not supported: An API key cannot be used to update a cross-cluster API key',
    );
  }
  const id = req.params.id ?? '';
  const key = dep.apiKeys.find(
    (k) => k.id === id && k.type === 'cross_cluster' && active(k) && k.username === principal.username,
  );
  if (!key)
    return esError(404, 'resource_not_found_exception', `no API key owned by requesting user found for ID [${id}]`);
  const body = req.body;
  if (!isObject(body)) return esBadRequest('request body is required', 'parse_exception');
  const accessError = checkAccess(dep, body.access);
  if (accessError) return esBadRequest(accessError);
  if (body.metadata !== undefined && !isObject(body.metadata)) return esBadRequest('[metadata] must be an object');
  const access = storedAccess(body.access as Record<string, unknown>);
  const metadata = body.metadata !== undefined ? clone(body.metadata as Record<string, unknown>) : key.metadata;
  // Elasticsearch compares what it stores: a query's bytes, not what the query means.
  const updated =
    JSON.stringify(access) !== JSON.stringify(key.access) || JSON.stringify(metadata) !== JSON.stringify(key.metadata);
  key.access = access;
  key.metadata = metadata;
  return { status: 200, body: { updated } };
}
