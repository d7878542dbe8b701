/**
 * A connection's health from what discovery read: `_remote/info`, the `_resolve/cluster` probe and
 * the ingredients of its security model. The causes use the diagnosis vocabulary of the verify
 * step (activities/steps/verify.ts), read here from facts already gathered instead of re-reading.
 */
import { type HealthReport, type RemoteSettings } from '../../domain/inventory';
import { type RemoteInfoEntry } from '../elasticsearch/schemas';

export interface HealthFacts {
  alias: string;
  model: 'api_key' | 'certificate';
  settings?: RemoteSettings;
  expected?: RemoteSettings;
  entry?: RemoteInfoEntry;
  probe?: { connected: boolean; error?: string };
  /** API key model: undefined when the keystore could not be read. */
  keystoreCredentials?: boolean;
  /** API key model: an active key carrying the connection's mark exists on the remote (undefined: unread). */
  activeKey?: boolean;
  deploymentTrust?: { local: boolean; remote: boolean };
}

function ingredientCauses(f: HealthFacts): string[] {
  const causes: string[] = [];
  const port = (address?: string) => Number(address?.split(':').pop());
  const expectedPort = port(f.expected?.proxyAddress);
  const actualAddress = f.entry?.proxy_address ?? f.settings?.proxyAddress;
  if (actualAddress && f.expected?.proxyAddress && port(actualAddress) !== expectedPort) {
    causes.push(`wrong port: proxy_address is ${actualAddress} but the ${f.model} model uses port ${expectedPort}`);
  }
  const serverName = f.entry?.server_name ?? f.settings?.serverName;
  if (serverName && f.expected?.serverName && serverName !== f.expected.serverName) {
    causes.push(`server_name ${serverName} does not match the remote endpoint ${f.expected.serverName}`);
  }
  if (f.model === 'api_key') {
    if (f.keystoreCredentials === false) {
      causes.push(`key missing: the local keystore has no cluster.remote.${f.alias}.credentials`);
    } else if (f.activeKey === false) {
      causes.push(
        'key invalid: the cross-cluster API key of this connection on the remote is invalidated, expired or gone',
      );
    }
    if (f.entry && f.entry.cluster_credentials === undefined && f.keystoreCredentials) {
      causes.push('the keystore credential is not loaded yet: reload secure settings or restart the local deployment');
    }
  } else if (f.deploymentTrust) {
    if (!f.deploymentTrust.local)
      causes.push('trust missing one way: the local deployment does not trust the remote cluster');
    if (!f.deploymentTrust.remote)
      causes.push('trust missing one way: the remote deployment does not trust the local cluster');
  }
  return causes;
}

/** What the probe's error text points at, when the ingredients explain nothing. */
function probeCause(said: string): string | undefined {
  if (/unable to authenticate|api key/i.test(said))
    return `key missing or invalid: the remote refused the credentials (${said})`;
  if (/certificate|trust|handshake|ssl|tls/i.test(said))
    return `CA not trusted: the TLS handshake with the remote failed (${said})`;
  if (/channel profile|9300|9400|9443/i.test(said)) return `wrong port (${said})`;
  return undefined;
}

export function connectionHealth(f: HealthFacts): HealthReport {
  const apiKey = f.model === 'api_key';
  const remoteInfo = f.entry
    ? {
        connected: f.entry.connected,
        clusterCredentials: f.entry.cluster_credentials !== undefined,
        ...(f.entry.num_proxy_sockets_connected !== undefined
          ? { numProxySocketsConnected: f.entry.num_proxy_sockets_connected }
          : {}),
      }
    : undefined;
  const base = { ...(remoteInfo ? { remoteInfo } : {}), ...(f.probe ? { probe: f.probe } : {}) };
  if (!f.entry || !f.settings) {
    return {
      ...base,
      status: 'broken',
      causes: [`the alias is not registered on the local cluster (cluster.remote.${f.alias} settings are missing)`],
    };
  }
  const usable = f.entry.connected && (!apiKey || f.entry.cluster_credentials !== undefined);
  const probeFailed = f.probe !== undefined && (!f.probe.connected || f.probe.error !== undefined);
  const causes = ingredientCauses(f);
  const said = f.probe?.error ?? '';
  if (causes.length === 0 && said) {
    const cause = probeCause(said);
    if (cause) causes.push(cause);
  }
  if (!usable || (f.probe && !f.probe.connected)) {
    if (causes.length === 0) {
      causes.push(
        `every ingredient is in place, so the network is the likely cause: check that the local allocators reach ${f.entry.proxy_address ?? 'the remote proxy'} (firewall, IP filters)${said ? ` (${said})` : ''}`,
      );
    }
    return { ...base, status: 'broken', causes };
  }
  if (probeFailed && causes.length === 0) causes.push(`_resolve/cluster reported an error: ${said}`);
  return { ...base, status: causes.length > 0 ? 'degraded' : 'connected', causes };
}
