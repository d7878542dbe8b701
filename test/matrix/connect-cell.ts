/**
 * One cell of the version matrix: every step that sends an Elasticsearch request, run as crosslink's
 * activities against the strict simulator, connect then undo; while connected, the cross-cluster
 * replication requests a security-model migration sends (ccr-cell.ts). Returns the Elasticsearch
 * calls the simulator refused (an empty list is a green cell) and what the CCR requests saw.
 */
import { type SideStepInput, type StepInput } from '../../domain/activities';
import { connectionId } from '../../domain/connection-request';
import { type Harness, apiKeyRequest, certificateRequest, runPreflight } from '../activities/support/harness';
import { type CcrOutcome, CCR_LEADER_NAMES, runCcrRequests } from './ccr-cell';
import { type MigrationOutcome, runMigrationRequests } from './migrate-cell';
import { deploymentIdFor } from './versions';

export type Model = 'api_key' | 'certificate';

export interface CellResult {
  connected: boolean;
  /** The verify step's failure, when it refused the connection. */
  verifyError?: string;
  /** Elasticsearch calls answered 4xx/5xx, except the lookups crosslink expects to miss (404). */
  refused: string[];
  /** The CCR requests' results while connected (undefined when the connection failed). */
  ccr?: CcrOutcome;
  /** Certificate model: the migration's requests to the API key model and back (undefined otherwise). */
  migration?: MigrationOutcome;
}

const ES_LOOKUPS_THAT_MAY_MISS = new Set(['security.get_role', 'security.delete_role', 'security.get_api_key']);

export async function runCell(
  h: Harness,
  localVersion: string,
  remoteVersion: string,
  model: Model,
): Promise<CellResult> {
  const sides = {
    local: { environment: 'ece-a', deploymentId: deploymentIdFor('a', localVersion) },
    remote: { environment: 'ece-b', deploymentId: deploymentIdFor('b', remoteVersion) },
  };
  // Every supported local (8.10 and later) takes the request's role with remote_indices (docs/sources.md §8A).
  const request =
    model === 'api_key'
      ? apiKeyRequest({
          ...sides,
          allowBetaApiKeyModel: true,
          // Replication too: the cell follows a leader index through the connection.
          access: { search: [{ names: ['logs-*'] }], replication: [{ names: [CCR_LEADER_NAMES] }] },
        })
      : certificateRequest(sides);
  h.sim.resetCalls();
  const preflight = await runPreflight(h, request);
  const input: StepInput = { connectionId: connectionId(request), request, preflight };
  const local: SideStepInput = { ...input, side: 'local' };
  const remote: SideStepInput = { ...input, side: 'remote' };
  let connected = false;
  let verifyError: string | undefined;
  let ccr: CcrOutcome | undefined;
  let migration: MigrationOutcome | undefined;
  const esLocal = () =>
    h.registry.elasticsearch(sides.local.environment, sides.local.deploymentId, preflight.local.esUrl);
  const verifyThenReplicate = async () => {
    try {
      connected = (await h.run('verifyRemoteConnection', input)).connected;
    } catch (err) {
      verifyError = (err as Error).message;
    }
    if (!connected) return;
    ccr = await runCcrRequests(h, {
      local: esLocal(),
      remote: sides.remote,
      alias: request.alias,
      tag: `${model}-${localVersion}-${remoteVersion}`,
    });
  };
  if (model === 'api_key') {
    const key = await h.run('createCrossClusterApiKey', input);
    await h.run('ensureProxyCaTrust', input);
    await h.run('writeKeystoreCredentials', { ...input, apiKey: key });
    await h.run('registerRemoteCluster', input);
    const reload = await h.run('reloadSecureSettings', input);
    if (!reload.loaded) await h.run('restartElasticsearch', input);
    await h.run('createRoles', local);
    await verifyThenReplicate();
    await h.run('deleteRoles', local);
    await h.run('unregisterRemoteCluster', input);
    await h.run('removeKeystoreCredentials', input);
    await h.run('removeProxyCaTrust', input);
    await h.run('invalidateCrossClusterApiKey', input);
  } else {
    const [trustA, trustB] = [await h.run('ensurePlatformTrust', local), await h.run('ensurePlatformTrust', remote)];
    await h.run('ensureDeploymentTrust', { ...local, trustRelationshipId: trustA.trustRelationshipId });
    await h.run('ensureDeploymentTrust', { ...remote, trustRelationshipId: trustB.trustRelationshipId });
    await h.run('registerRemoteCluster', input);
    await h.run('createRoles', local);
    await h.run('createRoles', remote);
    await verifyThenReplicate();
    // The migration's requests go each to one cluster, whose version line decides: the diagonal cells
    // send every one of them to every line, as local and as remote (its inspection reads every
    // deployment of the topology, seconds per cell: all 256 would double the matrix).
    if (connected && localVersion === remoteVersion) {
      const tag = `${localVersion}-${remoteVersion}`;
      migration = await runMigrationRequests(h, { local: esLocal(), remote: sides.remote, input, tag });
    }
    await h.run('deleteRoles', local);
    await h.run('deleteRoles', remote);
    await h.run('unregisterRemoteCluster', input);
    await h.run('removeDeploymentTrust', local);
    await h.run('removeDeploymentTrust', remote);
    await h.run('removePlatformTrust', local);
    await h.run('removePlatformTrust', remote);
  }
  const esRoutes = (route: string) => route === 'info' || route.includes('.');
  const refused = h.sim.calls
    .filter((call) => esRoutes(call.route) && call.status >= 400)
    .filter((call) => !(call.status === 404 && ES_LOOKUPS_THAT_MAY_MISS.has(call.route)))
    .map((call) => `${call.method} ${call.path} -> ${call.status} (${call.deploymentId})`);
  return { connected, verifyError, refused, ccr, ...(migration ? { migration } : {}) };
}
