/**
 * From what every deployment holds to the connections crosslink manages. A remote cluster alias is
 * crosslink's when a mark names its connection id (a key's metadata, a role's metadata, a trust
 * relationship's name); an alias with no mark is listed as unmanaged and never audited. Marks whose
 * alias is gone (a terminated run, a manual removal) still make a connection: a broken one.
 */
import { connectionId as connectionIdOf } from '../../domain/connection-request';
import {
  type DeploymentSide,
  type KeyInfo,
  type ManagedConnection,
  type Mark,
  type RemoteSettings,
  type UnmanagedRemote,
} from '../../domain/inventory';
import { type TrustSettings } from '../../domain/records';
import { type ApiKeyInfo } from '../elasticsearch/schemas';
import { connectionHash, credentialsSetting, proxyPort, readApiKeyMark, trustRelationshipName } from '../marks';
import { type LivePart } from './classify';
import { connectionHealth } from './health';
import { type DeploymentSnapshot, type EnvironmentSnapshot } from './reads';

const REMOTE_SETTING = /^cluster\.remote\.([^.]+)\.(.+)$/;

export type Probe = { connected: boolean; error?: string };

/** Aliases registered on a deployment, with their flat settings. */
export function remoteAliases(snap: DeploymentSnapshot): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const [key, value] of Object.entries(snap.remoteSettings ?? {})) {
    const m = REMOTE_SETTING.exec(key);
    if (!m || value == null) continue;
    const fields = out.get(m[1]!) ?? {};
    fields[m[2]!] = value;
    out.set(m[1]!, fields);
  }
  return out;
}

function settingsOf(fields: Record<string, unknown> | undefined): RemoteSettings | undefined {
  if (!fields) return undefined;
  const text = (v: unknown) => (v == null ? undefined : String(v));
  const skip = fields.skip_unavailable;
  return {
    mode: text(fields.mode),
    proxyAddress: text(fields.proxy_address),
    serverName: text(fields.server_name),
    skipUnavailable: skip == null ? undefined : skip === true || skip === 'true',
  };
}

function side(s: DeploymentSnapshot): DeploymentSide {
  return {
    environment: s.environment,
    deploymentId: s.deploymentId,
    ...(s.name ? { name: s.name } : {}),
    ...(s.version ? { version: s.version } : {}),
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
  };
}

function keyInfo(k: ApiKeyInfo, now: number): KeyInfo {
  const mark = readApiKeyMark(k.metadata);
  const creation = typeof k.creation === 'number' ? k.creation : undefined;
  const access = k.access && typeof k.access === 'object' ? (k.access as Record<string, unknown>) : undefined;
  return {
    id: k.id,
    name: k.name ?? '',
    invalidated: k.invalidated === true,
    active: !k.invalidated && (k.expiration == null || k.expiration > now),
    ...(creation !== undefined ? { createdAt: new Date(creation).toISOString() } : {}),
    ...(k.expiration != null ? { expiresAt: new Date(k.expiration).toISOString() } : {}),
    ...(access ? { access } : {}),
    ...(mark?.workflowId && mark.runId ? { createdBy: { workflowId: mark.workflowId, runId: mark.runId } } : {}),
  };
}

/** Whether `trust.external` allowlists the peer cluster (or trusts all of some relationship's clusters). */
function trustsCluster(trust: TrustSettings | undefined, clusterId: string | undefined): boolean {
  return (trust?.external ?? []).some((e) => {
    const allow = (e.trust_allowlist as string[] | undefined) ?? [];
    return e.trust_all || (clusterId !== undefined && allow.includes(clusterId));
  });
}

/** `crosslink.<environment>.<deployment>.<alias>` back to its parts (ids and aliases hold no "."). */
function parseConnectionId(id: string): { environment: string; deploymentId: string; alias: string } | undefined {
  const parts = id.split('.');
  if (parts.length !== 4 || parts[0] !== 'crosslink') return undefined;
  return { environment: parts[1]!, deploymentId: parts[2]!, alias: parts[3]! };
}

export interface Assembled {
  connections: ManagedConnection[];
  unmanaged: UnmanagedRemote[];
  /** Per connection id: what of it exists now (for the classification). */
  live: Map<string, LivePart[]>;
}

const at = (d: { environment: string; deploymentId: string }) => `${d.environment}/${d.deploymentId}`;

