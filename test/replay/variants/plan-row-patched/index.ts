/** Test-only workflows entry: the connect plans with a row added after preflight, guarded by the row's `patch`. */
import { type ConnectionRequest, type ConnectionResult } from '../../../../domain';
import { runConnection } from '../../../../workflows/connect-remote-cluster';
import { PLAN_PATCH_ID, withAddedRow } from '../plan-row';

export function connectRemoteCluster(request: ConnectionRequest): Promise<ConnectionResult> {
  return runConnection(request, withAddedRow(PLAN_PATCH_ID));
}
