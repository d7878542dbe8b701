/**
 * `crosslink rotate` (workflow type ROTATE_WORKFLOW, workflow id = the connection id): a new
 * cross-cluster API key beside the working one, the keystore credential replaced under the same
 * alias, reloaded (a restart, always gated, where the version loads keystore changes only then),
 * verified, and only then the old key invalidated. Until that last step the old key stays valid:
 * on any failure the undos, newest first, write the old credential back into the keystore (from
 * its sealed copy in the request; the worker unseals it) and load it, then invalidate the new key.
 *
 * Limits, said plainly: Elasticsearch does not report which credential its nodes hold, so
 * "verified with the new key" rests on the load rule (8.14+ loads a keystore change, before only a
 * restart does) plus `_remote/info` and `_resolve/cluster`; a last verify after the old key is
 * invalidated catches a node that kept the old credential, and then says to restart (an
 * invalidated key cannot be put back). With `noRestore` there is no old credential to write back:
 * a failure after the keystore write keeps both keys valid and the new credential in place.
 */
import { ApplicationFailure, upsertSearchAttributes } from '@temporalio/workflow';
import {
  type ActivityName,
  type ApiKeyRecord,
  FailureType,
  type LifecycleChangeReport,
  OPERATION_KEY,
  ROTATION,
  RotateRequest,
  type RotateRequestInput,
  type RotateStepInput,
  STEP_CATALOG as STEPS,
  STEP_IDS,
  type StepId,
  type StepInput,
  preflightFacts,
  type UndoReport,
  connectionId,
} from '../domain';
import { verify } from './common-steps';
import { rollBack } from './connect-remote-cluster';
import { describeFailure } from './failures';
import { badInput } from './lifecycle-input';
import { inspectConnection } from './lifecycle-inspect';
import { LifecycleProgress, lifecycleRun } from './lifecycle-progress';
import { type ConnectionProgress, type Recorded } from './progress';
import { type StepRunner } from './step-runner';

/** The gate a rotation waits for where the version needs a restart to load the new credential. */
export const ROTATE_RESTART_GATE: StepId = 'restart';

