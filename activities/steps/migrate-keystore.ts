/**
 * A migration's keystore step on the local deployment: the catalog's keystore write adds the new
 * key's credential under the alias (keystore.ts). While the nodes hold a credential for an alias
 * the API key model applies to it, so the undo must also make the nodes drop it, or the certificate
 * settings written back would not connect: from 8.14 the removal reaches the nodes at once and a
 * reload confirms it; before, only a restart does, which the undo repeats when the migration restarted.
 */
import { ApplicationFailure } from '@temporalio/common';
import { type StepInput } from '../../domain/activities';
import { FailureType } from '../../domain/failures';
import { type ApiKeyRecord, type UndoReport } from '../../domain/records';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { getRemoteInfo, reloadSecureSettings as reloadNodes } from '../elasticsearch/cluster';
import { credentialsSetting } from '../marks';
import { removeKeystoreCredentials } from './keystore';
import { restart } from './rotate-reload';
import { esFor } from './shared';

export async function removeMigratedCredentials(
  deps: Deps,
  ctx: StepContext,
  input: StepInput & { apiKey: ApiKeyRecord; restart?: boolean },
): Promise<UndoReport> {
  const removal = await removeKeystoreCredentials(deps, ctx, input);
  const local = input.preflight.local;
  const es = esFor(deps, local);
  if (input.restart) await restart(deps, ctx, input);
  else await reloadNodes(es, ctx.signal);
  const stillLoaded = (await getRemoteInfo(es, ctx.signal))[input.request.alias]?.cluster_credentials !== undefined;
  const how = input.restart ? 'restarted' : 'reloaded';
  if (stillLoaded) {
    // A restart is a gated change: an undo never makes one the migration was not approved for.
    throw ApplicationFailure.create({
      message: `${removal.detail}; ${how} ${local.deploymentId}, but its nodes still hold ${credentialsSetting(input.request.alias)}: restart the local deployment so the certificate settings connect again`,
      type: FailureType.VerificationFailed,
      nonRetryable: true,
    });
  }
  return {
    ...removal,
    detail: `${removal.detail}; ${how} ${local.deploymentId}: no credential loaded for ${input.request.alias}`,
  };
}

export const activities = { removeMigratedCredentials } satisfies StepImplementations;
