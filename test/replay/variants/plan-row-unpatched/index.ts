/** Test-only workflows entry: the connect plans with a row added after preflight, unguarded. */
import { type ConnectionRequest, type ConnectionResult } from '../../../../domain';
import { runConnection } from '../../../../workflows/connect-remote-cluster';
import { withAddedRow } from '../plan-row';

export function connectRemoteCluster(request: ConnectionRequest): Promise<ConnectionResult> {
  return runConnection(request, withAddedRow(undefined));
}
