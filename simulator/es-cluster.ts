/** Elasticsearch cluster APIs: info, cluster settings, remote info, secure-settings reload, resolve cluster. */
import { credentialsSetting, evaluateAlias } from './connection-rules';
import { esBadRequest, esError } from './es-errors';
import { reloadSecureSettings } from './keystore';
import { type Reply, type SimRequest } from './server';
import { flattenSettings, nestSettings, remoteAliases, renderSettings, validateRemoteSettings } from './settings';
import { type Deployment, type Json, type JsonObject, type SimState, versionAtLeast } from './state';
import { simpleMatch } from './index-names';

function versionInfo(version: string): JsonObject {
  const major = Number(version.split('.')[0]);
  return {
    number: version,
    build_flavor: 'default',
    minimum_wire_compatibility_version: major >= 9 ? '8.18.0' : '7.17.0',
    minimum_index_compatibility_version: major >= 9 ? '8.0.0' : '7.0.0',
  };
}

/**
 * The Lucene version each Elasticsearch release ships, from the first release it applies to
 * (server IndexVersions and its release table IndexVersions.csv; docs/simulator.md marks the
 * inferred rows).
 */
const LUCENE_FROM: ReadonlyArray<readonly [string, string]> = [
  ['8.10.0', '9.7.0'],
  ['8.11.0', '9.8.0'],
  ['8.12.0', '9.9.1'],
  ['8.12.1', '9.9.2'],
  ['8.13.0', '9.10.0'],
  ['8.15.0', '9.11.1'],
  ['8.16.0', '9.12.0'],
  ['8.18.0', '9.12.1'],
  ['8.19.0', '9.12.2'],
  ['9.0.0', '10.1.0'],
  ['9.1.0', '10.2.2'],
  ['9.2.0', '10.3.0'],
  ['9.3.0', '10.3.2'],
  ['9.4.0', '10.4.0'],
];

