import { type EceClient } from './client';
import { KeystoreContents } from './schemas';

function keystorePath(deploymentId: string, refId: string): string {
  return `/deployments/${encodeURIComponent(deploymentId)}/elasticsearch/${encodeURIComponent(refId)}/keystore`;
}

/** Names of the secrets in the keystore (ECE never returns values). */
export async function getKeystoreNames(
  ece: EceClient,
  deploymentId: string,
  refId: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const res = await ece.http.request({
    method: 'GET',
    path: keystorePath(deploymentId, refId),
    schema: KeystoreContents,
    signal,
  });
  return Object.keys(res.body.secrets);
}

/** PATCH one string secret (partial update: other secrets are kept). */
export async function setKeystoreSecret(
  ece: EceClient,
  deploymentId: string,
  refId: string,
  name: string,
  value: string,
  signal?: AbortSignal,
): Promise<void> {
  await ece.http.request({
    method: 'PATCH',
    path: keystorePath(deploymentId, refId),
    body: { secrets: { [name]: { value, as_file: false } } },
    sensitive: [value],
    signal,
  });
}

/** PATCH the secret with no value: ECE removes it (KeystoreSecret.value: "when unspecified, it is removed"). */
export async function removeKeystoreSecret(
  ece: EceClient,
  deploymentId: string,
  refId: string,
  name: string,
  signal?: AbortSignal,
): Promise<void> {
  await ece.http.request({
    method: 'PATCH',
    path: keystorePath(deploymentId, refId),
    body: { secrets: { [name]: {} } },
    signal,
  });
}
