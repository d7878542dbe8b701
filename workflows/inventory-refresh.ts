/**
 * `requestInventoryRefresh`: what a workflow calls when it changed a connection (at the end of
 * every operation), so the inventory workflow (workflows/inventory.ts) reads the estate again. It
 * only signals: it never waits for the discovery, never fails the caller, and does nothing when no
 * inventory workflow runs in the namespace (the next `crosslink connections` starts one). The
 * signal is one command in the caller's history: add the call behind `patched()` in a workflow
 * that has recorded histories.
 */
import { CancellationScope, getExternalWorkflowHandle, log } from '@temporalio/workflow';
import { INVENTORY_WORKFLOW_ID, type RefreshRequest } from '../domain';
import { refreshSignal } from './messages';

/** Returns whether the inventory workflow took the request. */
export async function requestInventoryRefresh(reason: string, connectionId?: string): Promise<boolean> {
  const request: RefreshRequest = {
    reason: reason.slice(0, 500) || 'refresh',
    ...(connectionId ? { connectionId: connectionId.slice(0, 400) } : {}),
  };
  try {
    // Also from a cancelled run's cleanup: the signal is how the estate learns what changed.
    await CancellationScope.nonCancellable(() =>
      getExternalWorkflowHandle(INVENTORY_WORKFLOW_ID).signal(refreshSignal, request),
    );
    return true;
  } catch (err) {
    log.info('the inventory was not asked to refresh (no inventory workflow runs?)', {
      reason: request.reason,
      error: err instanceof Error ? err.message : String(err),
    });
    return false;
  }
}
