import { ApplicationFailure } from '@temporalio/common';
import { type StepInput } from '../../domain/activities';
import { FailureType } from '../../domain/failures';
import { type CreatedResource, type DeploymentFacts, type KeystoreLoadReport } from '../../domain/records';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { elasticsearchResource, getDeployment, planPending } from '../ece/deployments';
import { restartElasticsearchResource } from '../ece/restart';
import { getRemoteInfo, reloadSecureSettings as reloadNodes } from '../elasticsearch/cluster';
import { type EsClient } from '../elasticsearch/client';
import { PLAN_PENDING_CODE, failureCode } from '../http/classify';
import { pollUntil } from '../wait';
import { eceFor, esFor, planSlot, waitPlan } from './shared';
import { type StepDescribers } from '../changes';

function restartResource(local: DeploymentFacts): CreatedResource {
  return {
    step: 'restart',
    environment: local.environment,
    deploymentId: local.deploymentId,
    kind: 'restart',
    id: `${local.deploymentId}/${local.refId}`,
    description: `restarted Elasticsearch ${local.refId} of ${local.deploymentId}`,
  };
}

/** `_remote/info[alias].cluster_credentials`: the only API that says whether the keystore credential is loaded. */
async function credentialsLoaded(es: EsClient, alias: string, signal: AbortSignal): Promise<boolean> {
  const info = await getRemoteInfo(es, signal);
  return info[alias]?.cluster_credentials !== undefined;
}

async function waitForCredentials(deps: Deps, ctx: StepContext, es: EsClient, alias: string): Promise<boolean> {
  const loaded = await pollUntil(async () => ((await credentialsLoaded(es, alias, ctx.signal)) ? true : undefined), {
    timeoutMs: deps.timing.credentialsWaitMs,
    intervalMs: deps.timing.credentialsPollMs,
    signal: ctx.signal,
    onPoll: () => ctx.heartbeat({ waiting: 'cluster_credentials', alias }),
  });
  return loaded === true;
}

/** Loaded already (8.14+ reloads by itself)? Else `POST _nodes/reload_secure_settings` and look again. */
export async function reloadSecureSettings(
  deps: Deps,
  ctx: StepContext,
  input: StepInput,
): Promise<KeystoreLoadReport> {
  const es = esFor(deps, input.preflight.local);
  const alias = input.request.alias;
  if (await credentialsLoaded(es, alias, ctx.signal)) {
    return {
      attempt: ctx.attempt,
      created: [],
      detail: `${alias}: credentials loaded without a reload`,
      loaded: true,
      via: 'automatic',
    };
  }
  await reloadNodes(es, ctx.signal);
  const loaded = await waitForCredentials(deps, ctx, es, alias);
  return {
    attempt: ctx.attempt,
    created: [],
    detail: loaded
      ? `${alias}: credentials loaded by _nodes/reload_secure_settings`
      : `${alias}: credentials still not loaded after _nodes/reload_secure_settings: a restart is needed`,
    loaded,
    via: loaded ? 'reload' : 'not-loaded',
  };
}

/**
 * Restart local Elasticsearch (never cancelling another plan: a 422 plan-pending is waited out),
 * track the plan with heartbeats, then check the credentials. Skips the restart when they are
 * already loaded, so a retry after a lost response does not restart twice.
 */
export async function restartElasticsearch(
  deps: Deps,
  ctx: StepContext,
  input: StepInput,
): Promise<KeystoreLoadReport> {
  const local = input.preflight.local;
  const es = esFor(deps, local);
  const alias = input.request.alias;
  if (await credentialsLoaded(es, alias, ctx.signal)) {
    return {
      attempt: ctx.attempt,
      created: [],
      detail: `${alias}: credentials already loaded, no restart`,
      loaded: true,
      via: 'automatic',
    };
  }
  const ece = eceFor(deps, local);
  // A plan already running may be this step's own restart whose response was lost: wait for it
  // and look again before restarting a second time.
  const { deployment } = await getDeployment(ece, local.deploymentId, ctx.signal);
  if (planPending(elasticsearchResource(ece, deployment, local.refId))) {
    await waitPlan(deps, ctx, local);
    if (await credentialsLoaded(es, alias, ctx.signal)) {
      return {
        attempt: ctx.attempt,
        created: [restartResource(local)],
        detail: `${alias}: credentials loaded once the pending plan finished, no second restart`,
        loaded: true,
        via: 'restart',
      };
    }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await restartElasticsearchResource(ece, local.deploymentId, local.refId, ctx.signal);
      break;
    } catch (err) {
      const planPending = failureCode(err) === PLAN_PENDING_CODE;
      if (!planPending) throw err;
      if (attempt >= deps.timing.restartAttempts) {
        throw ApplicationFailure.create({
          message: `ECE ${local.environment}: deployment ${local.deploymentId} kept another plan pending; will retry the restart later`,
          type: FailureType.Transient,
          nonRetryable: false,
        });
      }
      // Another change's plan runs: wait for the slot (never cancel it, never judge its outcome).
      await planSlot(deps, ctx, local, Date.now() + deps.timing.planSlotWaitMs);
    }
  }
  await waitPlan(deps, ctx, local);
  const loaded = await waitForCredentials(deps, ctx, es, alias);
  return {
    attempt: ctx.attempt,
    created: [restartResource(local)],
    detail: loaded
      ? `${alias}: credentials loaded after the restart`
      : `${alias}: credentials still not loaded after the restart`,
    loaded,
    via: loaded ? 'restart' : 'not-loaded',
  };
}

export const activities = { reloadSecureSettings, restartElasticsearch } satisfies StepImplementations;

/** A restart of the local deployment's Elasticsearch (its nodes restart one by one; the plan is waited for). */
export function describeRestart(why: string) {
  return async (_deps: Deps, _ctx: StepContext, input: StepInput) => {
    const local = input.preflight.local;
    return {
      summary: `restart Elasticsearch ${local.refId} of ${local.deploymentId} (${local.version}) ${why}`,
      requests: [
        {
          system: 'ece' as const,
          environment: local.environment,
          deploymentId: local.deploymentId,
          method: 'POST' as const,
          path: `/api/v1/deployments/${local.deploymentId}/elasticsearch/${local.refId}/_restart`,
        },
      ],
      changes: [
        {
          what: `Elasticsearch ${local.refId} of ${local.deploymentId}`,
          before: 'running',
          after: 'restarted (a plan)',
        },
      ],
    };
  };
}

export const changes = {
  restartElasticsearch: describeRestart('to load the keystore credential'),
} satisfies StepDescribers;
