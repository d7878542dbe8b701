import { type EsClient } from './client';
import { RoleMap } from './schemas';

/** `GET /_security/role/<name>`: the role, or undefined when it does not exist. */
export async function getRole(es: EsClient, name: string, signal?: AbortSignal): Promise<RoleMap[string] | undefined> {
  const res = await es.http.request({
    method: 'GET',
    path: `/_security/role/${encodeURIComponent(name)}`,
    schema: RoleMap,
    accept: [404],
    signal,
  });
  return res.status === 404 ? undefined : res.body[name];
}

export async function putRole(es: EsClient, name: string, body: Record<string, unknown>, signal?: AbortSignal) {
  await es.http.request({ method: 'PUT', path: `/_security/role/${encodeURIComponent(name)}`, body, signal });
}

/** True when it was deleted, false when it was already gone. */
export async function deleteRole(es: EsClient, name: string, signal?: AbortSignal): Promise<boolean> {
  const res = await es.http.request({
    method: 'DELETE',
    path: `/_security/role/${encodeURIComponent(name)}`,
    accept: [404],
    signal,
  });
  return res.status !== 404;
}
