/**
 * Whether a remote-cluster alias of a local deployment connects, and if not, what Elasticsearch would
 * report (docs/sources.md §7, §10, §11). The checks run in the order a real connection attempt fails.
 */
import { samePem } from './certs';
import { type RemoteSettings } from './settings';
import { UNCONFIRMED } from './unconfirmed';
import {
  type Deployment,
  type Environment,
  type JsonObject,
  type SimState,
  environmentOf,
  findDeploymentByEndpoint,
} from './state';

export interface Verdict {
  connected: boolean;
  /** The error text `_resolve/cluster` reports when not connected. */
  reason?: string;
  remote?: Deployment;
}

export const API_KEY_PORT = 9443;
export const CERTIFICATE_PORT = 9400;

export const credentialsSetting = (alias: string) => `cluster.remote.${alias}.credentials`;

export function evaluateAlias(state: SimState, local: Deployment, r: RemoteSettings): Verdict {
  if (r.mode !== 'proxy') {
    return {
      connected: false,
      reason: `connect_exception: unable to connect to any seed node of [${r.alias}] (${(r.seeds ?? []).join(', ')}); ECE deployments are reached through the ECE proxy, which needs mode [proxy]`,
    };
  }
  const address = r.proxyAddress ?? '';
  const [host = '', portText = ''] = address.split(':');
  const port = Number(portText);
  const remote = findDeploymentByEndpoint(state, host);
  if (!remote || remote === local || !remote.healthy) {
    return {
      connected: false,
      reason: `connect_exception: Connection refused: ${address} (no reachable cluster at [${host}])`,
    };
  }
  if (r.serverName !== host) {
    return {
      connected: false,
      remote,
      reason: `connect_exception: the ECE proxy at [${address}] routes by server name and has no cluster for server name [${r.serverName ?? ''}]; set server_name to [${host}]`,
    };
  }
  const credential = local.loadedKeystore[credentialsSetting(r.alias)];
  const verdict = credential
    ? apiKeyModel(state, local, remote, address, port, credential.value)
    : certificateModel(state, local, remote, address, port);
  return { ...verdict, remote };
}

function apiKeyModel(
  state: SimState,
  local: Deployment,
  remote: Deployment,
  address: string,
  port: number,
  credential: string,
): Verdict {
  if (port === CERTIFICATE_PORT) {
    return {
      connected: false,
      reason: `remote cluster [${remote.clusterId}] at [${address}] requires channel profile to be [_remote_cluster], but got [default]: API key credentials must use port ${API_KEY_PORT}`,
    };
  }
  if (port !== API_KEY_PORT) return { connected: false, reason: `connect_exception: Connection refused: ${address}` };
  const remoteEnv = environmentOf(state, remote);
  if (remoteEnv.proxyCa === 'private' && !trustsProxyRoot(local, remoteEnv)) {
    return {
      connected: false,
      reason: `failed to establish trust with server at [${address}]; the server provided a certificate issued by the private proxy CA of [${remoteEnv.name}], which is not trusted in this ssl context ([xpack.security.remote_cluster_client.ssl]); add it as trust.direct type proxy`,
    };
  }
  const [id = '', secret = ''] = Buffer.from(credential, 'base64').toString('utf8').split(':');
  const key = remote.apiKeys.find((k) => k.id === id);
  const unable = (why: string) => ({
    connected: false,
    reason: `unable to authenticate with provided credentials and anonymous access is not allowed for this request (${why})`,
  });
  if (!key || key.secret !== secret) return unable(`no API key [${id}] with this secret on [${remote.clusterId}]`);
  if (key.type !== 'cross_cluster') {
    return {
      connected: false,
      reason: `authentication expected API key type of [cross_cluster], but API key [${id}] has type [${key.type}]`,
    };
  }
  if (key.invalidated) return unable(`api key [${id}] has been invalidated`);
  if (key.expiration !== undefined && key.expiration <= Date.now()) return unable(`api key [${id}] is expired`);
  return { connected: true };
}

function trustsProxyRoot(local: Deployment, remoteEnv: Environment): boolean {
  const root = remoteEnv.proxyChain[remoteEnv.proxyChain.length - 1] ?? '';
  const direct = (local.effectiveTrust.direct ?? []) as JsonObject[];
  return direct.some(
    (d) => d.type === 'proxy' && ((d.certificates ?? []) as JsonObject[]).some((c) => samePem(String(c.pem), root)),
  );
}

function certificateModel(
  state: SimState,
  local: Deployment,
  remote: Deployment,
  address: string,
  port: number,
): Verdict {
  if (port === API_KEY_PORT) {
    return {
      connected: false,
      reason: `Cross cluster requests through the dedicated remote cluster server port require transport header [_cross_cluster_access_credentials] but none found. Make sure you have configured remote cluster credentials on the cluster originating the request.`,
    };
  }
  if (port !== CERTIFICATE_PORT)
    return { connected: false, reason: `connect_exception: Connection refused: ${address}` };
  const localEnv = environmentOf(state, local);
  const remoteEnv = environmentOf(state, remote);
  const outbound = missingTrust(localEnv, local, remoteEnv, remote);
  if (outbound) {
    return {
      connected: false,
      reason: `failed to establish trust with server at [${address}]; the server provided a certificate issued by [CN=${remoteEnv.name} environment CA] which is not trusted by this cluster (${outbound})`,
    };
  }
  const inbound = missingTrust(remoteEnv, remote, localEnv, local);
  if (inbound) {
    return {
      connected: false,
      reason: `Received fatal alert: bad_certificate; the remote cluster [${remote.clusterId}] does not trust this cluster (${inbound})`,
    };
  }
  return { connected: true };
}

/** Why `dep` (in `env`) does not trust `other` (in `otherEnv`) under the certificate model, or undefined. */
function missingTrust(env: Environment, dep: Deployment, otherEnv: Environment, other: Deployment): string | undefined {
  const allows = (entry: JsonObject) =>
    entry.trust_all === true || ((entry.trust_allowlist ?? []) as string[]).includes(other.clusterId);
  if (env === otherEnv) {
    const accounts = (dep.effectiveTrust.accounts ?? []) as JsonObject[];
    return accounts.some((a) => a.account_id === env.accountId && allows(a))
      ? undefined
      : `deployment ${dep.id} has no trust.accounts entry allowing ${other.clusterId}`;
  }
  const relationships = env.trustRelationships.filter(
    (t) => !t.local && t.account_ids.includes(otherEnv.accountId) && samePem(t.public_ca_cert, otherEnv.ca.certPem),
  );
  if (relationships.length === 0) {
    return `environment ${env.name} has no trust relationship for account ${otherEnv.accountId} with its CA`;
  }
  const external = (dep.effectiveTrust.external ?? []) as JsonObject[];
  const byDefault = UNCONFIRMED.trustByDefaultCountsForDeployments && relationships.some((t) => t.trust_by_default);
  const ok =
    byDefault || external.some((e) => relationships.some((t) => t.id === e.trust_relationship_id) && allows(e));
  return ok ? undefined : `deployment ${dep.id} has no applied trust.external entry allowing ${other.clusterId}`;
}
