/**
 * A deployment whose `settings.trust` ECE does not return has never had trust written: the default
 * applies, trusting every deployment of the environment's own account (docs/sources.md §2, "Absent
 * trust"). Any object written in its place replaces that default, so crosslink writes the default
 * `accounts` entry explicitly beside its own entry, and its undo writes `null` (revert to the
 * default) when nothing but that default is left.
 */
import { type TrustSettings } from '../../domain/records';
import { unexpectedResponse } from '../http/classify';
import { type EceClient } from './client';
import { type ElasticsearchResourceInfo } from './schemas';
import { getLocalTrustRelationship } from './trust-relationships';

export function trustIsAbsent(resource: ElasticsearchResourceInfo): boolean {
  return resource.info.settings?.trust == null;
}

/**
 * How a trust recorded before a run (`DeploymentFacts.trustBefore`) marks absence: `trustOf` gives
 * `{}` for it. ECE returns a written trust object with its arrays (`"external": []`), so `{}` is
 * never a written one.
 */
export function recordedAsAbsent(trustBefore: TrustSettings): boolean {
  return Object.keys(trustBefore).length === 0;
}

/** The default trust, explicit: every deployment of the own account. */
export function explicitDefaultTrust(accountId: string): TrustSettings {
  return { accounts: [{ account_id: accountId, trust_all: true }] };
}

/** The own account id (the local trust relationship's, what the UI calls the environment id; §1A). */
export async function ownAccountId(ece: EceClient, signal?: AbortSignal): Promise<string> {
  const local = await getLocalTrustRelationship(ece, signal);
  const id = local.account_ids?.[0];
  if (!id) {
    const path = '/platform/configuration/trust-relationships';
    throw unexpectedResponse(ece.http.target, 'GET', path, 'the local record names no account id');
  }
  return id;
}

/** True when `trust` is exactly the explicit default (empty `external` / `direct` arrays allowed). */
export function isExplicitDefault(trust: TrustSettings, accountId: string): boolean {
  const { accounts = [], external = [], direct = [], ...rest } = trust;
  if (Object.keys(rest).length > 0 || external.length > 0 || direct.length > 0 || accounts.length !== 1) return false;
  const [only] = accounts as Array<Record<string, unknown>>;
  const { account_id, trust_all, name, ...others } = only!;
  return (
    account_id === accountId &&
    trust_all === true &&
    (name === undefined || name === '') &&
    Object.keys(others).length === 0
  );
}
