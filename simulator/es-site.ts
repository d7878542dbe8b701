/** One deployment's Elasticsearch listener: routes named by their REST API names, ES auth and errors. */
import { type EsRouteId } from './api';
import { authenticateEs, isReply } from './es-auth';
import { getClusterSettings, info, putClusterSettings, reloadSecure, remoteInfo, resolveCluster } from './es-cluster';
import { esBadRequest, esError } from './es-errors';
import { deleteRole, getRoles, putRole } from './es-roles';
import { createCrossClusterApiKey, getApiKeys, invalidateApiKeys } from './es-security';
import { type Reply, type Route, type SimRequest, type Site } from './server';
import { type Deployment, type SimState } from './state';

export function esSite(state: SimState, dep: Deployment): Site {
  const routes: Route[] = [];
  const add = (method: string, pattern: string, id: EsRouteId, handler: (req: SimRequest) => Reply) =>
    routes.push({ method, pattern, id, handler });
  add('GET', '/', 'info', () => info(dep));
  add('POST', '/_security/cross_cluster/api_key', 'security.create_cross_cluster_api_key', (r) =>
    createCrossClusterApiKey(dep, r),
  );
  add('GET', '/_security/api_key', 'security.get_api_key', (r) => getApiKeys(dep, r));
  add('DELETE', '/_security/api_key', 'security.invalidate_api_key', (r) => invalidateApiKeys(dep, r));
  add('GET', '/_cluster/settings', 'cluster.get_settings', (r) => getClusterSettings(dep, r));
  add('PUT', '/_cluster/settings', 'cluster.put_settings', (r) => putClusterSettings(dep, r));
  add('GET', '/_remote/info', 'cluster.remote_info', () => remoteInfo(state, dep));
  add('PUT', '/_security/role/{name}', 'security.put_role', (r) => putRole(dep, r));
  add('POST', '/_security/role/{name}', 'security.put_role', (r) => putRole(dep, r));
  add('GET', '/_security/role/{name}', 'security.get_role', (r) => getRoles(dep, r));
  add('GET', '/_security/role', 'security.get_role', (r) => getRoles(dep, r));
  add('DELETE', '/_security/role/{name}', 'security.delete_role', (r) => deleteRole(dep, r));
  add('POST', '/_nodes/reload_secure_settings', 'nodes.reload_secure_settings', () => reloadSecure(dep));
  add('POST', '/_nodes/{node_id}/reload_secure_settings', 'nodes.reload_secure_settings', () => reloadSecure(dep));
  add('GET', '/_resolve/cluster/{expression}', 'indices.resolve_cluster', (r) => resolveCluster(state, dep, r));

  return {
    environment: dep.environment,
    deploymentId: dep.id,
    routes,
    error: (status, code, message) => esError(status, code, message),
    notFound: (method, path) => esBadRequest(`no handler found for uri [${path}] and method [${method}]`),
    badJson: (message) => esError(400, 'x_content_parse_exception', message),
    authenticate: (req) => {
      const principal = authenticateEs(dep, req);
      return isReply(principal) ? principal : undefined;
    },
    extraHeaders: { 'x-elastic-product': 'Elasticsearch' },
  };
}
