/**
 * One deployment's Elasticsearch listener: routes named by their REST API names, served only where the
 * deployment's version has them (specs/elasticsearch), with media-type negotiation, URL-parameter and
 * body-field checks before ES auth and the handlers.
 */
import { type EsRouteId } from './api';
import { authenticateEs, isReply } from './es-auth';
import { ccrRoutes } from './es-ccr';
import { getClusterSettings, info, putClusterSettings, reloadSecure, remoteInfo, resolveCluster } from './es-cluster';
import { esError } from './es-errors';
import { deleteRole, getRoles, putRole } from './es-roles';
import { createCrossClusterApiKey, getApiKeys, invalidateApiKeys, updateCrossClusterApiKey } from './es-security';
import { jobRoutes } from './es-jobs';
import { esFactsFor } from './es-spec';
import { checkRequest, negotiate, noHandler, routeAvailable } from './es-strict';
import { type Reply, type Route, type SimRequest, type Site } from './server';
import { type Deployment, type SimState } from './state';
import { UNCONFIRMED } from './unconfirmed';

/** The response content type negotiated for a request (set by `authenticate`, which runs first). */
const negotiated = new WeakMap<SimRequest, string>();

const withType = (req: SimRequest, reply: Reply): Reply => {
  const type = negotiated.get(req);
  return type ? { ...reply, headers: { 'content-type': type, ...reply.headers } } : reply;
};

export function esSite(state: SimState, dep: Deployment): Site {
  const routes: Route[] = [];
  const add = (method: string, pattern: string, id: EsRouteId, handler: (req: SimRequest) => Reply) => {
    const pathParams = [...pattern.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    routes.push({
      method,
      pattern,
      id,
      available: () => routeAvailable(esFactsFor(dep.version).endpoints[id], method, pattern),
      handler: (req) => {
        const facts = esFactsFor(dep.version);
        const endpoint = facts.endpoints[id]!;
        // put_role's body is parsed by the role descriptor parser, which words its own errors (es-roles.ts).
        const parser = id === 'security.put_role' ? undefined : (UNCONFIRMED.esUnknownFieldParser[id] ?? id);
        const refused = checkRequest(facts, endpoint, parser, req, pathParams);
        return withType(req, refused ?? handler(req));
      },
    });
  };
  add('GET', '/', 'info', () => info(dep));
  add('POST', '/_security/cross_cluster/api_key', 'security.create_cross_cluster_api_key', (r) =>
    createCrossClusterApiKey(dep, r),
  );
  add('PUT', '/_security/cross_cluster/api_key/{id}', 'security.update_cross_cluster_api_key', (r) =>
    updateCrossClusterApiKey(dep, r),
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
  add('POST', '/_nodes/reload_secure_settings', 'nodes.reload_secure_settings', (r) => reloadSecure(dep, r));
  add('POST', '/_nodes/{node_id}/reload_secure_settings', 'nodes.reload_secure_settings', (r) => reloadSecure(dep, r));
  add('GET', '/_resolve/cluster/{name}', 'indices.resolve_cluster', (r) => resolveCluster(state, dep, r));
  add('GET', '/_resolve/cluster', 'indices.resolve_cluster', (r) => resolveCluster(state, dep, r));
  for (const r of [...ccrRoutes(state, dep), ...jobRoutes(dep)]) add(r.method, r.pattern, r.id, r.handler);

  return {
    environment: dep.environment,
    deploymentId: dep.id,
    routes,
    error: (status, code, message) => esError(status, code, message),
    notFound: (method, path) => noHandler(method, path),
    badJson: (message) => esError(400, 'x_content_parse_exception', message),
    // Media types are negotiated before anything else (RestRequest parses its headers first), then auth.
    authenticate: (req) => {
      const media = negotiate(dep.version, req, req.body !== undefined);
      if ('error' in media) return media.error;
      negotiated.set(req, media.contentType);
      const principal = authenticateEs(dep, req);
      return isReply(principal) ? withType(req, principal) : undefined;
    },
    extraHeaders: { 'x-elastic-product': 'Elasticsearch' },
  };
}