/** The `trust.direct` proxy-CA entries of the local deployment that carry this connection's hash. */
function proxyCaEntries(local: DeploymentSnapshot | undefined, connectionId: string): string[] {
  const suffix = ` ${connectionHash(connectionId)}`;
  return (local?.trust?.direct ?? [])
    .map((e) => (e as { name?: unknown }).name)
    .filter((n): n is string => typeof n === 'string' && n.startsWith('crosslink proxy CA ') && n.endsWith(suffix));
}

/** What of a connection exists now, each object as an operator reads it. */
function liveParts(
  c: ManagedConnection,
  fields: Record<string, unknown> | undefined,
  local: DeploymentSnapshot | undefined,
  keyHolders: ReadonlyMap<string, DeploymentSnapshot>,
): LivePart[] {
  const parts: LivePart[] = [];
  const settingCount = Object.keys(fields ?? {}).length;
  if (settingCount > 0) {
    parts.push({
      what: `cluster.remote.${c.alias}.* (${settingCount} setting${settingCount === 1 ? '' : 's'}) on ${at(c.local)}`,
      core: true,
    });
  }
  if (local?.keystore?.includes(credentialsSetting(c.alias))) {
    parts.push({ what: `keystore credential ${credentialsSetting(c.alias)} on ${at(c.local)}`, core: true });
  }
  for (const k of c.keys.filter((key) => !key.invalidated)) {
    const holder = keyHolders.get(k.id);
    parts.push({
      what: `cross-cluster API key ${k.id} (${k.name}${k.active ? '' : ', expired'})${holder ? ` on ${at(holder)}` : ''}`,
      core: k.active,
    });
  }
  for (const name of proxyCaEntries(local, c.connectionId)) {
    parts.push({ what: `proxy-CA trust entry "${name}" on ${at(c.local)}`, core: false });
  }
  for (const r of c.roles) parts.push({ what: `role ${r.name} on ${at(r)}`, core: true });
  for (const m of c.marks.filter((x) => x.kind === 'trust-relationship')) {
    parts.push({ what: `trust relationship "${m.id}" in ${m.environment}`, core: false });
  }
  return parts;
}

