/**
 * `crosslink update-access` (workflow type UPDATE_ACCESS_WORKFLOW, workflow id = the connection
 * id): what the connection's cross-cluster API key grants, changed in place: the UPDATE_ACCESS
 * plan (domain/plans.ts) on the inspected connection. Any failure puts the key's previous access
 * back (the api-key undo) and removes roles this run created; the key keeps its id and secret
 * throughout, so the connection never stops working.
 */
import {
  type LifecycleChangeReport,
  UPDATE_ACCESS,
  UpdateAccessRequest,
  type UpdateAccessRequestInput,
  type VerificationReport,
  connectionId,
} from '../domain';
import { inspectForPlan } from './engine/lifecycle';
import { badInput } from './lifecycle-input';

export async function updateConnectionAccess(input: UpdateAccessRequestInput): Promise<LifecycleChangeReport> {
  const parsed = UpdateAccessRequest.safeParse(input);
  if (!parsed.success) throw badInput('request', parsed.error);
  const ask = parsed.data;
  const id = connectionId(ask);
  const { runner, inspected } = await inspectForPlan(
    UPDATE_ACCESS,
    {
      connectionId: id,
      requestedBy: ask.requestedBy,
      deadline: ask.deadline,
      change: {
        access: ask.access as Record<string, unknown>,
        verifyTimeout: ask.verifyTimeout,
        ...(ask.roles ? { roles: ask.roles } : {}),
      },
    },
    undefined,
  );
  await runner.run(UPDATE_ACCESS);
  await runner.finish('connected');
  const changes = [...runner.records('api-key'), ...runner.records('roles')].map((r) => r.detail ?? '');
  const keyId = inspected.preflight.existingKey?.keyId ?? '?';
  return {
    connectionId: id,
    operation: 'update-access',
    state: 'connected',
    changes: changes.length ? changes : [`nothing to change: key ${keyId} already grants the requested access`],
    verification: (runner.records('verify')[0] as VerificationReport | undefined)?.detail ?? '',
  };
}
