import { ApplicationFailure } from '@temporalio/common';
import { type Side, type StepInput } from '../../domain/activities';
import { FailureType } from '../../domain/failures';
import { durationToMs } from '../../domain/ids';
import { type DeploymentFacts, type TrustSettings, type VerificationReport } from '../../domain/records';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { elasticsearchResource, getDeployment, trustOf } from '../ece/deployments';
import { getKeystoreNames } from '../ece/keystore';
import { listTrustRelationships } from '../ece/trust-relationships';
import { getApiKeysByName, isActive } from '../elasticsearch/api-keys';
import { getRemoteInfo, resolveRemoteCluster } from '../elasticsearch/cluster';
import { atLeast } from './versions';
import { type ApiKeyInfo, type RemoteInfoEntry, type ResolveClusterEntry } from '../elasticsearch/schemas';
import { type TrustRelationship } from '../ece/schemas';
import { apiKeyCarriesMark, apiKeyName, credentialsSetting, proxyPort } from '../marks';
import { sleep } from '../wait';
import { directHoldsPem } from '../ece/deployments';
import { eceFor, esFor } from './shared';

function ready(entry: RemoteInfoEntry | undefined, apiKey: boolean): boolean {
  return !!entry && entry.connected && (!apiKey || entry.cluster_credentials !== undefined);
}

/**
 * Poll `_remote/info` with backoff until the alias is connected (with `cluster_credentials` for
 * API keys) or the request's verifyTimeout passes, heartbeating each poll; then probe
 * `_resolve/cluster/<alias>:*`. On failure, VerificationFailed names the most likely cause.
 */
export async function verifyRemoteConnection(
  deps: Deps,
  ctx: StepContext,
  input: StepInput,
): Promise<VerificationReport> {
  const { alias } = input.request;
  const apiKey = input.preflight.model === 'api_key';
  const es = esFor(deps, input.preflight.local);
  const deadline = Date.now() + durationToMs(input.request.verifyTimeout);
  let interval = deps.timing.verifyPollMs;
  let entry: RemoteInfoEntry | undefined;
  for (let polls = 1; ; polls++) {
    entry = (await getRemoteInfo(es, ctx.signal))[alias];
    ctx.heartbeat({ step: 'verify', polls, connected: entry?.connected ?? false });
    if (ready(entry, apiKey) || Date.now() >= deadline) break;
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())), ctx.signal);
    interval = Math.min(interval * 2, deps.timing.verifyMaxPollMs);
  }
  // The probe runs on failure too: its error text is the best evidence for the diagnosis. Before
  // 8.13 Elasticsearch has no `_resolve/cluster` (specs/elasticsearch): `_remote/info` is then all
  // the evidence there is, and the report says so.
  // The local version is preflight's (the deployment's current plan): no `GET /` to learn it again.
  const version = input.preflight.local.version;
  const probeExists = atLeast(version, '8.13.0');
  let probe: ResolveClusterEntry | undefined;
  if (probeExists && ready(entry, apiKey)) probe = await resolveRemoteCluster(es, alias, ctx.signal, version);
  else if (probeExists && entry)
    probe = await resolveRemoteCluster(es, alias, ctx.signal, version).catch(() => undefined);
  if (ready(entry, apiKey) && (!probeExists || (probe?.connected && !probe.error))) {
    return {
      attempt: ctx.attempt,
      created: [],
      detail: `${alias} connected (${entry?.num_proxy_sockets_connected ?? '?'} proxy sockets); ${probe ? '_resolve/cluster reached the remote' : 'no active probe before 8.13'}`,
      connected: true,
      model: input.preflight.model,
      proxyAddress: entry?.proxy_address ?? '',
      serverName: entry?.server_name ?? '',
      numProxySocketsConnected: entry?.num_proxy_sockets_connected,
      probe: probe
        ? `GET /_resolve/cluster/${alias}:* connected${probe.matching_indices === undefined ? '' : `, matching_indices=${probe.matching_indices}`}`
        : `none: Elasticsearch ${input.preflight.local.version} has no _resolve/cluster (from 8.13); _remote/info reports the alias connected`,
    };
  }
  const causes = diagnose(input, entry, probe, entry ? await readIngredients(deps, ctx, input) : { trust: [] });
  const observed = entry
    ? `_remote/info: connected=${entry.connected}${apiKey ? `, cluster_credentials ${entry.cluster_credentials ? 'present' : 'absent'}` : ''}`
    : '_remote/info has no entry for the alias';
  const probeText = probe
    ? `; _resolve/cluster: connected=${probe.connected}${probe.error ? `, error: ${errorText(probe.error)}` : ''}`
    : '';
  throw ApplicationFailure.create({
    message: `remote cluster "${alias}" is not usable after ${input.request.verifyTimeout} (${observed}${probeText}). Most likely cause: ${causes[0]}${causes.length > 1 ? `. Also: ${causes.slice(1).join('; ')}` : ''}`,
    type: FailureType.VerificationFailed,
    nonRetryable: true,
  });
}

function errorText(error: ResolveClusterEntry['error']): string {
  if (typeof error === 'string') return error;
  const e = error as { reason?: unknown; type?: unknown } | undefined;
  return String(e?.reason ?? e?.type ?? JSON.stringify(error));
}

/** What the APIs report about each ingredient of the model; undefined where the read failed. */
export interface Ingredients {
  /** API key model: the local keystore's setting names, the remote keys named for this run, the local trust. */
  keystore?: string[];
  keys?: ApiKeyInfo[];
  localTrust?: TrustSettings;
  /** Certificate model, per direction: the deployment's trust and its environment's trust relationships. */
  trust: Array<{ side: Side; trust?: TrustSettings; relationships?: TrustRelationship[] }>;
}

