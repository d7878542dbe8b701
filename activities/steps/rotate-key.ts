/**
 * Rotate's key steps on the remote deployment: a new cross-cluster API key beside the working one
 * (same name, this connection's marks, this run's mark), its undo, and, once the new key is
 * verified, the old key's invalidation (invalidate-replaced-key.ts). The working key (preflight's `existingKey`) is never
 * touched before that last step, so a failed rotation leaves it valid.
 */
import { ApplicationFailure } from '@temporalio/common';
import { type RotateStepInput } from '../../domain/activities';
import { FailureType } from '../../domain/failures';
import { type ApiKeyRecord, type CreatedResource, type UndoReport } from '../../domain/records';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import {
  createCrossClusterApiKey as createKeyInElasticsearch,
  getApiKeysByName,
  invalidateApiKeys,
  isActive,
} from '../elasticsearch/api-keys';
import { type ApiKeyInfo } from '../elasticsearch/schemas';
import { apiKeyCarriesMark, apiKeyMetadata, apiKeyName, apiKeyRunOf } from '../marks';
import { esFor, resourceOn } from './shared';
import { type StepDescribers, esRequest } from '../changes';

function keyResource(input: RotateStepInput, id: string, what: string): CreatedResource {
  const remote = input.preflight.remote;
  return resourceOn(remote, {
    step: 'api-key',
    kind: 'api-key',
    id,
    description: `${what} cross-cluster API key (${id}) on ${remote.deploymentId}`,
  });
}

/** The working key the rotation replaces (preflight's `existingKey`); refused when there is none. */
export function working(input: RotateStepInput) {
  const existing = input.preflight.existingKey;
  if (existing) return existing;
  throw ApplicationFailure.create({
    message: `the connection ${input.connectionId} has no single working key to rotate (no connection in place, or several live keys after a cut-short run): run crosslink disconnect, then connect`,
    type: FailureType.PreflightRefused,
    nonRetryable: true,
  });
}

/** Live keys of this connection made by this very run (not the working key). */
async function keysOfThisRun(deps: Deps, ctx: StepContext, input: RotateStepInput) {
  const es = esFor(deps, input.preflight.remote);
  const old = working(input).keyId;
  const name = apiKeyName(input.request.alias, input.connectionId);
  const mine = (k: ApiKeyInfo) =>
    k.id !== old &&
    isActive(k) &&
    apiKeyCarriesMark(k.metadata, input.connectionId) &&
    !!ctx.runId &&
    apiKeyRunOf(k.metadata)?.runId === ctx.runId;
  return { es, name, keys: (await getApiKeysByName(es, name, ctx.signal)).filter(mine) };
}

/**
 * Refuses, before anything changes, a previous credential that does not open (other sealing key,
 * other connection) or that is not the working key's: the undo could not put it back.
 */
function checkPreviousCredential(deps: Deps, input: RotateStepInput, oldKeyId: string): void {
  if (!input.previousCredential) return;
  const encoded = deps.sealer.unseal(input.previousCredential, input.connectionId);
  const id = Buffer.from(encoded, 'base64').toString('utf8').split(':')[0];
  if (id !== oldKeyId) {
    throw ApplicationFailure.create({
      message: `the previous credential given is for key ${id ?? '?'}, but the working key of ${input.connectionId} is ${oldKeyId}: a failed rotation could not put the working credential back. Give the sealed credential of key ${oldKeyId}, or --no-restore`,
      type: FailureType.PreflightRefused,
      nonRetryable: true,
    });
  }
}

/** A new key with the working key's name and access; a repeat after a lost response replaces its own earlier key. */
export async function createRotatedApiKey(deps: Deps, ctx: StepContext, input: RotateStepInput): Promise<ApiKeyRecord> {
  const old = working(input);
  checkPreviousCredential(deps, input, old.keyId);
  const { es, name, keys: stale } = await keysOfThisRun(deps, ctx, input);
  // The secret exists only in the create response: a key of this run whose response was lost is useless.
  if (stale.length > 0)
    await invalidateApiKeys(
      es,
      stale.map((k) => k.id),
      ctx.signal,
    );
  const { request, connectionId } = input;
  const key = await createKeyInElasticsearch(
    es,
    {
      name,
      access: (old.access ?? request.access) as NonNullable<typeof request.access>,
      ...(request.apiKeyExpiration ? { expiration: request.apiKeyExpiration } : {}),
      metadata: apiKeyMetadata(connectionId, request.local.deploymentId, request.alias, {
        workflowId: ctx.workflowId ?? connectionId,
        ...(ctx.runId ? { runId: ctx.runId } : {}),
      }),
    },
    ctx.signal,
  );
  return {
    attempt: ctx.attempt,
    created: [keyResource(input, key.id, 'new')],
    detail: `created the new key ${key.id} beside the working key ${old.keyId}${request.apiKeyExpiration ? `, expiring in ${request.apiKeyExpiration}` : ''}`,
    keyId: key.id,
    keyName: name,
    sealedEncoded: deps.sealer.seal(key.encoded, connectionId),
    ...(key.expiration !== undefined ? { expiration: key.expiration } : {}),
  };
}

/** Undo: invalidate the new key(s) of this run; the working key stays valid. */
export async function invalidateRotatedApiKey(
  deps: Deps,
  ctx: StepContext,
  input: RotateStepInput,
): Promise<UndoReport> {
  const { es, keys } = await keysOfThisRun(deps, ctx, input);
  if (keys.length > 0)
    await invalidateApiKeys(
      es,
      keys.map((k) => k.id),
      ctx.signal,
    );
  return {
    attempt: ctx.attempt,
    removed: keys.map((k) => keyResource(input, k.id, 'new')),
    detail: keys.length
      ? `invalidated the new key ${keys.map((k) => k.id).join(', ')}; the working key ${working(input).keyId} stays valid`
      : 'no new key of this run is active',
  };
}

export const activities = { createRotatedApiKey, invalidateRotatedApiKey } satisfies StepImplementations;

async function describeRotatedKey(_deps: Deps, ctx: StepContext, input: RotateStepInput) {
  const old = working(input);
  const { request, connectionId } = input;
  const body = {
    name: apiKeyName(request.alias, connectionId),
    access: old.access ?? request.access,
    ...(request.apiKeyExpiration ? { expiration: request.apiKeyExpiration } : {}),
    metadata: apiKeyMetadata(connectionId, request.local.deploymentId, request.alias, {
      workflowId: ctx.workflowId ?? connectionId,
      ...(ctx.runId ? { runId: ctx.runId } : {}),
    }),
  };
  return {
    summary: `a new key beside ${old.keyId} on ${input.preflight.remote.deploymentId}, with the same access`,
    requests: [esRequest(input.preflight.remote, 'POST', '/_security/cross_cluster/api_key', body)],
    changes: [{ what: `cross-cluster API key "${body.name}"`, after: { access: body.access } }],
  };
}

export const changes = { createRotatedApiKey: describeRotatedKey } satisfies StepDescribers;
