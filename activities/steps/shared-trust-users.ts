/**
 * Who still needs a shared trust object, decided from the systems' current state at undo time
 * (as ECE decides from what exists), never from a snapshot taken before the run. Pure functions
 * over what the undo just read: the local cluster's persistent settings (flat) and keystore names.
 * This connection's own alias never counts: undos run newest first, so it is gone by then unless
 * its undo failed, and then it is a reported leftover of this run, not a user (one connection has
 * one run, so no other run holds the same alias).
 */

/** One `cluster.remote.<alias>` as the settings hold it: the hosts it dials. */
export interface RemoteAlias {
  alias: string;
  mode?: string;
  /** Hosts of `proxy_address`, `server_name` and `seeds`, without ports. */
  hosts: string[];
}

const REMOTE_KEY = /^cluster\.remote\.([^.]+)\.(mode|proxy_address|server_name|seeds)$/;
const CREDENTIALS_KEY = /^cluster\.remote\.([^.]+)\.credentials$/;

export function hostOf(address: string): string {
  // "host:port", or "[v6]:port": strip the port; server_name has none.
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (v6) return v6[1]!;
  const i = address.lastIndexOf(':');
  return i > 0 && /^\d+$/.test(address.slice(i + 1)) ? address.slice(0, i) : address;
}

/** Every alias with remote-cluster settings (null values are removed settings). */
export function remoteAliases(settings: Record<string, unknown>): RemoteAlias[] {
  const byAlias = new Map<string, RemoteAlias>();
  for (const [key, value] of Object.entries(settings)) {
    const m = REMOTE_KEY.exec(key);
    if (!m || value == null) continue;
    const alias = m[1]!;
    const entry = byAlias.get(alias) ?? { alias, hosts: [] };
    byAlias.set(alias, entry);
    if (m[2] === 'mode') entry.mode = String(value);
    else for (const v of Array.isArray(value) ? value : [value]) entry.hosts.push(hostOf(String(v)).toLowerCase());
  }
  return [...byAlias.values()];
}

/** Aliases that have a `cluster.remote.<alias>.credentials` secret in the keystore. */
export function credentialAliases(keystoreNames: readonly string[]): string[] {
  return keystoreNames.flatMap((n) => {
    const m = CREDENTIALS_KEY.exec(n);
    return m ? [m[1]!] : [];
  });
}

/**
 * An ECE deployment's endpoint is `<cluster id>.<proxy domain>`: every deployment reached through
 * that environment's proxy shares the domain (and so the proxy's certificate).
 */
export function proxyDomain(endpoint: string): string {
  const i = endpoint.indexOf('.');
  return (i >= 0 ? endpoint.slice(i + 1) : endpoint).toLowerCase();
}

function inDomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/** What keeps a shared object: who needs it, and what could not be decided (kept to be safe). */
export interface Users {
  needs: string[];
  undecided: string[];
}

export function keepReason(users: Users): string | undefined {
  const parts = [
    ...users.needs.map((n) => `still needed by ${n}`),
    ...users.undecided.map((u) => `kept to be safe: ${u}`),
  ];
  return parts.length ? parts.join('; ') : undefined;
}

/**
 * Users of the local deployment's `trust.direct` entry for a remote environment's proxy CA: any
 * alias whose settings dial a host in the environment's proxy domain, and any alias with a keystore
 * credential but no settings yet (a connection in flight: where it points cannot be told).
 */
export function proxyCaUsers(
  settings: Record<string, unknown>,
  keystoreNames: readonly string[],
  domain: string,
  ownAlias: string,
): Users {
  const aliases = remoteAliases(settings).filter((a) => a.alias !== ownAlias);
  const needs = aliases
    .filter((a) => a.hosts.some((h) => inDomain(h, domain)))
    .map((a) => `remote cluster "${a.alias}" (${a.hosts.find((h) => inDomain(h, domain))})`);
  const undecided = credentialAliases(keystoreNames)
    .filter((alias) => alias !== ownAlias && !remoteAliases(settings).some((a) => a.alias === alias))
    .map(
      (alias) => `cluster.remote.${alias}.credentials is in the keystore without settings (a connection in flight?)`,
    );
  return { needs, undecided };
}

/** Aliases on a cluster (by its settings) that dial the deployment with the given endpoint. */
export function aliasesDialing(settings: Record<string, unknown>, endpoint: string): string[] {
  const host = endpoint.toLowerCase();
  return remoteAliases(settings)
    .filter((a) => a.hosts.includes(host))
    .map((a) => a.alias);
}

/**
 * Users of "deployment S allowlists cluster P" (certificate model): in either direction a TLS
 * handshake between S and P needs it, so any alias on S dialing P, or on P dialing S.
 */
export function allowlistUsers(
  self: { deploymentId: string; endpoint: string; settings: Record<string, unknown> | undefined },
  peer: { deploymentId: string; endpoint: string; settings: Record<string, unknown> | undefined },
  own: { deploymentId: string; alias: string },
): Users {
  const needs: string[] = [];
  const undecided: string[] = [];
  for (const [from, to] of [
    [self, peer],
    [peer, self],
  ] as const) {
    if (!from.settings) {
      undecided.push(`the remote-cluster settings of ${from.deploymentId} could not be read`);
      continue;
    }
    for (const alias of aliasesDialing(from.settings, to.endpoint)) {
      if (from.deploymentId === own.deploymentId && alias === own.alias) continue;
      needs.push(`remote cluster "${alias}" of ${from.deploymentId} (dials ${to.deploymentId})`);
    }
  }
  return { needs, undecided };
}

/** Deployments whose `trust.external` still references the relationship. */
export function relationshipReferences(
  deployments: ReadonlyArray<{ deploymentId: string; external: ReadonlyArray<{ trust_relationship_id: string }> }>,
  relationshipId: string,
): string[] {
  return deployments
    .filter((d) => d.external.some((e) => e.trust_relationship_id === relationshipId))
    .map((d) => d.deploymentId);
}
