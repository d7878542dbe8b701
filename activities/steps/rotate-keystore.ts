/**
 * Rotate's keystore side on the local deployment. The catalog's keystore write replaces the
 * credential under the same name; these load it (the old credential is loaded already, so
 * `_remote/info` showing `cluster_credentials` proves nothing: the reload always runs, and a
 * restart where the version does not load keystore changes by itself), and the undo writes the
 * old credential back from its sealed copy and loads it the same way.
 */
import { type RotateStepInput, type StepInput } from '../../domain/activities';
import { type CreatedResource, type KeystoreLoadReport, type UndoReport } from '../../domain/records';
import { type Deps, type StepContext } from '../context';
import { elasticsearchResource, getDeployment, planPending } from '../ece/deployments';
import { setKeystoreSecret } from '../ece/keystore';
import { restartElasticsearchResource } from '../ece/restart';
import { reloadSecureSettings as reloadNodes } from '../elasticsearch/cluster';
import { credentialsSetting } from '../marks';
import { eceFor, esFor, planSlot, resourceOn, waitPlan } from './shared';
import { API_KEY_GA, atLeast } from './versions';

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
async function restart(deps: Deps, ctx: StepContext, input: StepInput): Promise<void> {
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

/**
 * Undo of the keystore step: the old credential (unsealed from the rotate request) back under the
 * same name, then loaded: reloaded, or restarted again when the rotation restarted (`restart`).
 */
export async function restoreKeystoreCredentials(
  deps: Deps,
  ctx: StepContext,
  input: RotateStepInput & { restart: boolean },
): Promise<UndoReport> {
  const local = input.preflight.local;
  const name = credentialsSetting(input.request.alias);
  const resource: CreatedResource = resourceOn(local, {
    step: 'keystore',
    kind: 'keystore-secret',
    id: name,
    description: `the new credential in ${name} on ${local.deploymentId}`,
  });
  if (!input.previousCredential) {
    return {
      attempt: ctx.attempt,
      removed: [],
      kept: [{ resource, reason: 'the rotation ran with --no-restore: there is no old credential to put back' }],
      detail: `${name} keeps the new key's credential (no restore); the new key stays valid`,
    };
  }
  const encoded = deps.sealer.unseal(input.previousCredential, input.connectionId);
  await planSlot(deps, ctx, local, Date.now() + deps.timing.planSlotWaitMs);
  await setKeystoreSecret(eceFor(deps, local), local.deploymentId, local.refId, name, encoded, ctx.signal);
  if (input.restart) await restart(deps, ctx, input);
  else await reloadNodes(esFor(deps, local), ctx.signal);
  return {
    attempt: ctx.attempt,
    removed: [resource],
    detail: `put the working key's credential back in ${name} and ${input.restart ? 'restarted' : 'reloaded'} ${local.deploymentId}`,
  };
}
