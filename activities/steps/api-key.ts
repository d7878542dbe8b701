import { ApplicationFailure } from '@temporalio/common';
import { type StepInput } from '../../domain/activities';
import { FailureType } from '../../domain/failures';
import { normalizeAccess } from '../../domain/access';
import { type ApiKeyRecord, type CreatedResource, type UndoReport } from '../../domain/records';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import {
  createCrossClusterApiKey as createKeyInElasticsearch,
  getApiKeysByName,
  invalidateApiKeys,
  isActive,
} from '../elasticsearch/api-keys';
import { type ApiKeyInfo } from '../elasticsearch/schemas';
import { type RunMark, apiKeyCarriesMark, apiKeyMetadata, apiKeyName, apiKeyRunOf } from '../marks';
import { heldElsewhereMessage, madeByAnotherRun } from './run-ownership';
import { esFor, ownershipConflict, resourceOn } from './shared';
import { restoreKeyAccess, updateKeyInPlace } from './api-key-update';
import { type StepDescribers, esRequest } from '../changes';

function keyResource(input: StepInput, id: string, name: string): CreatedResource {
  const remote = input.preflight.remote;
  return resourceOn(remote, {
    step: 'api-key',
    kind: 'api-key',
    id,
    description: `cross-cluster API key "${name}" (${id}) on ${remote.deploymentId}`,
  });
}

/** This run's mark (the workflow execution); absent outside a workflow. */
function runMark(ctx: StepContext): RunMark | undefined {
  return ctx.workflowId ? { workflowId: ctx.workflowId, ...(ctx.runId ? { runId: ctx.runId } : {}) } : undefined;
}

function heldByAnotherRun(key: ApiKeyInfo, ctx: StepContext): boolean {
  return madeByAnotherRun(key, ctx.workflowId);
}

function heldElsewhere(input: StepInput, key: ApiKeyInfo): ApplicationFailure {
  return ownershipConflict(heldElsewhereMessage(input.connectionId, key, input.preflight.remote.deploymentId));
}

/** Creation order, for two runs that created keys at the same moment to agree which one stays. */
function firstCreated(a: ApiKeyInfo, b: ApiKeyInfo): number {
  const ca = typeof a.creation === 'number' ? a.creation : 0;
  const cb = typeof b.creation === 'number' ? b.creation : 0;
  return ca - cb || a.id.localeCompare(b.id);
}

/**
 * Cross-cluster API key on the remote deployment; one live key per connection. A live key of this
 * connection made by another workflow means another run holds the connection: refused, naming it.
 * An active key of this run found first (an earlier attempt whose response was lost) is
 * invalidated and a fresh one created, since the secret exists only in the create response. Two
 * runs creating at the same moment both look again afterwards; the later key's run withdraws it.
 */
