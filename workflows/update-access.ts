/**
 * `crosslink update-access` (workflow type UPDATE_ACCESS_WORKFLOW, workflow id = the connection
 * id): what the connection's cross-cluster API key grants, changed in place. The connection is
 * inspected (its working key found by its marks), the `api-key` gate is always waited for (the
 * policy's gates apply too), the key is updated in place (the api-key step converging on
 * `existingKey`), the connection verified, and the roles the request names created or updated.
 * Any failure puts the key's previous access back (the api-key undo) and removes roles this run
 * created; the key keeps its id and secret throughout, so the connection never stops working.
 */
import { ApplicationFailure, upsertSearchAttributes } from '@temporalio/workflow';
import {
  FailureType,
  type LifecycleChangeReport,
  OPERATION_KEY,
  STEP_CATALOG as STEPS,
  STEP_IDS,
  type StepId,
  type StepInput,
  preflightFacts,
  UpdateAccessRequest,
  type UpdateAccessRequestInput,
  connectionId,
} from '../domain';
import { verify } from './common-steps';
import { rollBack } from './connect-remote-cluster';
import { badInput } from './lifecycle-input';
import { inspectConnection } from './lifecycle-inspect';
import { LifecycleProgress, lifecycleRun } from './lifecycle-progress';

/** The gate every update-access waits for (the roles named ride on the same approval). */
export const UPDATE_ACCESS_GATE: StepId = 'api-key';

export async function updateConnectionAccess(input: UpdateAccessRequestInput): Promise<LifecycleChangeReport> {
  const parsed = UpdateAccessRequest.safeParse(input);
  if (!parsed.success) throw badInput('request', parsed.error);
  const ask = parsed.data;
  const id = connectionId(ask);
  upsertSearchAttributes([{ key: OPERATION_KEY, value: 'update-access' }]);
  const live = new LifecycleProgress(id, ask.requestedBy);
  const inspected = await inspectConnection({
    connectionId: id,
    requestedBy: ask.requestedBy,
    gates: [UPDATE_ACCESS_GATE, 'roles'],
    deadline: ask.deadline,
    change: {
      access: ask.access as Record<string, unknown>,
      verifyTimeout: ask.verifyTimeout,
      ...(ask.roles ? { roles: ask.roles } : {}),
    },
  });
  const { request, preflight } = inspected;
  const existing = preflight.existingKey;
  if (!existing) {
    throw ApplicationFailure.create({
      type: FailureType.PreflightRefused,
      message: `the connection ${id} is not in place (no remote settings, keystore credential and single live key): run crosslink connect to finish it, or crosslink disconnect to remove it`,
      nonRetryable: true,
    });
  }
  const { progress, steps } = lifecycleRun(id, inspected, live);
  const changesKey = !existing.matches;
  const changesRoles = ask.roles !== undefined && ask.roles.length > 0;
  const applies: Partial<Record<StepId, [boolean, string]>> = {
    'api-key': changesKey
      ? [true, `key ${existing.keyId} grants other access: updated in place`]
      : [false, `key ${existing.keyId} already grants the requested access`],
    verify: [true, ''],
    roles: changesRoles ? [true, ''] : [false, 'the request names no roles: they stay as they are'],
  };
  progress.applyDecisions(
    STEP_IDS.map((step) => ({
      id: step,
      applies: applies[step]?.[0] ?? false,
      reason: applies[step]?.[1] ?? 'update-access changes only the key and the roles named',
    })),
  );
  const stepInput: StepInput = { connectionId: id, request, preflight: preflightFacts(preflight) };
  const changes: string[] = [];
  try {
    if (changesKey) {
      const key = await steps.step(STEPS['api-key'], () => stepInput);
      if (key) changes.push(key.detail ?? '');
    }
    const verification = await verify(steps, stepInput);
    if (changesRoles) {
      const roleInput = { ...stepInput, side: 'local' as const };
      // The api-key approval covers the roles named with it; alone, the roles wait for their own gate.
      const roles = changesKey
        ? await steps.run(STEPS.roles, roleInput)
        : await steps.step(STEPS.roles, () => roleInput);
      if (roles) changes.push(roles.detail ?? '');
    }
    progress.finished('connected');
    return {
      connectionId: id,
      operation: 'update-access',
      state: 'connected',
      changes: changes.length
        ? changes
        : [`nothing to change: key ${existing.keyId} already grants the requested access`],
      verification: verification.detail ?? '',
    };
  } catch (err) {
    return await rollBack(steps, err);
  }
}
