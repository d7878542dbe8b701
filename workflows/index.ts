/** Workflow code only: this module is what bundleWorkflowCode loads into the sandbox. */
export { connectRemoteCluster } from './connect-remote-cluster';