export async function createCrossClusterApiKey(deps: Deps, ctx: StepContext, input: StepInput): Promise<ApiKeyRecord> {
  // The connection exists: converge on its working key, never replace it (api-key-update.ts).
  if (input.preflight.existingKey) return updateKeyInPlace(deps, ctx, input, input.preflight.existingKey);
  const { request, connectionId } = input;
  const es = esFor(deps, input.preflight.remote);
  const name = apiKeyName(request.alias, connectionId);
  const live = async () =>
    (await getApiKeysByName(es, name, ctx.signal)).filter(
      (k) => isActive(k) && apiKeyCarriesMark(k.metadata, connectionId),
    );
  const found = await live();
  const foreign = found.find((k) => heldByAnotherRun(k, ctx));
  if (foreign) throw heldElsewhere(input, foreign);
  const stale = found;
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
  const run = runMark(ctx);
  const key = await createKeyInElasticsearch(
    es,
    {
      name,
      access: request.access,
      ...(request.apiKeyExpiration ? { expiration: request.apiKeyExpiration } : {}),
      metadata: apiKeyMetadata(connectionId, request.local.deploymentId, request.alias, run),
    },
    ctx.signal,
  );
  // Check-then-create is not atomic: a run of the same connection under another workflow id may
  // have created its key meanwhile. The first-created key stays; the other run withdraws its own.
  const after = await live();
  const rival = after.filter((k) => heldByAnotherRun(k, ctx)).sort(firstCreated)[0];
  const mine = after.find((k) => k.id === key.id);
  if (rival && (!mine || firstCreated(rival, mine) < 0)) {
    await invalidateApiKeys(es, [key.id], ctx.signal);
    throw heldElsewhere(input, rival);
  }
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

/**
 * Invalidate every active key with this connection's name and mark made by this run (works after
 * a lost response); a key of the same connection made by another workflow is that run's, not ours.
 */
export async function invalidateCrossClusterApiKey(
  deps: Deps,
  ctx: StepContext,
  input: StepInput,
): Promise<UndoReport> {
  if (input.preflight.existingKey) return restoreKeyAccess(deps, ctx, input, input.preflight.existingKey);
  const es = esFor(deps, input.preflight.remote);
  const name = apiKeyName(input.request.alias, input.connectionId);
  const marked = (await getApiKeysByName(es, name, ctx.signal)).filter(
    (k) => isActive(k) && apiKeyCarriesMark(k.metadata, input.connectionId),
  );
  // A disconnect reclaims every key of the connection, whichever run made it.
  const foreign = (k: ApiKeyInfo) => !input.reclaim && heldByAnotherRun(k, ctx);
  const ours = marked.filter((k) => !foreign(k));
  const others = marked.filter(foreign);
  if (ours.length > 0)
    await invalidateApiKeys(
      es,
      ours.map((k) => k.id),
      ctx.signal,
    );
  return {
    attempt: ctx.attempt,
    removed: ours.map((k) => keyResource(input, k.id, name)),
    ...(others.length
      ? {
          kept: others.map((k) => ({
            resource: keyResource(input, k.id, name),
            reason: `made by workflow ${apiKeyRunOf(k.metadata)?.workflowId ?? '?'}, which holds this connection`,
          })),
        }
      : {}),
    detail: ours.length
      ? `invalidated ${ours.map((k) => k.id).join(', ')}`
      : `no active key named "${name}" of this run`,
  };
}

export const activities = { createCrossClusterApiKey, invalidateCrossClusterApiKey } satisfies StepImplementations;

/** What the api-key step would send now: a new key with its access, or the working key's access changed in place. */
async function describeApiKey(deps: Deps, ctx: StepContext, input: StepInput) {
  const { request, connectionId } = input;
  const remote = input.preflight.remote;
  const existing = input.preflight.existingKey;
  if (existing) {
    const key = (await getApiKeysByName(esFor(deps, remote), existing.keyName, ctx.signal)).find(
      (k) => k.id === existing.keyId,
    );
    const before = key?.access ?? existing.access;
    return {
      summary: `the access of key ${existing.keyId} on ${remote.deploymentId}, changed in place`,
      requests: [
        esRequest(remote, 'PUT', `/_security/cross_cluster/api_key/${existing.keyId}`, { access: request.access }),
      ],
      // Both sides as Elasticsearch means them (names a list, allow_restricted_indices explicit), so
      // the approver sees what differs, not how Elasticsearch renders a key's access.
      changes: [
        {
          what: `access of cross-cluster API key ${existing.keyId}`,
          before: normalizeAccess(before),
          after: normalizeAccess(request.access),
        },
      ],
    };
  }
  const body = {
    name: apiKeyName(request.alias, connectionId),
    access: request.access,
    ...(request.apiKeyExpiration ? { expiration: request.apiKeyExpiration } : {}),
    metadata: apiKeyMetadata(connectionId, request.local.deploymentId, request.alias, runMark(ctx)),
  };
  return {
    summary: `a cross-cluster API key on ${remote.deploymentId} granting ${accessSummary(request.access)}`,
    requests: [esRequest(remote, 'POST', '/_security/cross_cluster/api_key', body)],
    changes: [
      { what: `cross-cluster API key "${body.name}" on ${remote.deploymentId}`, after: { access: request.access } },
    ],
  };
}

/** `search: logs-*; replication: ...` */
export function accessSummary(access: unknown): string {
  const a = (access ?? {}) as Record<string, Array<{ names?: string[] }> | undefined>;
  return (
    Object.entries(a)
      .map(([kind, grants]) => `${kind}: ${(grants ?? []).flatMap((g) => g.names ?? []).join(', ')}`)
      .join('; ') || 'nothing'
  );
}

/** What the undo would invalidate now (a disconnect's gate shows it). */
async function describeInvalidateKey(deps: Deps, ctx: StepContext, input: StepInput) {
  const remote = input.preflight.remote;
  const name = apiKeyName(input.request.alias, input.connectionId);
  const marked = (await getApiKeysByName(esFor(deps, remote), name, ctx.signal)).filter(
    (k) =>
      isActive(k) && apiKeyCarriesMark(k.metadata, input.connectionId) && (input.reclaim || !heldByAnotherRun(k, ctx)),
  );
  return {
    summary: marked.length
      ? `invalidate key ${marked.map((k) => k.id).join(', ')} on ${remote.deploymentId}`
      : 'no active key to invalidate',
    requests: marked.length
      ? [esRequest(remote, 'DELETE', '/_security/api_key', { ids: marked.map((k) => k.id) })]
      : [],
    changes: marked.map((k) => ({ what: `cross-cluster API key ${k.id}`, before: 'active', after: 'invalidated' })),
  };
}

export const changes = {
  createCrossClusterApiKey: describeApiKey,
  invalidateCrossClusterApiKey: describeInvalidateKey,
} satisfies StepDescribers;