const versionKey = (v: string) => v.split('.').map(Number) as [number, number, number];
const notAfter = (a: string, b: string) => {
  const [x, y] = [versionKey(a), versionKey(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0);
  return true;
};

/** The Lucene version of an Elasticsearch version (the oldest row for anything older). */
export function luceneVersion(version: string): string {
  return [...LUCENE_FROM].reverse().find(([from]) => notAfter(from, version))?.[1] ?? LUCENE_FROM[0]![1];
}

export function info(dep: Deployment): Reply {
  return {
    status: 200,
    body: {
      name: 'instance-0000000000',
      cluster_name: dep.clusterId,
      cluster_uuid: `${dep.clusterId.slice(0, 22)}`,
      version: {
        ...versionInfo(dep.version),
        build_type: 'docker',
        build_hash: '0000000000000000000000000000000000000000',
        build_date: '2025-01-01T00:00:00.000Z',
        build_snapshot: false,
        lucene_version: luceneVersion(dep.version),
      },
      tagline: 'You Know, for Search',
    },
  };
}

export function getClusterSettings(dep: Deployment, req: SimRequest): Reply {
  const flat = req.query.get('flat_settings') === 'true';
  const render = (s: Record<string, Json>) => (flat ? renderSettings(s) : nestSettings(renderSettings(s)));
  return {
    status: 200,
    body: { persistent: render(dep.persistentSettings), transient: render(dep.transientSettings) },
  };
}

/** Applies updates (null removes, `prefix.*: null` removes a group) and returns the new map. */
function applyUpdates(current: Record<string, Json>, updates: Record<string, Json>): Record<string, Json> {
  const next = { ...current };
  for (const [key, value] of Object.entries(updates)) {
    if (value === null && key.endsWith('.*')) {
      const prefix = key.slice(0, -1);
      for (const k of Object.keys(next)) if (k.startsWith(prefix)) delete next[k];
    } else if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

export function putClusterSettings(dep: Deployment, req: SimRequest): Reply {
  const body = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return esError(400, 'action_request_validation_exception', 'Validation Failed: 1: no settings to update;');
  }
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    if (key !== 'persistent' && key !== 'transient') {
      return esError(400, 'x_content_parse_exception', `[cluster_update_settings_request] unknown field [${key}]`);
    }
  }
  const persistentUpdates = flattenSettings((b.persistent ?? {}) as Record<string, Json>);
  const transientUpdates = flattenSettings((b.transient ?? {}) as Record<string, Json>);
  if (Object.keys(persistentUpdates).length + Object.keys(transientUpdates).length === 0) {
    return esError(400, 'action_request_validation_exception', 'Validation Failed: 1: no settings to update;');
  }
  const persistent = applyUpdates(dep.persistentSettings, persistentUpdates);
  const transient = applyUpdates(dep.transientSettings, transientUpdates);
  const problem =
    validateRemoteSettings(persistentUpdates, persistent, 'persistent') ??
    validateRemoteSettings(transientUpdates, transient, 'transient');
  if (problem) return esBadRequest(problem);
  dep.persistentSettings = persistent;
  dep.transientSettings = transient;
  const flat = req.query.get('flat_settings') === 'true';
  const applied = (u: Record<string, Json>) => {
    const kept = renderSettings(Object.fromEntries(Object.entries(u).filter(([, v]) => v !== null)));
    return flat ? kept : nestSettings(kept);
  };
  return {
    status: 200,
    body: { acknowledged: true, persistent: applied(persistentUpdates), transient: applied(transientUpdates) },
  };
}

/** Transient settings override persistent ones, as in Elasticsearch. */
const effectiveSettings = (dep: Deployment) => ({ ...dep.persistentSettings, ...dep.transientSettings });

const defaultSkipUnavailable = (dep: Deployment) => versionAtLeast(dep.version, 8, 15);

export function remoteInfo(state: SimState, dep: Deployment): Reply {
  const out: JsonObject = {};
  for (const r of remoteAliases(effectiveSettings(dep)).values()) {
    const verdict = evaluateAlias(state, dep, r);
    const skip = r.skipUnavailable ?? defaultSkipUnavailable(dep);
    if (r.mode === 'proxy') {
      out[r.alias] = {
        connected: verdict.connected,
        mode: 'proxy',
        proxy_address: r.proxyAddress ?? '',
        server_name: r.serverName ?? '',
        num_proxy_sockets_connected: verdict.connected ? 18 : 0,
        max_proxy_socket_connections: 18,
        initial_connect_timeout: '30s',
        skip_unavailable: skip,
        ...(dep.loadedKeystore[credentialsSetting(r.alias)] ? { cluster_credentials: '::es_redacted::' } : {}),
      };
    } else {
      out[r.alias] = {
        connected: false,
        mode: 'sniff',
        seeds: r.seeds ?? [],
        num_nodes_connected: 0,
        max_connections_per_cluster: 3,
        initial_connect_timeout: '30s',
        skip_unavailable: skip,
      };
    }
  }
  return { status: 200, body: out };
}

/**
 * `POST /_nodes/reload_secure_settings` (server TransportNodesReloadSecureSettingsAction): each node
 * decrypts its keystore with `secure_settings_password` (none: the empty password). ECE's keystore
 * has no password, so any other one fails on the node: the node answers a `reload_exception`
 * (KeyStoreWrapper's SecurityException) and loads nothing, and the call itself is still 200.
 */
export function reloadSecure(dep: Deployment, req: SimRequest): Reply {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const password = body.secure_settings_password;
  const wrongPassword = typeof password === 'string' && password !== '';
  if (!wrongPassword) reloadSecureSettings(dep);
  const node = {
    name: 'instance-0000000000',
    ...(wrongPassword
      ? { reload_exception: { type: 'security_exception', reason: 'Provided keystore password was incorrect' } }
      : {}),
  };
  return {
    status: 200,
    body: {
      _nodes: { total: 1, successful: 1, failed: 0 },
      cluster_name: dep.clusterId,
      nodes: { [`node-${dep.clusterId.slice(0, 8)}`]: node },
    },
  };
}

export function resolveCluster(state: SimState, dep: Deployment, req: SimRequest): Reply {
  const aliases = remoteAliases(effectiveSettings(dep));
  const out: JsonObject = {};
  // Without an expression (8.18+), every configured remote is reported.
  const expression = req.params.name ?? [...aliases.keys()].map((a) => `${a}:*`).join(',');
  for (const part of expression.split(',').filter(Boolean)) {
    const colon = part.indexOf(':');
    if (colon < 0) {
      out['(local)'] = {
        connected: true,
        skip_unavailable: false,
        matching_indices: false,
        version: versionInfo(dep.version),
      };
      continue;
    }
    const aliasPattern = part.slice(0, colon);
    const matched = [...aliases.values()].filter((r) => simpleMatch(aliasPattern, r.alias));
    if (matched.length === 0 && !aliasPattern.includes('*')) {
      return esError(404, 'no_such_remote_cluster_exception', `no such remote cluster: [${aliasPattern}]`);
    }
    for (const r of matched) {
      const verdict = evaluateAlias(state, dep, r);
      const skip = r.skipUnavailable ?? defaultSkipUnavailable(dep);
      out[r.alias] = verdict.connected
        ? {
            connected: true,
            skip_unavailable: skip,
            matching_indices: true,
            version: versionInfo(verdict.remote!.version),
          }
        : { connected: false, skip_unavailable: skip, error: verdict.reason ?? 'unknown error' };
    }
  }
  return { status: 200, body: out };
}
