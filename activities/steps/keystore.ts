import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../domain/failures';
import { type StepInput } from '../../domain/activities';
import { type ApiKeyRecord, type CreatedResource, type StepRecord, type UndoReport } from '../../domain/records';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { getKeystoreNames, removeKeystoreSecret, setKeystoreSecret } from '../ece/keystore';
import { credentialsSetting } from '../marks';
import { eceFor, planSlot, resourceOn } from './shared';
import { type StepDescribers } from '../changes';
import { REDACTED } from '../../domain/changes';

function secretResource(input: StepInput): CreatedResource {
  const local = input.preflight.local;
  return resourceOn(local, {
    step: 'keystore',
    kind: 'keystore-secret',
    id: credentialsSetting(input.request.alias),
    description: `keystore secret ${credentialsSetting(input.request.alias)} on ${local.deploymentId}`,
  });
}

/** Unseal the cross-cluster key and write it to the local keystore (PATCH overwrites: safe to repeat). */
export async function writeKeystoreCredentials(
  deps: Deps,
  ctx: StepContext,
  input: StepInput & { apiKey: ApiKeyRecord },
): Promise<StepRecord> {
  const local = input.preflight.local;
  if (!input.apiKey.sealedEncoded) {
    throw ApplicationFailure.create({
      message: `key ${input.apiKey.keyId} was updated in place: the keystore keeps its credential`,
      type: FailureType.BadRequest,
      nonRetryable: true,
    });
  }
  const encoded = deps.sealer.unseal(input.apiKey.sealedEncoded, input.connectionId);
  const name = credentialsSetting(input.request.alias);
  // One change at a time per deployment: wait for another change's plan to finish first.
  await planSlot(deps, ctx, local, Date.now() + deps.timing.planSlotWaitMs);
  await setKeystoreSecret(eceFor(deps, local), local.deploymentId, local.refId, name, encoded, ctx.signal);
  return {
    attempt: ctx.attempt,
    created: input.preflight.localAliasBefore?.keystoreCredentials ? [] : [secretResource(input)],
    detail: `wrote ${name} (key ${input.apiKey.keyId}) to the keystore of ${local.deploymentId}`,
  };
}

/** Remove the secret, only when preflight saw it absent. */
export async function removeKeystoreCredentials(deps: Deps, ctx: StepContext, input: StepInput): Promise<UndoReport> {
  const local = input.preflight.local;
  const name = credentialsSetting(input.request.alias);
  if (input.preflight.localAliasBefore?.keystoreCredentials) {
    return { attempt: ctx.attempt, removed: [], detail: `${name} was there before the run: left in place` };
  }
  const ece = eceFor(deps, local);
  const present = (await getKeystoreNames(ece, local.deploymentId, local.refId, ctx.signal)).includes(name);
  if (present) await planSlot(deps, ctx, local, Date.now() + deps.timing.planSlotWaitMs);
  if (present) await removeKeystoreSecret(ece, local.deploymentId, local.refId, name, ctx.signal);
  return {
    attempt: ctx.attempt,
    removed: present ? [secretResource(input)] : [],
    detail: present ? `removed ${name}` : `${name} is not in the keystore`,
  };
}

export const activities = { writeKeystoreCredentials, removeKeystoreCredentials } satisfies StepImplementations;

/** What the keystore write sends: the credential of the new key under the alias's setting (its value redacted). */
async function describeKeystoreWrite(_deps: Deps, _ctx: StepContext, input: StepInput & { apiKey: ApiKeyRecord }) {
  const local = input.preflight.local;
  const name = credentialsSetting(input.request.alias);
  return {
    summary: `${name} (the credential of key ${input.apiKey.keyId}) in the keystore of ${local.deploymentId}`,
    requests: [keystoreRequest(input, { secrets: { [name]: { value: REDACTED, as_file: false } } })],
    changes: [
      {
        what: `keystore secret ${name}`,
        before: input.preflight.localAliasBefore?.keystoreCredentials ? 'set' : 'absent',
        after: `key ${input.apiKey.keyId}`,
      },
    ],
  };
}

async function describeKeystoreRemoval(deps: Deps, ctx: StepContext, input: StepInput) {
  const local = input.preflight.local;
  const name = credentialsSetting(input.request.alias);
  const present =
    !input.preflight.localAliasBefore?.keystoreCredentials &&
    (await getKeystoreNames(eceFor(deps, local), local.deploymentId, local.refId, ctx.signal)).includes(name);
  return {
    summary: present ? `remove ${name} from the keystore of ${local.deploymentId}` : `${name}: nothing to remove`,
    requests: present ? [keystoreRequest(input, { secrets: { [name]: {} } })] : [],
    changes: present ? [{ what: `keystore secret ${name}`, before: 'set', after: 'absent' }] : [],
  };
}

function keystoreRequest(input: StepInput, body: unknown) {
  const local = input.preflight.local;
  return {
    system: 'ece' as const,
    environment: local.environment,
    deploymentId: local.deploymentId,
    method: 'PATCH' as const,
    path: `/api/v1/deployments/${local.deploymentId}/elasticsearch/${local.refId}/keystore`,
    body,
  };
}

export const changes = {
  writeKeystoreCredentials: describeKeystoreWrite,
  removeKeystoreCredentials: describeKeystoreRemoval,
} satisfies StepDescribers;
