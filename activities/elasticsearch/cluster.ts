import { type EsClient } from './client';
import { serverVersion, versionAtLeast } from './version';
import { ClusterSettings, type RemoteInfoEntry, RemoteInfo, ResolveCluster, type ResolveClusterEntry } from './schemas';

/** Flatten nested settings to dotted keys (`cluster.remote.x.mode`), whatever form ES returned. */
export function flattenSettings(obj: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v))
      Object.assign(out, flattenSettings(v as Record<string, unknown>, key));
    else out[key] = v;
  }
  return out;
}

/** Persistent cluster settings, flat. */
export async function getPersistentSettings(es: EsClient, signal?: AbortSignal): Promise<Record<string, unknown>> {
  const res = await es.http.request({
    method: 'GET',
    path: '/_cluster/settings',
    query: { flat_settings: true },
    schema: ClusterSettings,
    signal,
  });
  return flattenSettings(res.body.persistent);
}

/** `PUT /_cluster/settings` with flat persistent keys (`null` removes a key). */
export async function putPersistentSettings(
  es: EsClient,
  settings: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<void> {
  await es.http.request({ method: 'PUT', path: '/_cluster/settings', body: { persistent: settings }, signal });
}

export async function getRemoteInfo(es: EsClient, signal?: AbortSignal): Promise<Record<string, RemoteInfoEntry>> {
  const res = await es.http.request({ method: 'GET', path: '/_remote/info', schema: RemoteInfo, signal });
  return res.body;
}

/** `POST /_nodes/reload_secure_settings`: reloads the keystore, so remote credentials take effect. */
export async function reloadSecureSettings(es: EsClient, signal?: AbortSignal): Promise<void> {
  await es.http.request({ method: 'POST', path: '/_nodes/reload_secure_settings', body: {}, signal });
}

/**
 * `GET /_resolve/cluster/<alias>:*`: an active probe through the remote connection. The API exists
 * from 8.13 and takes `timeout` from 8.18 (specs/elasticsearch); earlier versions refuse the
 * parameter, and before 8.13 there is no probe (undefined). `version`: the cluster's version when
 * the caller knows it (preflight's facts), else read with `GET /`.
 */
export async function resolveRemoteCluster(
  es: EsClient,
  alias: string,
  signal?: AbortSignal,
  version?: string,
): Promise<ResolveClusterEntry | undefined> {
  const known = version ?? (await serverVersion(es, signal));
  if (!versionAtLeast(known, '8.13')) return undefined;
  const res = await es.http.request({
    method: 'GET',
    path: `/_resolve/cluster/${encodeURIComponent(alias)}:*`,
    query: versionAtLeast(known, '8.18') ? { timeout: '10s' } : undefined,
    schema: ResolveCluster,
    signal,
  });
  return res.body[alias];
}
