/**
 * `crosslink rotate` (workflow type ROTATE_WORKFLOW, workflow id = the connection id): the ROTATE
 * plan (domain/plans.ts) on the inspected connection: a new cross-cluster API key beside the
 * working one, the keystore credential replaced under the same alias, reloaded (a restart, always
 * gated, where the version loads keystore changes only then), verified, and only then the old key
 * invalidated. Until that last step the old key stays valid: on any failure the undos, newest
 * first, write the old credential back into the keystore (from its sealed copy in the request; the
 * worker unseals it) and load it, then invalidate the new key.
 *
 * Limits, said plainly: Elasticsearch does not report which credential its nodes hold, so
 * "verified with the new key" rests on the load rule (8.14+ loads a keystore change, before only a
 * restart does) plus `_remote/info` and `_resolve/cluster`; a last verify after the old key is
 * invalidated catches a node that kept the old credential, and then says to restart (an
 * invalidated key cannot be put back). With `noRestore` there is no old credential to write back:
 * a failure after the keystore write keeps both keys valid and the new credential in place.
 */
import {
  type LifecycleChangeReport,
  ROTATE,
  RotateRequest,
  type RotateRequestInput,
  type VerificationReport,
  connectionId,
} from '../domain';
import { inspectForPlan } from './engine/lifecycle';
import { badInput } from './lifecycle-input';

export async function rotateConnection(input: RotateRequestInput): Promise<LifecycleChangeReport> {
  const parsed = RotateRequest.safeParse(input);
  if (!parsed.success) throw badInput('request', parsed.error);
  const ask = parsed.data;
  const id = connectionId(ask);
  const { runner } = await inspectForPlan(
    ROTATE,
    {
      connectionId: id,
      requestedBy: ask.requestedBy,
      deadline: ask.deadline,
      change: { verifyTimeout: ask.verifyTimeout, ...(ask.expiration ? { apiKeyExpiration: ask.expiration } : {}) },
    },
    { noRestore: ask.noRestore, ...(ask.previousCredential ? { previousCredential: ask.previousCredential } : {}) },
  );
  await runner.run(ROTATE);
  await runner.finish('connected');
  const changes = [
    ...runner.records('rotate-key'),
    ...runner.records('rotate-keystore'),
    ...runner.records('rotate-reload'),
    ...runner.records('invalidate-replaced-key'),
  ].map((r) => r.detail ?? '');
  return {
    connectionId: id,
    operation: 'rotate',
    state: 'connected',
    changes: changes.filter(Boolean),
    verification: (runner.records('verify')[0] as VerificationReport | undefined)?.detail ?? '',
  };
}
