/**
 * Rotate's load of the replaced credential on the local deployment. The old credential is loaded
 * already, so `_remote/info` showing `cluster_credentials` proves nothing: the reload always runs,
 * and a restart (the row's follow-up, gated) where the version does not load keystore changes by itself.
 */
import { type StepInput } from '../../domain/activities';
import { type KeystoreLoadReport } from '../../domain/records';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { elasticsearchResource, getDeployment, planPending } from '../ece/deployments';
import { restartElasticsearchResource } from '../ece/restart';
import { reloadSecureSettings as reloadNodes } from '../elasticsearch/cluster';
import { eceFor, esFor, planSlot, resourceOn, waitPlan } from './shared';
import { API_KEY_GA, atLeast } from './versions';
import { type StepDescribers } from '../changes';
import { describeRestart } from './restart';

/** From 8.14 a keystore change reaches the nodes at once (the API key model's GA); before, only a restart's plan brings it. */
export function loadsKeystoreChanges(version: string): boolean {
  return atLeast(version, API_KEY_GA);
}

/** `_nodes/reload_secure_settings` always: the nodes then hold what they see. */
export async function reloadRotatedCredentials(
  deps: Deps,
  ctx: StepContext,
  input: StepInput,
): Promise<KeystoreLoadReport> {
  const local = input.preflight.local;
  await reloadNodes(esFor(deps, local), ctx.signal);
  const loaded = loadsKeystoreChanges(local.version);
  return {
    attempt: ctx.attempt,
    created: [],
    detail: loaded
      ? `reloaded the secure settings of ${local.deploymentId} (${local.version} loads keystore changes)`
      : `reloaded the secure settings of ${local.deploymentId}, but ${local.version} loads a keystore change only after a restart`,
    loaded,
    via: loaded ? 'reload' : 'not-loaded',
  };
}

/** Restart local Elasticsearch and wait for its plan; a plan already running (a lost response) is waited for instead. */
export async function restart(deps: Deps, ctx: StepContext, input: StepInput): Promise<void> {
  const local = input.preflight.local;
  const ece = eceFor(deps, local);
  const { deployment } = await getDeployment(ece, local.deploymentId, ctx.signal);
  if (!planPending(elasticsearchResource(ece, deployment, local.refId))) {
    await planSlot(deps, ctx, local, Date.now() + deps.timing.planSlotWaitMs);
    await restartElasticsearchResource(ece, local.deploymentId, local.refId, ctx.signal);
  }
  await waitPlan(deps, ctx, local);
}

export async function restartForRotation(deps: Deps, ctx: StepContext, input: StepInput): Promise<KeystoreLoadReport> {
  await restart(deps, ctx, input);
  const local = input.preflight.local;
  return {
    attempt: ctx.attempt,
    created: [
      resourceOn(local, {
        step: 'restart',
        kind: 'restart',
        id: `${local.deploymentId}/${local.refId}`,
        description: `restarted Elasticsearch ${local.refId} of ${local.deploymentId} to load the new credential`,
      }),
    ],
    detail: `restarted ${local.deploymentId}: the nodes loaded the replaced credential`,
    loaded: true,
    via: 'restart',
  };
}

export const activities = { reloadRotatedCredentials, restartForRotation } satisfies StepImplementations;

export const changes = {
  restartForRotation: describeRestart('to load the new credential'),
} satisfies StepDescribers;