/** The reads the diagnosis needs; a failing read leaves its ingredient unknown. */
async function readIngredients(deps: Deps, ctx: StepContext, input: StepInput): Promise<Ingredients> {
  const { local, remote, model } = input.preflight;
  const safely = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch {
      return undefined;
    }
  };
  const trustOfDeployment = async (f: DeploymentFacts) => {
    const read = await safely(() => getDeployment(eceFor(deps, f), f.deploymentId, ctx.signal));
    return read ? trustOf(elasticsearchResource(eceFor(deps, f), read.deployment, f.refId)) : undefined;
  };
  if (model === 'api_key') {
    const alias = input.request.alias;
    return {
      keystore: await safely(() => getKeystoreNames(eceFor(deps, local), local.deploymentId, local.refId, ctx.signal)),
      keys: await safely(() =>
        getApiKeysByName(esFor(deps, remote), apiKeyName(alias, input.connectionId), ctx.signal),
      ),
      localTrust: input.preflight.proxyCa?.private ? await trustOfDeployment(local) : undefined,
      trust: [],
    };
  }
  const trust: Ingredients['trust'] = [];
  for (const side of ['local', 'remote'] as const) {
    const self = input.preflight[side];
    const deploymentTrust = await trustOfDeployment(self);
    if (!deploymentTrust) continue;
    const relationships = await safely(() =>
      listTrustRelationships(eceFor(deps, self), 'non-local', { signal: ctx.signal }),
    );
    trust.push({ side, trust: deploymentTrust, relationships });
  }
  return { trust };
}

/** The likely causes of an unusable connection, most likely first: a pure reading of what was observed. */
export function diagnose(
  input: StepInput,
  entry: RemoteInfoEntry | undefined,
  probe: ResolveClusterEntry | undefined,
  found: Ingredients,
): string[] {
  const { alias } = input.request;
  const { local, remote, model } = input.preflight;
  const causes: string[] = [];
  if (!entry) {
    return [`the alias is not registered on the local cluster (cluster.remote.${alias} settings are missing)`];
  }
  const expectedPort = proxyPort(model);
  const port = Number(entry.proxy_address?.split(':').pop());
  if (entry.proxy_address && port !== expectedPort) {
    causes.push(`wrong port: proxy_address is ${entry.proxy_address} but the ${model} model uses port ${expectedPort}`);
  }
  if (entry.server_name && entry.server_name !== remote.endpoint) {
    causes.push(`server_name ${entry.server_name} does not match the remote endpoint ${remote.endpoint}`);
  }

  if (model === 'api_key') {
    const { keystore, keys, localTrust } = found;
    if (keystore && !keystore.includes(credentialsSetting(alias))) {
      causes.push(`key missing: the local keystore has no ${credentialsSetting(alias)}`);
    } else if (keys && !keys.some((k) => isActive(k) && apiKeyCarriesMark(k.metadata, input.connectionId))) {
      causes.push(
        'key invalid: the cross-cluster API key of this connection on the remote is invalidated, expired or gone',
      );
    }
    const ca = input.preflight.proxyCa;
    if (ca?.private && localTrust && !(localTrust.direct ?? []).some((d) => directHoldsPem(d, ca.rootPem))) {
      causes.push(
        `CA not trusted: the remote proxy root CA (${ca.subject}) is private and the local deployment's trust.direct does not hold it`,
      );
    }
    if (entry.cluster_credentials === undefined && keystore?.includes(credentialsSetting(alias))) {
      causes.push('the keystore credential is not loaded yet: reload secure settings or restart the local deployment');
    }
  } else {
    for (const { side, trust, relationships } of found.trust) {
      const [self, peer] = side === 'local' ? [local, remote] : [remote, local];
      const label = `the ${side} deployment does not trust the ${side === 'local' ? 'remote' : 'local'} cluster`;
      const peerAccount = (side === 'local' ? input.preflight.remoteEnvironment : input.preflight.localEnvironment)
        .accountId;
      const rel = relationships?.find((r) => (r.account_ids ?? []).includes(peerAccount));
      if (relationships && !rel) {
        causes.push(`trust missing one way: ${self.environment} has no trust relationship for ${peer.environment}`);
        continue;
      }
      const ext = (trust?.external ?? []).find((e) => !rel || e.trust_relationship_id === rel.id);
      const allow = (ext?.trust_allowlist as string[] | undefined) ?? [];
      if (!ext || (!ext.trust_all && !allow.includes(peer.clusterId))) {
        causes.push(`trust missing one way: ${label} (trust.external of ${self.deploymentId} lacks ${peer.clusterId})`);
      }
    }
  }

  const said = probe?.error ? errorText(probe.error) : '';
  if (causes.length === 0 && /unable to authenticate|api key/i.test(said)) {
    causes.push(`key missing or invalid: the remote refused the credentials (${said})`);
  } else if (causes.length === 0 && /certificate|trust|handshake|ssl|tls/i.test(said)) {
    causes.push(`CA not trusted: the TLS handshake with the remote failed (${said})`);
  } else if (causes.length === 0 && /channel profile|9300|9400|9443/i.test(said)) {
    causes.push(`wrong port (${said})`);
  }
  if (causes.length === 0) {
    causes.push(
      `every ingredient is in place, so the network is the likely cause: check that the local allocators reach ${entry.proxy_address ?? 'the remote proxy'} (firewall, IP filters)${said ? ` (${said})` : ''}`,
    );
  }
  return causes;
}

export const activities = { verifyRemoteConnection } satisfies StepImplementations;
