/** Elasticsearch roles: put (with the version rules for remote privileges), get, delete. */
import { esBadRequest, esError } from './es-errors';
import { type Reply, type SimRequest } from './server';
import { type Deployment, type JsonObject, clone, versionAtLeast } from './state';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const ROLE_FIELDS = [
  'cluster',
  'indices',
  'applications',
  'run_as',
  'metadata',
  'transient_metadata',
  'description',
  'global',
  'remote_indices',
  'remote_cluster',
];

function roleError(dep: Deployment, name: string, body: unknown): Reply | undefined {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.@\- ]{0,506}$/.test(name)) {
    return esError(400, 'action_request_validation_exception', `Validation Failed: 1: role name [${name}] is invalid;`);
  }
  if (!isObject(body)) return esError(400, 'parse_exception', `failed to parse role [${name}]. missing body`);
  for (const field of Object.keys(body)) {
    const tooNew =
      (field === 'remote_indices' && !versionAtLeast(dep.version, 8, 14)) ||
      (field === 'remote_cluster' && !versionAtLeast(dep.version, 8, 15)) ||
      (field === 'description' && !versionAtLeast(dep.version, 8, 15));
    if (!ROLE_FIELDS.includes(field) || tooNew) {
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
  const remoteClusterPrivileges = versionAtLeast(dep.version, 8, 17)
    ? ['monitor_enrich', 'monitor_stats']
    : ['monitor_enrich'];
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

function roleView(role: JsonObject): JsonObject {
  return {
    cluster: [],
    indices: [],
    applications: [],
    run_as: [],
    metadata: {},
    ...clone(role),
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
