import {
  type ActivityName,
  type CrosslinkActivities,
  type FanOutActivities,
  type LifecycleActivities,
  type InputOf,
  type ResultOf,
  type StepActivities,
} from '../domain';
import { type ActivityDeps, DEFAULT_TIMING, type Deps, type StepContext, stepContext } from './context';
import { verifyApprovalDecision } from './approvals/verify';
import { createCrossClusterApiKey, invalidateCrossClusterApiKey } from './steps/api-key';
import { ensureDeploymentTrust, removeDeploymentTrust } from './steps/deployment-trust';
import { removeKeystoreCredentials, writeKeystoreCredentials } from './steps/keystore';
import { ensurePlatformTrust, removePlatformTrust } from './steps/platform-trust';
import { preflight } from './steps/preflight';
import { ensureProxyCaTrust, removeProxyCaTrust } from './steps/proxy-ca';
import { ensureProxyCaTrustForMany, removeProxyCaTrustForMany } from './steps/proxy-ca-batch';
import { registerRemoteCluster, unregisterRemoteCluster } from './steps/register-remote';
import { reloadSecureSettings, restartElasticsearch } from './steps/restart';
import { createRoles, deleteRoles } from './steps/roles';
import { verifyRemoteConnection } from './steps/verify';
import { discoverConnections } from './lifecycle/discover-connections';
import { activityRunReader } from './lifecycle/runs';
import { inspectConnection } from './lifecycle/inspect-connection';
import { createNotificationActivities } from './notifications/activity';
import { createRotatedApiKey, invalidateReplacedApiKey, invalidateRotatedApiKey } from './steps/rotate-key';
import { reloadRotatedCredentials, restartForRotation, restoreKeystoreCredentials } from './steps/rotate-keystore';

export { type ActivityDeps, DEFAULT_TIMING, type Timing } from './context';
export {
  createEnvironmentRegistry,
  resolveEnvironments,
  type EnvironmentRegistry,
  type ResolvedEnvironments,
} from './environments';
export { createSealer, parseSealingKey, type Sealer } from './secrets/sealing';
export { closeAllPools } from './http/pool';
export { logActivityOutcome } from './logging-interceptor';

type Implementation<N extends ActivityName> = (deps: Deps, ctx: StepContext, input: InputOf<N>) => Promise<ResultOf<N>>;

/** Each activity's implementation: one file per step in activities/steps/, each named as its activity. */
const IMPLEMENTATIONS: { [N in ActivityName]: Implementation<N> } = {
  preflight,
  ensurePlatformTrust,
  removePlatformTrust,
  ensureDeploymentTrust,
  removeDeploymentTrust,
  createCrossClusterApiKey,
  invalidateCrossClusterApiKey,
  ensureProxyCaTrust,
  removeProxyCaTrust,
  writeKeystoreCredentials,
  removeKeystoreCredentials,
  registerRemoteCluster,
  unregisterRemoteCluster,
  reloadSecureSettings,
  restartElasticsearch,
  verifyRemoteConnection,
  createRoles,
  deleteRoles,
  inspectConnection,
  createRotatedApiKey,
  invalidateRotatedApiKey,
  restoreKeystoreCredentials,
  reloadRotatedCredentials,
  restartForRotation,
  invalidateReplacedApiKey,
};

/**
 * The activities the worker registers: each step of the catalog and its undo, bound to the
 * worker's environment registry and sealing key. Every result carries the activity attempt.
 * Their outcomes are logged by `logActivityOutcome`, the worker's activity interceptor. With a
 * notification sink, `sendNotification` delivers to it (and preflight tells the workflow so).
 */
export function createActivities(
  activityDeps: ActivityDeps,
): CrosslinkActivities & LifecycleActivities & FanOutActivities {
  const deps: Deps = {
    registry: activityDeps.registry,
    sealer: activityDeps.sealer,
    timing: { ...DEFAULT_TIMING, ...activityDeps.timing },
    approvals: activityDeps.approvals,
    notify: activityDeps.notifications !== undefined,
  };
  const bind = <N extends ActivityName>(name: N) => {
    const implementation = IMPLEMENTATIONS[name] as Implementation<N>;
    return (input: InputOf<N>) => implementation(deps, stepContext(), input);
  };
  const steps = Object.fromEntries(
    (Object.keys(IMPLEMENTATIONS) as ActivityName[]).map((name) => [name, bind(name)]),
  ) as unknown as StepActivities;
  return {
    ...steps,
    verifyApprovalDecision: (input) => verifyApprovalDecision(deps.approvals, input),
    // With the worker's Temporal client: the runs on each connection id decide in-progress and leftovers.
    discoverConnections: (filter) => discoverConnections(deps, stepContext(), filter, { runs: activityRunReader() }),
    ensureProxyCaTrustForMany: (input) => ensureProxyCaTrustForMany(deps, stepContext(), input),
    removeProxyCaTrustForMany: (input) => removeProxyCaTrustForMany(deps, stepContext(), input),
    ...createNotificationActivities(activityDeps.notifications),
  };
}
