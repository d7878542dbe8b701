/**
 * `crosslink disconnect` (workflow type DISCONNECT_WORKFLOW, workflow id = the connection id): the
 * disconnect plan of the connection's model (domain/plans.ts) on the inspected connection: the
 * disconnect gate (`register-remote`: its undo takes the link down), then the undos of the connect
 * steps newest first with nothing counted as "there before" (`reclaim`), so it also cleans up after
 * a terminated or failed run. Shared trust objects go only when nothing else needs them (the undos
 * decide, shared-trust-users.ts). Ends with what was removed and what was kept and why.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import {
  type DisconnectReport,
  DisconnectRequest,
  type DisconnectRequestInput,
  FailureType,
  disconnectPlan,
} from '../domain';
import { inspectForPlan } from './engine/lifecycle';
import { badInput } from './lifecycle-input';

export async function disconnectConnection(input: DisconnectRequestInput): Promise<DisconnectReport> {
  const parsed = DisconnectRequest.safeParse(input);
  if (!parsed.success) throw badInput('request', parsed.error);
  const ask = parsed.data;
  const { plan, runner, progress, inspected } = await inspectForPlan(
    disconnectPlan,
    { connectionId: ask.connectionId, requestedBy: ask.requestedBy, deadline: ask.deadline },
    undefined,
    { reclaim: true },
  );
  await runner.run(plan);
  const { removed, kept, failures } = runner.undone;
  const state = failures.length > 0 ? 'failed' : 'disconnected';
  await runner.finish(state);
  const report: DisconnectReport = {
    connectionId: ask.connectionId,
    state,
    found: inspected.detail,
    removed,
    kept,
    failures,
  };
  if (failures.length > 0) {
    throw ApplicationFailure.create({
      type: FailureType.CompensationFailed,
      message: `disconnect removed ${removed.length} object(s), but ${failures.length} removal(s) failed: ${failures
        .map((f) => `${f.activity}: ${f.message}`)
        .join('; ')}; run crosslink disconnect again`,
      nonRetryable: true,
      details: [report, progress.snapshot()],
    });
  }
  return report;
}
