/** Elasticsearch roles: put (fields and remote privileges per version line), get, delete. */
import { esBadRequest, esError } from './es-errors';
import { asList, indexPrivilegeEntries } from './es-privileges';
import { esFactsFor, hasMember } from './es-spec';
import { type Reply, type SimRequest } from './server';
import { type Deployment, type JsonObject, clone } from './state';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Role names (x-pack Validation.Roles): 1 to 1024 printable Basic Latin characters (space through `~`),
 * no leading or trailing space, and not a reserved role.
 */
const MAX_ROLE_NAME = 1024;
const INVALID_ROLE_NAME = `Role names must be at least 1 and no more than ${MAX_ROLE_NAME} characters. They can contain alphanumeric characters (a-z, A-Z, 0-9), spaces, punctuation, and printable symbols in the Basic Latin (ASCII) block. Leading or trailing whitespace is not allowed.`;

/** Built-in roles of ReservedRolesStore that every supported version has (the store holds more: docs/simulator.md). */
export const RESERVED_ROLES = [
  'superuser',
  'kibana_system',
  'kibana_admin',
  'kibana_user',
  'logstash_system',
  'logstash_admin',
  'beats_system',
  'beats_admin',
  'apm_system',
  'apm_user',
  'remote_monitoring_agent',
  'remote_monitoring_collector',
  'ingest_admin',
  'reporting_user',
  'monitoring_user',
  'machine_learning_user',
  'machine_learning_admin',
  'watcher_user',
  'watcher_admin',
  'transform_user',
  'transform_admin',
  'data_frame_transforms_user',
  'data_frame_transforms_admin',
  'transport_client',
  'viewer',
  'editor',
  'enrich_user',
  'snapshot_user',
  'rollup_user',
  'rollup_admin',
];

export function roleNameError(name: string): string | undefined {
  const printable = /^[\x20-\x7e]+$/.test(name);
  if (!printable || name.length > MAX_ROLE_NAME || name.startsWith(' ') || name.endsWith(' ')) return INVALID_ROLE_NAME;
  if (RESERVED_ROLES.includes(name)) return `Role [${name}] is reserved and may not be used.`;
  return undefined;
}

function roleError(dep: Deployment, name: string, body: unknown): Reply | undefined {
  const invalidName = roleNameError(name);
  if (invalidName) return esError(400, 'action_request_validation_exception', `Validation Failed: 1: ${invalidName};`);
  if (!isObject(body)) return esError(400, 'parse_exception', `failed to parse role [${name}]. missing body`);
  const facts = esFactsFor(dep.version);
  for (const field of Object.keys(body)) {
    // The line's put_role body (specs/elasticsearch): remote_indices from 8.10, remote_cluster and description from 8.15.
    if (!hasMember(facts.endpoints['security.put_role']?.body, field)) {
      return esError(400, 'parse_exception', `failed to parse role [${name}]. unexpected field [${field}]`);
    }
  }
  for (const entry of (body.remote_indices as unknown[]) ?? []) {
    if (
      !isObject(entry) ||
      entry.clusters === undefined ||
      entry.names === undefined ||
      !Array.isArray(entry.privileges)
    ) {
      return esError(
        400,
        'parse_exception',
        `failed to parse remote indices privileges for role [${name}]. missing required [clusters], [names] or [privileges] fields`,
      );
    }
  }
  const remoteClusterPrivileges = Object.keys(facts.enums.RemoteClusterPrivilege ?? {});
  for (const entry of (body.remote_cluster as unknown[]) ?? []) {
    if (!isObject(entry) || entry.clusters === undefined || !Array.isArray(entry.privileges)) {
      return esError(
        400,
        'parse_exception',
        `failed to parse remote_cluster for role [${name}]. missing required [clusters] or [privileges] fields`,
      );
    }
    const bad = (entry.privileges as unknown[]).find((p) => !remoteClusterPrivileges.includes(String(p)));
    if (bad !== undefined) {
      return esBadRequest(
        `Invalid remote_cluster permissions found. Please remove the following: [${String(bad)}] Only [${remoteClusterPrivileges.join(', ')}] are allowed`,
      );
    }
  }
  return undefined;
}

export function putRole(dep: Deployment, req: SimRequest): Reply {
  const name = String(req.params.name);
  const error = roleError(dep, name, req.body);
  if (error) return error;
  const created = !(name in dep.roles);
  dep.roles[name] = clone(req.body as JsonObject);
  return { status: 200, body: { role: { created } } };
}

/**
 * A role as Elasticsearch renders it (server RoleDescriptor.toXContent): index entries in their
 * stored form (es-privileges.ts: `names` a list, `query` a string, `allow_restricted_indices`
 * added), remote cluster entries with lists.
 */
function roleView(role: JsonObject): JsonObject {
  const remoteCluster = Array.isArray(role.remote_cluster)
    ? role.remote_cluster.map((e) =>
        e !== null && typeof e === 'object' && !Array.isArray(e)
          ? { privileges: asList(e.privileges), clusters: asList(e.clusters) }
          : e,
      )
    : undefined;
  return {
    cluster: [],
    indices: [],
    applications: [],
    run_as: [],
    metadata: {},
    ...clone(role),
    ...(role.indices !== undefined ? { indices: indexPrivilegeEntries(role.indices) } : {}),
    ...(role.remote_indices !== undefined ? { remote_indices: indexPrivilegeEntries(role.remote_indices) } : {}),
    ...(remoteCluster ? { remote_cluster: remoteCluster } : {}),
    transient_metadata: { enabled: true },
  };
}

export function getRoles(dep: Deployment, req: SimRequest): Reply {
  const names = req.params.name ? req.params.name.split(',') : Object.keys(dep.roles);
  const found = names.filter((n) => n in dep.roles);
  if (req.params.name && found.length === 0) return { status: 404, body: {} };
  return { status: 200, body: Object.fromEntries(found.map((n) => [n, roleView(dep.roles[n]!)])) };
}

export function deleteRole(dep: Deployment, req: SimRequest): Reply {
  const name = String(req.params.name);
  const found = name in dep.roles;
  delete dep.roles[name];
  return { status: found ? 200 : 404, body: { found } };
}
