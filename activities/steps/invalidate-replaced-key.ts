/**
 * Rotate, once the new key is verified: the replaced (old) key invalidated. Idempotent: an
 * invalidated key stays invalidated. After this there is nothing to roll back to.
 */
import { type RotateStepInput } from '../../domain/activities';
import { type StepRecord } from '../../domain/records';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { invalidateApiKeys } from '../elasticsearch/api-keys';
import { working } from './rotate-key';
import { esFor } from './shared';
import { type StepDescribers, esRequest } from '../changes';

/** After the new key is verified: the old key goes (idempotent: an invalidated key stays invalidated). */
export async function invalidateReplacedApiKey(
  deps: Deps,
  ctx: StepContext,
  input: RotateStepInput,
): Promise<StepRecord> {
  const old = working(input);
  const es = esFor(deps, input.preflight.remote);
  await invalidateApiKeys(es, [old.keyId], ctx.signal);
  return { attempt: ctx.attempt, created: [], detail: `invalidated the replaced key ${old.keyId}` };
}

export const activities = { invalidateReplacedApiKey } satisfies StepImplementations;

async function describeInvalidateReplaced(_deps: Deps, _ctx: StepContext, input: RotateStepInput) {
  const old = working(input);
  return {
    summary: `invalidate the replaced key ${old.keyId} on ${input.preflight.remote.deploymentId}`,
    requests: [esRequest(input.preflight.remote, 'DELETE', '/_security/api_key', { ids: [old.keyId] })],
    changes: [{ what: `cross-cluster API key ${old.keyId}`, before: 'active', after: 'invalidated' }],
  };
}

export const changes = { invalidateReplacedApiKey: describeInvalidateReplaced } satisfies StepDescribers;