export function assemble(envs: readonly EnvironmentSnapshot[], probes: Map<string, Probe>, now: number): Assembled {
  const all = envs.flatMap((e) => e.deployments);
  const byEndpoint = new Map(all.filter((d) => d.endpoint).map((d) => [d.endpoint!, d]));
  const byId = new Map(all.map((d) => [`${d.environment}/${d.deploymentId}`, d]));
  const keys = new Map<string, Array<{ key: ApiKeyInfo; holder: DeploymentSnapshot }>>();
  for (const holder of all) {
    for (const key of holder.keys ?? []) {
      const mark = readApiKeyMark(key.metadata);
      if (!mark) continue;
      keys.set(mark.connectionId, [...(keys.get(mark.connectionId) ?? []), { key, holder }]);
    }
  }
  const roles = new Map<string, ManagedConnection['roles']>();
  for (const d of all) {
    for (const r of d.markedRoles ?? []) {
      const list = roles.get(r.connectionId) ?? [];
      list.push({ environment: d.environment, deploymentId: d.deploymentId, name: r.name });
      roles.set(r.connectionId, list);
    }
  }
  const trustMarks = (id: string): Mark[] =>
    envs.flatMap((e) =>
      envs
        .filter((o) => o.name !== e.name)
        .flatMap((o) =>
          (e.trustRelationships ?? [])
            .filter((t) => t.name === trustRelationshipName(o.name, id))
            .map((t) => ({ kind: 'trust-relationship' as const, environment: e.name, id: t.name })),
        ),
    );

  const connections: ManagedConnection[] = [];
  const unmanaged: UnmanagedRemote[] = [];
  const live = new Map<string, LivePart[]>();
  const seen = new Set<string>();

  const build = (
    id: string,
    local: DeploymentSnapshot | undefined,
    where: { environment: string; deploymentId: string; alias: string },
    fields?: Record<string, unknown>,
  ) => {
    const own = keys.get(id) ?? [];
    const marks: Mark[] = [
      ...own.map(({ key, holder }) => ({
        kind: 'api-key' as const,
        environment: holder.environment,
        deploymentId: holder.deploymentId,
        id: key.id,
      })),
      ...(roles.get(id) ?? []).map((r) => ({
        kind: 'role' as const,
        environment: r.environment,
        deploymentId: r.deploymentId,
        id: r.name,
      })),
      ...trustMarks(id),
    ];
    if (marks.length === 0) return undefined;
    const settings = settingsOf(fields);
    const remote =
      (settings?.serverName ? byEndpoint.get(settings.serverName) : undefined) ?? own.find((k) => k.holder)?.holder;
    const port = Number(settings?.proxyAddress?.split(':').pop());
    // As Elasticsearch decides: a keystore credential for the alias makes it the API key model;
    // else the port it dials; without settings, a key of the connection. A rolled-back migration
    // leaves an invalidated key on a certificate connection whose alias still dials 9400.
    const credential = local?.keystore?.includes(credentialsSetting(where.alias)) === true;
    const model: ManagedConnection['model'] =
      credential || port === proxyPort('api_key')
        ? 'api_key'
        : port === proxyPort('certificate')
          ? 'certificate'
          : own.length > 0
            ? 'api_key'
            : 'certificate';
    const expected: RemoteSettings | undefined = remote?.endpoint
      ? { mode: 'proxy', proxyAddress: `${remote.endpoint}:${proxyPort(model)}`, serverName: remote.endpoint }
      : undefined;
    const keyInfos = own.map(({ key }) => keyInfo(key, now)).sort((a, b) => Number(b.active) - Number(a.active));
    const keystoreCredentials =
      model === 'api_key' && local?.keystore ? local.keystore.includes(credentialsSetting(where.alias)) : undefined;
    const deploymentTrust =
      model === 'certificate' && local && remote
        ? { local: trustsCluster(local.trust, remote.clusterId), remote: trustsCluster(remote.trust, local.clusterId) }
        : undefined;
    const activeKeyHolderRead = own.length > 0 || remote?.keys !== undefined;
    const health = connectionHealth({
      alias: where.alias,
      model,
      settings,
      expected,
      entry: local?.remoteInfo?.[where.alias],
      probe: probes.get(id),
      keystoreCredentials,
      activeKey: model === 'api_key' && activeKeyHolderRead ? keyInfos.some((k) => k.active) : undefined,
      deploymentTrust,
    });
    const connection: ManagedConnection = {
      connectionId: id,
      class: 'connection',
      local: local ? side(local) : { environment: where.environment, deploymentId: where.deploymentId },
      alias: where.alias,
      ...(remote ? { remote: side(remote) } : {}),
      model,
      ...(settings ? { settings } : {}),
      ...(expected ? { expected } : {}),
      keys: keyInfos,
      ...(keystoreCredentials !== undefined ? { keystoreCredentials } : {}),
      ...(deploymentTrust ? { deploymentTrust } : {}),
      roles: roles.get(id) ?? [],
      marks,
      health,
    };
    live.set(id, liveParts(connection, fields, local, new Map(own.map(({ key, holder }) => [key.id, holder]))));
    return connection;
  };

  for (const local of all) {
    for (const [alias, fields] of remoteAliases(local)) {
      const where = { environment: local.environment, deploymentId: local.deploymentId, alias };
      const id = connectionIdOf({ local: where, alias });
      seen.add(id);
      const c = build(id, local, where, fields);
      if (c) connections.push(c);
      else {
        const address = fields.proxy_address ?? fields.seeds;
        unmanaged.push({
          ...where,
          ...(fields.mode != null ? { mode: String(fields.mode) } : {}),
          ...(address != null ? { address: Array.isArray(address) ? address.join(',') : String(address) } : {}),
        });
      }
    }
  }
  // Marks whose alias is no longer registered.
  for (const id of new Set([...keys.keys(), ...roles.keys()])) {
    if (seen.has(id)) continue;
    const where = parseConnectionId(id);
    if (!where) continue;
    const c = build(id, byId.get(`${where.environment}/${where.deploymentId}`), where);
    if (c) connections.push(c);
  }
  connections.sort((a, b) => a.connectionId.localeCompare(b.connectionId));
  return { connections, unmanaged, live };
}

/** The aliases worth an active `_resolve/cluster` probe: registered, connected, on a version that has the API. */
export function probeTargets(
  envs: readonly EnvironmentSnapshot[],
): Array<{ id: string; local: DeploymentSnapshot; alias: string }> {
  return envs.flatMap((e) =>
    e.deployments.flatMap((local) =>
      [...remoteAliases(local).keys()]
        .filter((alias) => local.remoteInfo?.[alias]?.connected)
        .map((alias) => ({
          id: connectionIdOf({ local: { environment: local.environment, deploymentId: local.deploymentId }, alias }),
          local,
          alias,
        })),
    ),
  );
}
