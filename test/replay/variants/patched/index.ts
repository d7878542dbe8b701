/** Test-only workflows entry: the same new step, guarded by `patched()` so open runs keep their path. */
import { patched } from '@temporalio/workflow';
import { type ConnectionRequest, type ConnectionResult, connectionId } from '../../../../domain';
import { connectRemoteCluster as current } from '../../../../workflows/connect-remote-cluster';
import { PATCH_ID, checkMaintenanceWindow } from '../new-step';

export async function connectRemoteCluster(request: ConnectionRequest): Promise<ConnectionResult> {
  if (patched(PATCH_ID)) await checkMaintenanceWindow(connectionId(request));
  return current(request);
}
