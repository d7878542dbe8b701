/** Elasticsearch cluster settings: flat/nested forms and `cluster.remote.<alias>.*` validation. */
import { type Json, type JsonObject } from './state';

/** `{"cluster":{"remote":{"x":{"mode":"proxy"}}}}` -> `{"cluster.remote.x.mode":"proxy"}`; null leaves kept. */
export function flattenSettings(input: Record<string, Json>, prefix = ''): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(input)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      Object.assign(out, flattenSettings(value, full));
    } else {
      out[full] = value;
    }
  }
  return out;
}

/** The nested form Elasticsearch returns without `flat_settings`. */
export function nestSettings(flat: Record<string, Json>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(flat).sort(([a], [b]) => a.localeCompare(b))) {
    const parts = key.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
      node = node[part] as JsonObject;
    }
    node[parts[parts.length - 1]!] = value;
  }
  return out;
}

/**
 * `cluster.remote.<alias>.<key>`: the alias is an affix-setting namespace, `[-\w]+` in Java's default
 * (ASCII) regex flavour (server Setting.AffixKey), so letters, digits, `_` and `-` only.
 */
const REMOTE = /^cluster\.remote\.([-A-Za-z0-9_]+)\.(.+)$/;
/** Any key in the per-alias namespace; one REMOTE does not match names no alias can have. */
const REMOTE_NAMESPACE = /^cluster\.remote\.[^.]+\..+$/;
const REMOTE_KEYS: Record<string, 'string' | 'boolean' | 'list' | 'int'> = {
  mode: 'string',
  seeds: 'list',
  proxy: 'string',
  proxy_address: 'string',
  server_name: 'string',
  skip_unavailable: 'boolean',
  proxy_socket_connections: 'int',
  node_connections: 'int',
  'transport.compress': 'string',
  'transport.compression_scheme': 'string',
  'transport.ping_schedule': 'string',
};

/**
 * The keys of one connection mode (server SniffConnectionStrategy, ProxyConnectionStrategy): each is
 * registered with a StrategyValidator that refuses it under the other mode.
 */
const MODE_KEYS: Record<string, 'SNIFF' | 'PROXY'> = {
  seeds: 'SNIFF',
  proxy: 'SNIFF',
  node_connections: 'SNIFF',
  proxy_address: 'PROXY',
  server_name: 'PROXY',
  proxy_socket_connections: 'PROXY',
};

export interface RemoteSettings {
  alias: string;
  /** Every key set under `cluster.remote.<alias>.`. */
  keys: string[];
  mode?: string;
  seeds?: string[];
  proxyAddress?: string;
  serverName?: string;
  skipUnavailable?: boolean;
}

/** Every alias configured in these flat settings. */
export function remoteAliases(flat: Record<string, Json>): Map<string, RemoteSettings> {
  const out = new Map<string, RemoteSettings>();
  for (const [key, value] of Object.entries(flat)) {
    const m = REMOTE.exec(key);
    if (!m || value === null) continue;
    const alias = m[1]!;
    const r = out.get(alias) ?? { alias, keys: [] };
    r.keys.push(m[2]!);
    if (m[2] === 'mode') r.mode = String(value);
    if (m[2] === 'seeds') r.seeds = (Array.isArray(value) ? value : [value]).map(String);
    if (m[2] === 'proxy_address') r.proxyAddress = String(value);
    if (m[2] === 'server_name') r.serverName = String(value);
    if (m[2] === 'skip_unavailable') r.skipUnavailable = value === true || value === 'true';
    out.set(alias, r);
  }
  // Sniff is the default mode when seeds are set.
  for (const r of out.values()) r.mode ??= 'sniff';
  return out;
}

/** `illegal_argument_exception` reason for a bad `cluster.remote.*` setting, as Elasticsearch words it. */
export function validateRemoteSettings(
  updates: Record<string, Json>,
  merged: Record<string, Json>,
  scope: 'persistent' | 'transient' = 'persistent',
): string | undefined {
  for (const [key, value] of Object.entries(updates)) {
    // `cluster.remote.<alias>.*: null` removes the alias's whole group.
    if (value === null && key.endsWith('.*') && REMOTE.test(key)) continue;
    const m = REMOTE.exec(key);
    if (!m) {
      if (REMOTE_NAMESPACE.test(key)) return `${scope} setting [${key}], not recognized`;
      continue;
    }
    const kind = REMOTE_KEYS[m[2]!];
    if (m[2] === 'credentials')
      return `setting [${key}], not dynamically updateable; it is a secure setting and belongs in the keystore`;
    if (!kind) return `${scope} setting [${key}], not recognized`;
    if (value === null) continue;
    if (kind === 'boolean' && typeof value !== 'boolean' && value !== 'true' && value !== 'false') {
      return `Failed to parse value [${String(value)}] as only [true] or [false] are allowed.`;
    }
    if (kind === 'int' && !/^\d+$/.test(String(value)))
      return `Failed to parse value [${String(value)}] for setting [${key}]`;
    if (m[2] === 'mode' && value !== 'sniff' && value !== 'proxy') {
      return `No enum constant org.elasticsearch.transport.RemoteConnectionStrategy.ConnectionStrategy.${String(value).toUpperCase()}`;
    }
    if (m[2] === 'proxy_address' && !/^[^:\s]+:\d{1,5}$/.test(String(value))) {
      return `failed to parse port: invalid proxy address [${String(value)}] for setting [${key}]`;
    }
    if (m[2] === 'seeds') {
      for (const seed of Array.isArray(value) ? value : [value]) {
        if (!/^[^:\s]+:\d{1,5}$/.test(String(seed)))
          return `failed to parse port for seed [${String(seed)}] of [${key}]`;
      }
    }
  }
  for (const r of remoteAliases(merged).values()) {
    const pre = `cluster.remote.${r.alias}`;
    const configured = r.mode === 'proxy' ? 'PROXY' : 'SNIFF';
    const misplaced = r.keys.find((k) => MODE_KEYS[k] !== undefined && MODE_KEYS[k] !== configured);
    if (misplaced) {
      return `Setting "${pre}.${misplaced}" cannot be used with the configured "${pre}.mode" [required=${MODE_KEYS[misplaced]}, configured=${configured}]`;
    }
    if (r.mode === 'sniff' && !r.seeds?.length) {
      return `Cannot configure setting [${pre}.skip_unavailable] if remote cluster is not enabled.`;
    }
    if (r.mode === 'proxy' && !r.proxyAddress) {
      return `Cannot configure remote cluster [${r.alias}] in proxy mode without a [${pre}.proxy_address]`;
    }
  }
  return undefined;
}

/**
 * Settings as Elasticsearch renders them: every value a string, lists as lists of strings
 * (the spec types `_cluster/settings` values as strings; Settings keeps them as strings).
 */
export function renderSettings(flat: Record<string, Json>): Record<string, Json> {
  return Object.fromEntries(
    Object.entries(flat).map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => String(x)) : v === null ? v : String(v)]),
  );
}