export async function rotateConnection(input: RotateRequestInput): Promise<LifecycleChangeReport> {
  const parsed = RotateRequest.safeParse(input);
  if (!parsed.success) throw badInput('request', parsed.error);
  const ask = parsed.data;
  const id = connectionId(ask);
  upsertSearchAttributes([{ key: OPERATION_KEY, value: 'rotate' }]);
  const live = new LifecycleProgress(id, ask.requestedBy);
  const inspected = await inspectConnection({
    connectionId: id,
    requestedBy: ask.requestedBy,
    gates: [ROTATE_RESTART_GATE],
    deadline: ask.deadline,
    change: { verifyTimeout: ask.verifyTimeout, ...(ask.expiration ? { apiKeyExpiration: ask.expiration } : {}) },
  });
  const { request, preflight } = inspected;
  const old = preflight.existingKey;
  if (!old) {
    throw ApplicationFailure.create({
      type: FailureType.PreflightRefused,
      message: `the connection ${id} has no single working key to rotate (it is not in place, or a cut-short run left several live keys): run crosslink disconnect, then connect`,
      nonRetryable: true,
    });
  }
  const { progress, gates, saga, steps } = lifecycleRun(id, inspected, live);
  const rows: Partial<Record<StepId, string>> = {
    'api-key': 'a new key beside the working one; the old key is invalidated only after verify',
    keystore: 'the credential replaced under the same alias',
    restart: 'reload; a restart (gated) where the version needs one',
    verify: '',
  };
  progress.applyDecisions(
    STEP_IDS.map((step) => ({ id: step, applies: step in rows, reason: 'a rotation changes only the key' })),
  );

  const stepInput: StepInput = { connectionId: id, request, preflight: preflightFacts(preflight) };
  const rotateInput: RotateStepInput = {
    ...stepInput,
    ...(ask.previousCredential ? { previousCredential: ask.previousCredential } : {}),
  };
  let keystoreWritten = false;
  let restarted = false;
  const changes: string[] = [];

  /** One step of the rotation: its policy gate (restart: inside, only where needed), its undo registered before it runs, its records. */
  async function phase<T extends Recorded>(
    step: StepId,
    work: () => Promise<T[]>,
    undo?: { activity: ActivityName; run: () => Promise<UndoReport> },
    gateInside = false,
  ): Promise<T[]> {
    if (!gateInside) await steps.approve(step);
    progress.stepStarted(step);
    if (undo) saga.register({ step, ...undo });
    try {
      const records = await work();
      progress.stepSucceeded(step, records);
      changes.push(...records.map((r) => r.detail ?? '').filter(Boolean));
      return records;
    } catch (err) {
      progress.stepFailed(step, describeFailure(err).message);
      throw err;
    }
  }

  try {
    const [newKey] = await phase<ApiKeyRecord>(
      'api-key',
      async () => [await steps.call(ROTATION.createKey, rotateInput)],
      {
        activity: ROTATION.invalidateNewKey.name,
        run: () =>
          ask.noRestore && keystoreWritten
            ? Promise.resolve({
                attempt: 1,
                removed: [],
                detail:
                  'kept the new key: the keystore holds its credential and there is no old one to put back (no restore)',
              })
            : steps.call(ROTATION.invalidateNewKey, rotateInput, 'api-key'),
      },
    );
    await phase(
      'keystore',
      async () => {
        keystoreWritten = true;
        return [await steps.call(STEPS.keystore.activity, { ...stepInput, apiKey: newKey! })];
      },
      {
        activity: ROTATION.restoreKeystore.name,
        run: () => steps.call(ROTATION.restoreKeystore, { ...rotateInput, restart: restarted }, 'keystore'),
      },
    );
    await phase(
      'restart',
      async () => {
        const reload = await steps.call(ROTATION.reload, stepInput);
        if (reload.loaded) return [reload];
        await gates.waitFor(ROTATE_RESTART_GATE);
        restarted = true;
        return [reload, await steps.call(ROTATION.restart, stepInput)];
      },
      undefined,
      true,
    );
    const verification = await verify(steps, stepInput);
    progress.stepStarted('api-key');
    const invalidated = await steps.call(ROTATION.invalidateOldKey, rotateInput);
    progress.stepSucceeded('api-key', [invalidated], `${newKey!.detail}; after verify: ${invalidated.detail}`);
    changes.push(invalidated.detail ?? '');
    return await confirm(steps, stepInput, progress, {
      connectionId: id,
      operation: 'rotate',
      state: 'connected',
      changes,
      verification: verification.detail ?? '',
    });
  } catch (err) {
    if (err instanceof AfterInvalidation) throw err.failure;
    return await rollBack(steps, err);
  }
}

/** A failure once the old key is gone: nothing to roll back to. */
class AfterInvalidation extends Error {
  constructor(readonly failure: ApplicationFailure) {
    super(failure.message);
  }
}

/** The last verify, with only the new key valid: a node that kept the old credential shows here. */
async function confirm(
  steps: StepRunner,
  input: StepInput,
  progress: ConnectionProgress,
  report: LifecycleChangeReport,
): Promise<LifecycleChangeReport> {
  try {
    const last = await steps.call(STEPS.verify.activity, input);
    if (!last.connected) throw new Error(last.detail);
  } catch (err) {
    progress.finished('failed');
    throw new AfterInvalidation(
      ApplicationFailure.create({
        type: FailureType.VerificationFailed,
        message: `the old key is invalidated and the connection does not verify with the new key alone (${describeFailure(err).message}): the nodes may still hold the old credential. The new key is valid and in the keystore: restart the local deployment to load it`,
        nonRetryable: true,
        details: [progress.snapshot()],
      }),
    );
  }
  progress.finished('connected');
  return report;
}
