import { z } from 'zod';
import { type CrossClusterAccess } from '../../domain/connection-request';
import { type EsClient } from './client';
import { type ApiKeyInfo, ApiKeyList, CrossClusterApiKeyCreated, InvalidateApiKeys } from './schemas';

export interface CrossClusterKeyCreate {
  name: string;
  access: CrossClusterAccess;
  expiration?: string;
  metadata: Record<string, unknown>;
}

/** `POST /_security/cross_cluster/api_key` (needs a user credential, not an API key). */
export async function createCrossClusterApiKey(es: EsClient, body: CrossClusterKeyCreate, signal?: AbortSignal) {
  const res = await es.http.request({
    method: 'POST',
    path: '/_security/cross_cluster/api_key',
    body,
    schema: CrossClusterApiKeyCreated,
    signal,
  });
  return res.body;
}

/** `GET /_security/api_key?name=`; 404 (no key by that name on some versions) is an empty list. */
export async function getApiKeysByName(es: EsClient, name: string, signal?: AbortSignal): Promise<ApiKeyInfo[]> {
  const res = await es.http.request({
    method: 'GET',
    path: '/_security/api_key',
    query: { name },
    schema: ApiKeyList,
    accept: [404],
    signal,
  });
  return res.status === 404 ? [] : res.body.api_keys;
}

export function isActive(key: ApiKeyInfo, now = Date.now()): boolean {
  return !key.invalidated && (key.expiration == null || key.expiration > now);
}

/** `DELETE /_security/api_key {"ids": [...]}`: a repeat lists them as previously invalidated. */
export async function invalidateApiKeys(es: EsClient, ids: string[], signal?: AbortSignal) {
  const res = await es.http.request({
    method: 'DELETE',
    path: '/_security/api_key',
    body: { ids },
    schema: InvalidateApiKeys,
    signal,
  });
  return res.body;
}

const Updated = z.looseObject({ updated: z.boolean() });

/**
 * `PUT /_security/cross_cluster/api_key/<id>` (ES-SPEC security.update_cross_cluster_api_key):
 * replaces the key's `access` in place; the key id and its secret stay the same, so the
 * credential in the remote's keystore keeps working. `updated` is false when nothing changed.
 */
export async function updateCrossClusterApiKey(
  es: EsClient,
  id: string,
  body: { access: Record<string, unknown>; metadata?: Record<string, unknown> },
  signal?: AbortSignal,
): Promise<boolean> {
  const res = await es.http.request({
    method: 'PUT',
    path: `/_security/cross_cluster/api_key/${encodeURIComponent(id)}`,
    body,
    schema: Updated,
    signal,
  });
  return res.body.updated;
}
