/** Test-only workflows entry: the real connection workflow with the new step inserted unguarded. */
import { type ConnectionRequest, type ConnectionResult, connectionId } from '../../../../domain';
import { connectRemoteCluster as current } from '../../../../workflows/connect-remote-cluster';
import { checkMaintenanceWindow } from '../new-step';

export async function connectRemoteCluster(request: ConnectionRequest): Promise<ConnectionResult> {
  await checkMaintenanceWindow(connectionId(request));
  return current(request);
}
