/** Workflow code only: this module is what bundleWorkflowCode loads into the sandbox. */
export { connectRemoteCluster } from './connect-remote-cluster';
export { listConnections } from './list-connections';
export { auditConnections } from './audit-connections';
export { disconnectConnection } from './disconnect';
export { updateConnectionAccess } from './update-access';
export { rotateConnection } from './rotate';
export { migrateConnection } from './migrate';
export { connectFanOut } from './connect-fan-out';
export { crosslinkInventory } from './inventory';
export { applyDesiredState } from './apply-desired-state';
export { reconcileDesiredState } from './reconcile-desired-state';
