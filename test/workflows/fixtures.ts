/** Requests and helpers shared by the workflow suites. */
import path from 'node:path';
import { type ApplicationFailure } from '@temporalio/common';
import { CONNECTION_WORKFLOW, type ConnectionRequest, type Progress } from '../../domain';
import { type HarnessRun, type StartOptions, WorkflowHarness } from '../harness/workflow-harness';
import { progressQuery } from '../../workflows/messages';
import { type Plan } from '../../domain/plans';
import { type RowId, rowOf, sidesOf } from '../../domain/step-catalog';

export const WORKFLOWS_PATH = path.resolve(__dirname, '../../workflows');

// The requests every suite runs (one per model): one definition, in test/proof/support/requests.ts.
export { APPROVER, REQUESTER, apiKeyRequest, certificateRequest } from '../proof/support/requests';

export function startConnection(
  harness: WorkflowHarness,
  request: ConnectionRequest,
  options: StartOptions,
): Promise<HarnessRun> {
  return harness.start(CONNECTION_WORKFLOW, [request], options);
}

export function progressOf(run: HarnessRun): Promise<Progress> {
  return run.query<Progress>(progressQuery.name);
}

/** The Progress a rolled-back run carries in its failure details. */
export function failureProgress(failure: Error): Progress {
  return (failure as ApplicationFailure).details?.[0] as Progress;
}

export function statuses(progress: Progress): Record<string, string> {
  return Object.fromEntries(progress.steps.map((s) => [s.id, s.status]));
}

export { WorkflowHarness };

/** Jest hooks for a file of scripted scenarios: one workflow bundle for the file (`h.harness`). */
export function useHarness(): { readonly harness: WorkflowHarness } {
  const context = {} as { harness: WorkflowHarness };
  beforeAll(async () => {
    context.harness = await WorkflowHarness.create(WORKFLOWS_PATH);
  });
  afterAll(() => context.harness.destroy());
  return context;
}

/**
 * The undos a rollback runs when the connect plan stops at `lastRow` (it failed there, or was cancelled
 * while it ran): every row up to and including it (a parallel group counts whole) that has an undo,
 * once per side, newest first. A row's undo is registered before the row runs, so a row that failed
 * is undone too (its undo removes only what it finds). Stated here from the plan, so a new row needs
 * no edit in the tests that check rollback order.
 */
export function rollbackOf(plan: Plan<never>, lastRow: RowId): string[] {
  const model = plan.model ?? 'api_key';
  const ran: RowId[] = [];
  for (const entry of plan.entries) {
    const rows = entry.kind === 'row' ? [entry.row] : entry.kind === 'parallel' ? entry.rows.map((r) => r.row) : [];
    ran.push(...rows);
    if (rows.includes(lastRow)) break;
  }
  return ran.reverse().flatMap((id) => {
    const undo = rowOf(id).undo;
    return undo ? (sidesOf(id, model) ?? [undefined]).map(() => undo.name) : [];
  });
}
