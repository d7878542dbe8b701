/**
 * Preflight's facts as a disconnect needs them: nothing of this connection counts as "there
 * before", so its undos remove what it put in place, on both sides. The shared objects' undos still
 * decide from their other users at undo time (shared-trust-users.ts); this only takes the
 * connection's own additions out of the "before" snapshot.
 */
import { type ConnectionRequest } from '../../domain/connection-request';
import {
  type DeploymentFacts,
  type EnvironmentFacts,
  type PreflightResult,
  type TrustSettings,
} from '../../domain/records';
import { type Side } from '../../domain/activities';
import { type TrustRelationship } from '../ece/schemas';
import { isTrustRelationshipMark, trustRelationshipName } from '../marks';

type External = NonNullable<TrustSettings['external']>[number];

/** Per side: the non-local trust relationships of that side's environment, as listed now. */
export type RelationshipsBySide = Record<Side, readonly TrustRelationship[]>;

const SIDES: readonly Side[] = ['local', 'remote'];
const otherSide = (side: Side): Side => (side === 'local' ? 'remote' : 'local');

function environmentOf(p: PreflightResult, side: Side): EnvironmentFacts {
  return side === 'local' ? p.localEnvironment : p.remoteEnvironment;
}

function deploymentOf(p: PreflightResult, side: Side): DeploymentFacts {
  return side === 'local' ? p.local : p.remote;
}

/**
 * The relationships the connection uses in `side`'s environment, the way platform-trust picks
 * them: the one carrying the connection's name, or an existing one for the other environment's
 * account (`used`); of those, the crosslink-made ones (`named`: not counted as there before).
 */
function connectionRelationships(
  p: PreflightResult,
  request: ConnectionRequest,
  side: Side,
  listed: readonly TrustRelationship[],
): { named: string[]; used: string[] } {
  const name = trustRelationshipName(request[otherSide(side)].environment, p.connectionId);
  const peerAccount = environmentOf(p, otherSide(side)).accountId;
  const named = listed.filter((r) => !r.local && r.name === name);
  const reused = listed.filter((r) => !r.local && (r.account_ids ?? []).includes(peerAccount));
  const used = [...new Set([...named, ...reused])];
  // crosslink-made (its own, or another connection's it reused): the disconnect's to remove when unreferenced.
  const peerEnvironment = request[otherSide(side)].environment;
  const made = used.filter((r) => isTrustRelationshipMark(r.name, peerEnvironment));
  return { named: made.map((r) => r.id), used: used.map((r) => r.id) };
}

/**
 * The peer's cluster id was not in the allowlists of the connection's relationships before; an
 * entry that trusts all deployments without allowlisting the peer is what the connection relied on
 * (it was made with `deploymentTrust: all`), so its `trust_all` was not there before either; an
 * entry that then allowlists nothing and does not trust all was not there at all. (The undos still
 * keep what another connection relies on.)
 */
function trustWithout(trust: TrustSettings, relationships: readonly string[], peerClusterId: string): TrustSettings {
  if (!trust.external) return trust;
  const external: External[] = [];
  for (const e of trust.external) {
    const allowlist = (e.trust_allowlist as string[] | undefined) ?? [];
    if (!relationships.includes(e.trust_relationship_id)) {
      external.push(e);
      continue;
    }
    const reliedOnTrustAll = e.trust_all === true && !allowlist.includes(peerClusterId);
    if (!allowlist.includes(peerClusterId) && !reliedOnTrustAll) {
      external.push(e);
      continue;
    }
    const rest = allowlist.filter((id) => id !== peerClusterId);
    const trustAll = reliedOnTrustAll ? false : e.trust_all;
    if (rest.length === 0 && !trustAll) continue;
    external.push({ ...e, trust_all: trustAll, ...('trust_allowlist' in e ? { trust_allowlist: rest } : {}) });
  }
  const result: TrustSettings = { ...trust, external };
  // A deployment whose external list was only the connection's had none (undo then sends none).
  if (external.length === 0) delete result.external;
  return result;
}

export function reclaimFacts(
  p: PreflightResult,
  request: ConnectionRequest,
  relationships: RelationshipsBySide,
): PreflightResult {
  const { existingKey: _existing, localAliasBefore: _alias, ...rest } = p;
  const reclaimed: PreflightResult = { ...rest };
  for (const side of SIDES) {
    const { named, used } = connectionRelationships(p, request, side, relationships[side]);
    const env = environmentOf(p, side);
    const deployment = deploymentOf(p, side);
    const peerClusterId = deploymentOf(p, otherSide(side)).clusterId;
    const environment: EnvironmentFacts = {
      ...env,
      trustRelationshipsBefore: env.trustRelationshipsBefore.filter((id) => !named.includes(id)),
    };
    const facts: DeploymentFacts = {
      ...deployment,
      rolesBefore: [],
      trustBefore: trustWithout(deployment.trustBefore, used, peerClusterId),
    };
    if (side === 'local') Object.assign(reclaimed, { localEnvironment: environment, local: facts });
    else Object.assign(reclaimed, { remoteEnvironment: environment, remote: facts });
  }
  return reclaimed;
}
