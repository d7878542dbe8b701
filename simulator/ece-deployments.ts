/** ECE deployment routes: list, get, update (plans), keystore, restart and pending-plan cancel. */
import { parseBody } from './ece-body';
import { deploymentNotFound, eceError, ok, resourceNotFound } from './ece-errors';
import { KeystoreContents, type TrustSettings, deploymentUpdateRequest } from './ece-schemas';
import { deploymentListingView, deploymentView, esResourceView, resourceHeaders, viewOptions } from './ece-views';
import { hexId } from './ids';
import { patchKeystore, redactedKeystore } from './keystore';
import { endAttempt, startPlan } from './plans';
import { type Reply, type SimRequest } from './server';
import { type Deployment, type Environment, type JsonObject, type SimState, clone, nowIso } from './state';
import { UNCONFIRMED } from './unconfirmed';

type Found = { dep: Deployment } | { reply: Reply };

function findDeployment(env: Environment, req: SimRequest): Found {
  const id = String(req.params.deployment_id);
  const dep = env.deployments.get(id);
  return dep ? { dep } : { reply: deploymentNotFound(id) };
}

function findResource(env: Environment, req: SimRequest): Found {
  const found = findDeployment(env, req);
  if ('reply' in found) return found;
  const refId = req.params.ref_id;
  if (refId !== '_main' && refId !== found.dep.refId) return { reply: resourceNotFound(found.dep.id, String(refId)) };
  return found;
}

export function listDeployments(env: Environment): Reply {
  return ok({ deployments: [...env.deployments.values()].map(deploymentListingView) });
}

export function getDeployment(env: Environment, req: SimRequest): Reply {
  const found = findDeployment(env, req);
  if ('reply' in found) return found.reply;
  return ok(deploymentView(env, found.dep, viewOptions(req.query)), resourceHeaders(found.dep));
}

export function getEsResource(env: Environment, req: SimRequest): Reply {
  const found = findResource(env, req);
  if ('reply' in found) return found.reply;
  return ok(esResourceView(env, found.dep, viewOptions(req.query)), resourceHeaders(found.dep));
}

/** The stored form of a written `trust`: read-only parts dropped, `uid`s kept or assigned. */
function storedTrust(trust: TrustSettings): JsonObject {
  return clone({
    accounts: trust.accounts ?? [],
    external: (trust.external ?? []).map(({ name: _ignoredOnWrite, ...rest }) => rest),
    direct: (trust.direct ?? []).map((d) => ({
      ...d,
      uid: d.uid ?? hexId(),
      certificates: d.certificates.map((c) => ({ pem: c.pem })),
    })),
  }) as JsonObject;
}

