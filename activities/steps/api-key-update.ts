/**
 * The api-key step on a connection that exists (preflight's `existingKey`): the working key is
 * updated in place (`PUT /_security/cross_cluster/api_key/<id>`), never invalidated, so the
 * credential in the local keystore keeps working throughout; the undo puts its previous access back.
 */
import { ApplicationFailure } from '@temporalio/common';
import { type StepInput } from '../../domain/activities';
import { FailureType } from '../../domain/failures';
import { type ApiKeyRecord, type CreatedResource, type UndoReport } from '../../domain/records';
import { type Deps, type StepContext } from '../context';
import { getApiKeysByName, isActive, updateCrossClusterApiKey } from '../elasticsearch/api-keys';
import { accessMatches } from './existing-key';
import { esFor, resourceOn } from './shared';

type Existing = NonNullable<StepInput['preflight']['existingKey']>;

function keyResource(input: StepInput, existing: Existing): CreatedResource {
  const remote = input.preflight.remote;
  return resourceOn(remote, {
    step: 'api-key',
    kind: 'api-key',
    id: existing.keyId,
    description: `access of cross-cluster API key "${existing.keyName}" (${existing.keyId}) on ${remote.deploymentId}`,
  });
}

async function liveKey(deps: Deps, ctx: StepContext, input: StepInput, existing: Existing) {
  const es = esFor(deps, input.preflight.remote);
  const key = (await getApiKeysByName(es, existing.keyName, ctx.signal)).find((k) => k.id === existing.keyId);
  return { es, key: key && isActive(key) ? key : undefined };
}

/** Sets the requested access on the existing key (a repeat finds it set and changes nothing). */
export async function updateKeyInPlace(
  deps: Deps,
  ctx: StepContext,
  input: StepInput,
  existing: Existing,
): Promise<ApiKeyRecord> {
  const { es, key } = await liveKey(deps, ctx, input, existing);
  if (!key) {
    throw ApplicationFailure.create({
      message: `the key ${existing.keyId} of the connection ${input.connectionId} is no longer active on ${input.preflight.remote.deploymentId}: run crosslink rotate or disconnect and connect again`,
      type: FailureType.PreflightRefused,
      nonRetryable: true,
    });
  }
  const access = input.request.access as Record<string, unknown>;
  const changed = accessMatches(key.access, access)
    ? false
    : await updateCrossClusterApiKey(es, existing.keyId, { access }, ctx.signal);
  return {
    attempt: ctx.attempt,
    created: changed ? [keyResource(input, existing)] : [],
    detail: changed
      ? `updated the access of cross-cluster API key "${existing.keyName}" (${existing.keyId}) in place`
      : `cross-cluster API key ${existing.keyId} already grants the requested access`,
    keyId: existing.keyId,
    keyName: existing.keyName,
    updatedInPlace: true,
  };
}

/** Puts the key's access from before the run back; the key itself stays (it is the working one). */
export async function restoreKeyAccess(
  deps: Deps,
  ctx: StepContext,
  input: StepInput,
  existing: Existing,
): Promise<UndoReport> {
  const { es, key } = await liveKey(deps, ctx, input, existing);
  const resource = keyResource(input, existing);
  if (!key) return { attempt: ctx.attempt, removed: [], detail: `key ${existing.keyId} is no longer active` };
  if (!existing.access) {
    return {
      attempt: ctx.attempt,
      removed: [],
      kept: [{ resource, reason: 'Elasticsearch did not return its earlier access, so it cannot be put back' }],
      detail: `kept the access of ${existing.keyId}: its earlier access is unknown`,
    };
  }
  if (accessMatches(key.access, existing.access)) {
    return { attempt: ctx.attempt, removed: [], detail: `key ${existing.keyId} grants its earlier access` };
  }
  await updateCrossClusterApiKey(es, existing.keyId, { access: existing.access }, ctx.signal);
  return {
    attempt: ctx.attempt,
    removed: [resource],
    detail: `put the earlier access of key ${existing.keyId} back (the key stays: it is the working one)`,
  };
}
