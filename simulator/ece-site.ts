/** One environment's coordinator: the ECE routes (spec paths, also region-prefixed) and ApiKey auth. */
import { timingSafeEqual } from 'node:crypto';
import { type EceRouteId } from './api';
import {
  cancelPendingPlan,
  getDeployment,
  getEsResource,
  getKeystore,
  listDeployments,
  restartEsResource,
  setKeystore,
  updateDeployment,
} from './ece-deployments';
import { eceError } from './ece-errors';
import {
  createTrustRelationship,
  deleteTrustRelationship,
  getPlatform,
  getTlsCertificate,
  getTrustRelationship,
  listTrustRelationships,
  updateTrustRelationship,
} from './ece-platform';
import { type Reply, type Route, type SimRequest, type Site } from './server';
import { type Environment, type SimState } from './state';
import { UNCONFIRMED } from './unconfirmed';

const BASE = '/api/v1';
const PLATFORM_TRUST = '/platform/configuration/trust-relationships';
const ES_RESOURCE = '/deployments/{deployment_id}/elasticsearch/{ref_id}';

type Handler = (req: SimRequest) => Reply;

export function eceSite(state: SimState, env: Environment): Site {
  const routes: Route[] = [];
  const add = (method: string, path: string, id: EceRouteId, handler: Handler, regionForm = false) => {
    routes.push({ method, pattern: BASE + path, id, handler });
    if (regionForm) {
      // Platform operations are also served under /regions/{region} (SDK RegionBasePath).
      routes.push({
        method,
        pattern: `${BASE}/regions/{region}${path}`,
        id,
        handler: (req) =>
          req.params.region === env.region
            ? handler(req)
            : eceError(
                UNCONFIRMED.unknownRegion.status,
                UNCONFIRMED.unknownRegion.code,
                `Region [${req.params.region}] was not found`,
              ),
      });
    }
  };
  add('GET', '/platform', 'get-platform', () => getPlatform(env), true);
  add(
    'GET',
    '/platform/configuration/security/tls/{service_name}',
    'get-tls-certificate',
    (r) => getTlsCertificate(env, r),
    true,
  );
  add('GET', PLATFORM_TRUST, 'get-trust-relationships', (r) => listTrustRelationships(env, r), true);
  add('POST', PLATFORM_TRUST, 'create-trust-relationship', (r) => createTrustRelationship(env, r), true);
  add(
    'GET',
    `${PLATFORM_TRUST}/{trust_relationship_id}`,
    'get-trust-relationship',
    (r) => getTrustRelationship(env, r),
    true,
  );
  add(
    'PUT',
    `${PLATFORM_TRUST}/{trust_relationship_id}`,
    'update-trust-relationship',
    (r) => updateTrustRelationship(env, r),
    true,
  );
  add(
    'DELETE',
    `${PLATFORM_TRUST}/{trust_relationship_id}`,
    'delete-trust-relationship',
    (r) => deleteTrustRelationship(env, r),
    true,
  );
  add('GET', '/deployments', 'list-deployments', () => listDeployments(env));
  add('GET', '/deployments/{deployment_id}', 'get-deployment', (r) => getDeployment(env, r));
  add('PUT', '/deployments/{deployment_id}', 'update-deployment', (r) => updateDeployment(state, env, r));
  add('GET', ES_RESOURCE, 'get-deployment-es-resource', (r) => getEsResource(env, r));
  add('GET', `${ES_RESOURCE}/keystore`, 'get-deployment-es-resource-keystore', (r) => getKeystore(env, r));
  add('PATCH', `${ES_RESOURCE}/keystore`, 'set-deployment-es-resource-keystore', (r) => setKeystore(env, r));
  add('POST', `${ES_RESOURCE}/_restart`, 'restart-deployment-es-resource', (r) => restartEsResource(state, env, r));
  add(
    'DELETE',
    '/deployments/{deployment_id}/{resource_kind}/{ref_id}/plan/pending',
    'cancel-deployment-es-resource-pending-plan',
    (r) => cancelPendingPlan(env, r),
  );

  return {
    environment: env.name,
    routes,
    error: (status, code, message) => eceError(status, code, message),
    notFound: (method, path) =>
      eceError(UNCONFIRMED.unknownRoute.status, UNCONFIRMED.unknownRoute.code, `No route for ${method} ${path}`),
    badJson: (message) => eceError(400, UNCONFIRMED.invalidBody.code, message),
    authenticate: (req) => authenticate(env, req),
  };
}

function authenticate(env: Environment, req: SimRequest): Reply | undefined {
  const header = req.headers.authorization ?? '';
  const m = /^ApiKey\s+(.+)$/i.exec(header);
  if (!m) {
    return eceError(401, 'root.unauthorized', 'The request must carry an `Authorization: ApiKey <key>` header');
  }
  const given = Buffer.from(m[1]!.trim());
  const expected = Buffer.from(env.apiKey);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return eceError(401, 'root.unauthorized', 'The API key is not valid');
  }
  return undefined;
}