export function updateDeployment(state: SimState, env: Environment, req: SimRequest): Reply {
  const found = findDeployment(env, req);
  if ('reply' in found) return found.reply;
  const dep = found.dep;
  const parsed = parseBody(deploymentUpdateRequest(state.readings.nullListsInDeploymentUpdate), req.body);
  if ('reply' in parsed) return parsed.reply;
  const body = parsed.data;

  const version = req.query.get('version');
  if (version !== null && version !== String(dep.resourceVersion)) {
    const c = UNCONFIRMED.deploymentVersionConflict;
    return eceError(
      c.status,
      c.code,
      `The deployment [${dep.id}] is at version [${dep.resourceVersion}], the request expected [${version}]`,
      ['version'],
    );
  }
  const payloads = body.resources?.elasticsearch ?? [];
  if (payloads.length > 1) {
    return eceError(400, UNCONFIRMED.invalidBody.code, 'This deployment has a single Elasticsearch resource', [
      'resources.elasticsearch',
    ]);
  }
  const payload = payloads[0];
  if (!payload && body.prune_orphans) {
    return eceError(
      400,
      UNCONFIRMED.invalidBody.code,
      'prune_orphans without an Elasticsearch payload would shut the cluster down; the simulator does not support that',
      ['prune_orphans'],
    );
  }
  if (payload) {
    if (payload.ref_id !== dep.refId) {
      return eceError(400, UNCONFIRMED.invalidBody.code, `Unknown Elasticsearch ref_id [${payload.ref_id}]`, [
        'resources.elasticsearch[0].ref_id',
      ]);
    }
    if (payload.region !== dep.region) {
      return eceError(400, UNCONFIRMED.invalidBody.code, `Unknown region [${payload.region}]`, [
        'resources.elasticsearch[0].region',
      ]);
    }
    const unknown = (payload.settings?.trust?.external ?? []).findIndex(
      (e) => !env.trustRelationships.some((t) => t.id === e.trust_relationship_id && !t.local),
    );
    if (unknown >= 0) {
      return eceError(
        400,
        'deployments.invalid_trust_settings',
        `Trust relationship [${payload.settings?.trust?.external?.[unknown]?.trust_relationship_id}] does not exist`,
        [`resources.elasticsearch[0].settings.trust.external[${unknown}].trust_relationship_id`],
      );
    }
    if (dep.pending) {
      const c = UNCONFIRMED.updateWhilePending;
      return eceError(
        c.status,
        c.code,
        `There is a pending plan for [elasticsearch:${dep.refId}]; wait for it or cancel it`,
      );
    }
  }
  const response = ok(
    {
      id: dep.id,
      name: body.name ?? dep.name,
      resources: payload
        ? [{ id: dep.clusterId, kind: 'elasticsearch', ref_id: dep.refId, region: dep.region, warnings: [] }]
        : [],
    },
    undefined,
  );
  if (req.query.get('validate_only') === 'true') return response;

  if (body.name) dep.name = body.name;
  dep.resourceVersion += 1;
  dep.lastModified = nowIso();
  if (payload) {
    const previousTrust = clone(dep.trust);
    const trust = payload.settings?.trust;
    if (trust === null)
      dep.trust = UNCONFIRMED.trustAfterNullWrite === 'absent' ? null : clone(dep.accountDefaultTrust);
    else if (trust !== undefined) dep.trust = storedTrust(trust);
    if (payload.settings?.keystore_contents) patchKeystore(dep, payload.settings.keystore_contents);
    if (UNCONFIRMED.everyUpdateStartsPlan) {
      // `transient` applies to this attempt only; ECE does not keep it in the plan.
      const { transient: _transient, ...plan } = payload.plan;
      startPlan(state, dep, 'update', plan as JsonObject, previousTrust);
    } else {
      dep.effectiveTrust = clone(dep.trust ?? dep.accountDefaultTrust);
    }
  }
  return { ...response, headers: resourceHeaders(dep) };
}

export function getKeystore(env: Environment, req: SimRequest): Reply {
  const found = findResource(env, req);
  if ('reply' in found) return found.reply;
  return ok(redactedKeystore(found.dep));
}

export function setKeystore(env: Environment, req: SimRequest): Reply {
  const found = findResource(env, req);
  if ('reply' in found) return found.reply;
  const parsed = parseBody(KeystoreContents, req.body);
  if ('reply' in parsed) return parsed.reply;
  patchKeystore(found.dep, parsed.data);
  return ok(redactedKeystore(found.dep));
}

export function restartEsResource(state: SimState, env: Environment, req: SimRequest): Reply {
  const found = findResource(env, req);
  if ('reply' in found) return found.reply;
  const dep = found.dep;
  if (dep.pending) {
    if (req.query.get('cancel_pending') !== 'true') {
      return eceError(
        422,
        'deployments.deployment_resource_plan_change_error',
        `There is a pending plan for [elasticsearch:${dep.refId}]; set cancel_pending=true to cancel it`,
      );
    }
    endAttempt(dep, dep.pending, 'The plan was cancelled', 'ClusterFailure:PlanCancelled');
  }
  startPlan(state, dep, 'restart', dep.plan, dep.trust);
  return { status: 202, body: { warnings: [] } };
}

export function cancelPendingPlan(env: Environment, req: SimRequest): Reply {
  if (req.params.resource_kind !== 'elasticsearch') {
    return resourceNotFound(String(req.params.deployment_id), String(req.params.ref_id));
  }
  const found = findResource(env, req);
  if ('reply' in found) return found.reply;
  const dep = found.dep;
  const body = { id: dep.id, kind: 'elasticsearch', ref_id: dep.refId };
  if (!dep.pending) {
    if (req.query.get('ignore_missing') === 'true') return ok(body);
    return eceError(
      400,
      'deployments.resource_does_not_have_a_pending_plan',
      `The resource [elasticsearch:${dep.refId}] does not have a pending plan`,
    );
  }
  endAttempt(dep, dep.pending, 'The plan was cancelled', 'ClusterFailure:PlanCancelled');
  return ok(body);
}
