import { ApplicationFailure } from '@temporalio/common';
import { type StepInput } from '../../domain/activities';
import { FailureType } from '../../domain/failures';
import { type ApiKeyRecord, type CreatedResource, type UndoReport } from '../../domain/records';
import { type Deps, type StepContext } from '../context';
import {
  createCrossClusterApiKey as createKeyInElasticsearch,
  getApiKeysByName,
  invalidateApiKeys,
  isActive,
} from '../elasticsearch/api-keys';
import { apiKeyCarriesMark, apiKeyMetadata, apiKeyName } from '../marks';
import { esFor, resourceOn } from './shared';

function keyResource(input: StepInput, id: string, name: string): CreatedResource {
  const remote = input.preflight.remote;
  return resourceOn(remote, {
    step: 'api-key',
    kind: 'api-key',
    id,
    description: `cross-cluster API key "${name}" (${id}) on ${remote.deploymentId}`,
  });
}

/**
 * Cross-cluster API key on the remote deployment. The secret exists only in the create response,
 * so an active key of this run found first (an earlier attempt whose response was lost) is
 * invalidated and a fresh one created: afterwards exactly one active key carries the name.
 */
export async function createCrossClusterApiKey(deps: Deps, ctx: StepContext, input: StepInput): Promise<ApiKeyRecord> {
  const { request, connectionId } = input;
  const es = esFor(deps, input.preflight.remote);
  const name = apiKeyName(request.alias, connectionId);
  const stale = (await getApiKeysByName(es, name, ctx.signal)).filter(
    (k) => isActive(k) && apiKeyCarriesMark(k.metadata, connectionId),
  );
  if (stale.length > 0)
    await invalidateApiKeys(
      es,
      stale.map((k) => k.id),
      ctx.signal,
    );
  if (!request.access) {
    throw ApplicationFailure.create({
      message: 'request.access is required for the api_key model',
      type: FailureType.BadRequest,
      nonRetryable: true,
    });
  }
  const key = await createKeyInElasticsearch(
    es,
    {
      name,
      access: request.access,
      ...(request.apiKeyExpiration ? { expiration: request.apiKeyExpiration } : {}),
      metadata: apiKeyMetadata(connectionId, request.local.deploymentId, request.alias),
    },
    ctx.signal,
  );
  return {
    attempt: ctx.attempt,
    created: [keyResource(input, key.id, name)],
    detail: `created cross-cluster API key "${name}" (${key.id})${stale.length ? `, invalidated ${stale.length} earlier key(s) of this run whose secret was lost` : ''}`,
    keyId: key.id,
    keyName: name,
    sealedEncoded: deps.sealer.seal(key.encoded, connectionId),
    ...(key.expiration !== undefined ? { expiration: key.expiration } : {}),
  };
}

/** Invalidate every active key with this run's name and mark (works after a lost response). */
export async function invalidateCrossClusterApiKey(
  deps: Deps,
  ctx: StepContext,
  input: StepInput,
): Promise<UndoReport> {
  const es = esFor(deps, input.preflight.remote);
  const name = apiKeyName(input.request.alias, input.connectionId);
  const ours = (await getApiKeysByName(es, name, ctx.signal)).filter(
    (k) => isActive(k) && apiKeyCarriesMark(k.metadata, input.connectionId),
  );
  if (ours.length > 0)
    await invalidateApiKeys(
      es,
      ours.map((k) => k.id),
      ctx.signal,
    );
  return {
    attempt: ctx.attempt,
    removed: ours.map((k) => keyResource(input, k.id, name)),
    detail: ours.length ? `invalidated ${ours.map((k) => k.id).join(', ')}` : `no active key named "${name}"`,
  };
}
