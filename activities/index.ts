import { Context } from '@temporalio/activity';
import { type CrosslinkActivities } from '../domain/activities';
import { type ActivityDeps, DEFAULT_TIMING, type Deps, stepContext } from './context';
import { createApiKey, invalidateApiKey } from './steps/api-key';
import { ensureDeploymentTrust, removeDeploymentTrust } from './steps/deployment-trust';
import { removeKeystoreCredentials, writeKeystoreCredentials } from './steps/keystore';
import { ensurePlatformTrust, removePlatformTrust } from './steps/platform-trust';
import { preflight } from './steps/preflight';
import { ensureProxyCaTrust, removeProxyCaTrust } from './steps/proxy-ca';
import { registerRemoteCluster, unregisterRemoteCluster } from './steps/register-remote';
import { reloadSecureSettings, restartElasticsearch } from './steps/restart';
import { createRoles, deleteRoles } from './steps/roles';
import { verifyRemoteConnection } from './steps/verify';
import { discoverConnections } from './lifecycle/discover-connections';
import { type LifecycleActivities } from '../domain/inventory';

export { type ActivityDeps, DEFAULT_TIMING, type Timing } from './context';
export {
  createEnvironmentRegistry,
  resolveEnvironments,
  type EnvironmentRegistry,
  type ResolvedEnvironments,
} from './environments';
export { createSealer, parseSealingKey, type Sealer } from './secrets/sealing';
export { closeAllPools } from './http/pool';

/**
 * One log line per activity outcome, through the activity logger (which adds workflow and activity
 * ids). Only the result's `detail` or the failure's message: neither ever holds a secret.
 */
function logged<I, R extends object>(name: string, fn: (input: I) => Promise<R>): (input: I) => Promise<R> {
  return async (input) => {
    const log = Context.current().log;
    try {
      const result = await fn(input);
      log.info(`${name}: ${'detail' in result ? String(result.detail) : 'done'}`);
      return result;
    } catch (err) {
      const e = err as { type?: string; message?: string };
      log.warn(`${name} failed: ${e.message ?? String(err)}`, { failureType: e.type });
      throw err;
    }
  };
}

/**
 * The activities the worker registers: each step of the catalog and its undo, bound to the
 * worker's environment registry and sealing key. Every result carries the activity attempt.
 */
export function createActivities(activityDeps: ActivityDeps): CrosslinkActivities & LifecycleActivities {
  const deps: Deps = {
    registry: activityDeps.registry,
    sealer: activityDeps.sealer,
    timing: { ...DEFAULT_TIMING, ...activityDeps.timing },
  };
  return {
    preflight: logged('preflight', (input) => preflight(deps, stepContext(), input)),
    ensurePlatformTrust: logged('ensurePlatformTrust', (input) => ensurePlatformTrust(deps, stepContext(), input)),
    removePlatformTrust: logged('removePlatformTrust', (input) => removePlatformTrust(deps, stepContext(), input)),
    ensureDeploymentTrust: logged('ensureDeploymentTrust', (input) =>
      ensureDeploymentTrust(deps, stepContext(), input),
    ),
    removeDeploymentTrust: logged('removeDeploymentTrust', (input) =>
      removeDeploymentTrust(deps, stepContext(), input),
    ),
    createCrossClusterApiKey: logged('createCrossClusterApiKey', (input) => createApiKey(deps, stepContext(), input)),
    invalidateCrossClusterApiKey: logged('invalidateCrossClusterApiKey', (input) =>
      invalidateApiKey(deps, stepContext(), input),
    ),
    ensureProxyCaTrust: logged('ensureProxyCaTrust', (input) => ensureProxyCaTrust(deps, stepContext(), input)),
    removeProxyCaTrust: logged('removeProxyCaTrust', (input) => removeProxyCaTrust(deps, stepContext(), input)),
    writeKeystoreCredentials: logged('writeKeystoreCredentials', (input) =>
      writeKeystoreCredentials(deps, stepContext(), input),
    ),
    removeKeystoreCredentials: logged('removeKeystoreCredentials', (input) =>
      removeKeystoreCredentials(deps, stepContext(), input),
    ),
    registerRemoteCluster: logged('registerRemoteCluster', (input) =>
      registerRemoteCluster(deps, stepContext(), input),
    ),
    unregisterRemoteCluster: logged('unregisterRemoteCluster', (input) =>
      unregisterRemoteCluster(deps, stepContext(), input),
    ),
    reloadSecureSettings: logged('reloadSecureSettings', (input) => reloadSecureSettings(deps, stepContext(), input)),
    restartElasticsearch: logged('restartElasticsearch', (input) => restartElasticsearch(deps, stepContext(), input)),
    verifyRemoteConnection: logged('verifyRemoteConnection', (input) =>
      verifyRemoteConnection(deps, stepContext(), input),
    ),
    createRoles: logged('createRoles', (input) => createRoles(deps, stepContext(), input)),
    deleteRoles: logged('deleteRoles', (input) => deleteRoles(deps, stepContext(), input)),
    discoverConnections: (filter) => discoverConnections(deps, stepContext(), filter),
  };
}
