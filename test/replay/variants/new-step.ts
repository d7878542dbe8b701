/**
 * The deliberate change the patching test makes to the connection workflow: a new activity (a
 * maintenance-window check, as a release might add) runs before everything else. Replay never
 * executes activities, so it needs no implementation here; the harness run supplies one.
 */
import { proxyActivities } from '@temporalio/workflow';

export const NEW_ACTIVITY = 'checkMaintenanceWindow';
/** The `patched()` id a release would use for this change (kept in code until deprecatePatch). */
export const PATCH_ID = 'check-maintenance-window';

export const { checkMaintenanceWindow } = proxyActivities<{
  checkMaintenanceWindow(connectionId: string): Promise<void>;
}>({ startToCloseTimeout: '1m' });
