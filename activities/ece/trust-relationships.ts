import { unexpectedResponse } from '../http/classify';
import { type EceClient } from './client';
import { TrustRelationship, TrustRelationshipCreated, TrustRelationshipList } from './schemas';

type Filter = 'all' | 'local' | 'non-local';

/** The relationships of the environment. */
export async function listTrustRelationships(
  ece: EceClient,
  filter: Filter,
  opts: { includeCertificate?: boolean; signal?: AbortSignal } = {},
): Promise<TrustRelationship[]> {
  const res = await ece.http.request({
    method: 'GET',
    path: ece.platformPath('/configuration/trust-relationships'),
    query: { filter, include_certificate: opts.includeCertificate ? true : undefined },
    schema: TrustRelationshipList,
    signal: opts.signal,
  });
  return res.body.trust_relationships;
}

/** The environment's own record: account id ("environment id"), installation id, CA. */
export async function getLocalTrustRelationship(ece: EceClient, signal?: AbortSignal): Promise<TrustRelationship> {
  const all = await listTrustRelationships(ece, 'local', { includeCertificate: true, signal });
  const local = all.find((r) => r.local);
  if (!local) {
    throw unexpectedResponse(ece.http.target, 'GET', '/platform/configuration/trust-relationships', 'no local record');
  }
  return local;
}

/** One record by id, with its CA (`get-trust-relationship`): a fresh read, cheaper than a list. */
export async function getTrustRelationship(
  ece: EceClient,
  id: string,
  signal?: AbortSignal,
): Promise<TrustRelationship> {
  const res = await ece.http.request({
    method: 'GET',
    path: ece.platformPath(`/configuration/trust-relationships/${encodeURIComponent(id)}`),
    query: { include_certificate: true },
    schema: TrustRelationship,
    signal,
  });
  return res.body;
}

export interface TrustRelationshipCreate {
  name: string;
  public_ca_cert: string;
  account_ids: string[];
  installation_id?: string;
  trust_by_default: boolean;
}

export async function createTrustRelationship(
  ece: EceClient,
  body: TrustRelationshipCreate,
  signal?: AbortSignal,
): Promise<string> {
  const res = await ece.http.request({
    method: 'POST',
    path: ece.platformPath('/configuration/trust-relationships'),
    body,
    schema: TrustRelationshipCreated,
    signal,
  });
  return res.body.id;
}

/** Delete; true when it was there, false when ECE answered 404 (already gone). */
export async function deleteTrustRelationship(ece: EceClient, id: string, signal?: AbortSignal): Promise<boolean> {
  const res = await ece.http.request({
    method: 'DELETE',
    path: ece.platformPath(`/configuration/trust-relationships/${encodeURIComponent(id)}`),
    accept: [404],
    signal,
  });
  return res.status !== 404;
}
