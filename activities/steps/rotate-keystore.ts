/**
 * Rotate's keystore step on the local deployment: the catalog's keystore write replaces the
 * credential under the same name (keystore.ts); the undo here writes the old credential back from
 * its sealed copy and loads it the way the rotation loaded the new one (rotate-reload.ts).
 */
import { type RotateStepInput } from '../../domain/activities';
import { type CreatedResource, type UndoReport } from '../../domain/records';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { setKeystoreSecret } from '../ece/keystore';
import { reloadSecureSettings as reloadNodes } from '../elasticsearch/cluster';
import { credentialsSetting } from '../marks';
import { restart } from './rotate-reload';
import { eceFor, esFor, planSlot, resourceOn } from './shared';

/**
 * Undo of the keystore step: the old credential (unsealed from the rotate request) back under the
 * same name, then loaded: reloaded, or restarted again when the rotation restarted (`restart`).
 */
export async function restoreKeystoreCredentials(
  deps: Deps,
  ctx: StepContext,
  input: RotateStepInput & { restart?: boolean },
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

export const activities = { restoreKeystoreCredentials } satisfies StepImplementations;
