/**
 * `trust-all` (certificate model, a request with `deploymentTrust: all`): the documented procedure's
 * "All deployments" trust level. On the `side` deployment, the `trust.external` entry of the
 * relationship with the other environment gets `trust_all: true`: this deployment trusts every
 * deployment of that environment, including ones created later (ECE-API ExternalTrustRelationship;
 * `trust_allowlist` is used only when `trust_all` is false, so the allowlist is left as it is and
 * comes back into force when `trust_all` is set back). Read-modify-write of the whole trust object,
 * like deployment-trust. It is always its own gate (domain/step-catalog.ts changeGates).
 *
 * The undo sets `trust_all` back (or removes the entry this run added) only when nothing else
 * relies on it, decided from what exists at undo time (the ownership rule of every shared trust
 * object): another connection crosslink manages between this deployment and the other environment
 * (either direction: its marks, read by discovery), or a remote cluster registered on this
 * deployment that dials the other environment's proxy domain. A disconnect reclaims it the same way
 * when the connection relied on it (activities/lifecycle/reclaim.ts).
 */
import { type SideStepInput } from '../../domain/activities';
import {
  type CreatedResource,
  type KeptResource,
  type StepRecord,
  type TrustSettings,
  type UndoReport,
} from '../../domain/records';
import { type StepDescribers, currentTrust, trustUpdateRequest } from '../changes';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { listTrustRelationships } from '../ece/trust-relationships';
import { discoverConnections } from '../lifecycle/discover-connections';
import { facts, modifyTrust, other } from './shared';
import { hostOf, keepReason, proxyDomain, type Users } from './shared-trust-users';

type External = NonNullable<TrustSettings['external']>[number];

function environments(input: SideStepInput) {
  const p = input.preflight;
  return input.side === 'local'
    ? { self: p.localEnvironment, peer: p.remoteEnvironment }
    : { self: p.remoteEnvironment, peer: p.localEnvironment };
}

function resource(input: SideStepInput, relationshipId: string, description: string): CreatedResource {
  const self = facts(input.preflight, input.side);
  return {
    step: 'trust-all',
    environment: self.environment,
    deploymentId: self.deploymentId,
    kind: 'deployment-trust',
    id: `${relationshipId}/trust_all`,
    description,
  };
}

/** The entry after this step: the relationship's, with `trust_all` set (a new one trusts all and lists nobody). */
function trustingAll(entry: External | undefined, relationshipId: string): External {
  return entry ? { ...entry, trust_all: true } : { trust_relationship_id: relationshipId, trust_all: true };
}

export async function ensureTrustAll(
  deps: Deps,
  ctx: StepContext,
  input: SideStepInput & { trustRelationshipId: string },
): Promise<StepRecord> {
  const self = facts(input.preflight, input.side);
  const { peer } = environments(input);
  const relId = input.trustRelationshipId;
  // A retry after a lost response learns from the heartbeat that a trust_all it finds was this run's write.
  const intent = { step: 'trust-all', relationship: relId, deploymentId: self.deploymentId };
  let found = false;
  const changed = await modifyTrust(deps, ctx, self, (trust) => {
    const external = trust.external ?? [];
    const entry = external.find((e) => e.trust_relationship_id === relId);
    found = entry?.trust_all === true;
    if (found) return undefined;
    ctx.heartbeat(intent);
    const next = entry
      ? external.map((e) => (e === entry ? trustingAll(e, relId) : e))
      : [...external, trustingAll(undefined, relId)];
    return { ...trust, external: next };
  });
  const previous = ctx.heartbeatDetails as Record<string, unknown> | undefined;
  const ours = changed || (found && !!previous && Object.entries(intent).every(([k, v]) => previous[k] === v));
  const description = `trust.external of ${self.deploymentId} trusts every deployment of ${peer.environment} (trust_all) through relationship ${relId}`;
  return {
    attempt: ctx.attempt,
    created: ours ? [resource(input, relId, description)] : [],
    detail: changed
      ? `deployment ${self.deploymentId} now trusts every deployment of ${peer.environment}`
      : `deployment ${self.deploymentId} already trusts every deployment of ${peer.environment}`,
  };
}

/**
 * Who else relies on this deployment trusting every deployment of the other environment (a TLS
 * handshake between them needs it in either direction): crosslink's other certificate connections
 * between this deployment and that environment, remote clusters registered here that dial the other
 * environment's proxy domain, and remote clusters registered on that environment's deployments that
 * dial this one. What could not be read is kept, to be safe.
 */
async function trustAllUsers(deps: Deps, ctx: StepContext, input: SideStepInput): Promise<Users> {
  const self = facts(input.preflight, input.side);
  const peerSide = facts(input.preflight, other(input.side));
  const { peer } = environments(input);
  const inventory = await discoverConnections(deps, ctx, {});
  const own = input.connectionId;
  const isSelf = (d: { environment: string; deploymentId: string } | undefined) =>
    d?.environment === self.environment && d.deploymentId === self.deploymentId;
  const needs = inventory.connections
    .filter((c) => (c.class ?? 'connection') !== 'residue' && c.connectionId !== own && c.model === 'certificate')
    .filter(
      (c) =>
        (isSelf(c.local) && c.remote?.environment === peer.environment) ||
        (isSelf(c.remote) && c.local.environment === peer.environment),
    )
    .map((c) => `connection ${c.connectionId}`);
  const domain = proxyDomain(peerSide.endpoint);
  const endpoint = self.endpoint.toLowerCase();
  const hostOfRemote = (address: string | undefined) => hostOf(address ?? '').toLowerCase();
  const ownAlias = (u: { deploymentId: string; alias: string }) =>
    u.alias === input.request.alias && u.deploymentId === input.preflight.local.deploymentId;
  const dialing = inventory.unmanaged
    .filter((u) => !ownAlias(u))
    .flatMap((u) => {
      const host = hostOfRemote(u.address);
      const outbound = u.deploymentId === self.deploymentId && (host === domain || host.endsWith(`.${domain}`));
      const inbound = u.environment === peer.environment && host === endpoint;
      return outbound || inbound
        ? [
            `remote cluster "${u.alias}" of ${u.deploymentId} (${outbound ? `dials ${peer.environment}` : `dials ${self.deploymentId}`})`,
          ]
        : [];
    });
  const undecided = inventory.errors.map(
    (e) => `${e.environment}${e.deploymentId ? `/${e.deploymentId}` : ''} could not be read: ${e.message}`,
  );
  return { needs: [...needs, ...dialing], undecided };
}

/** The relationships in this side's environment that trust the other environment's account. */
async function peerRelationships(deps: Deps, ctx: StepContext, input: SideStepInput): Promise<string[]> {
  const { self, peer } = environments(input);
  const listed = await listTrustRelationships(deps.registry.ece(self.environment), 'non-local', { signal: ctx.signal });
  return listed.filter((r) => !r.local && (r.account_ids ?? []).includes(peer.accountId)).map((r) => r.id);
}

export async function removeTrustAll(deps: Deps, ctx: StepContext, input: SideStepInput): Promise<UndoReport> {
  const self = facts(input.preflight, input.side);
  const { peer } = environments(input);
  const relationships = await peerRelationships(deps, ctx, input);
  const before = self.trustBefore.external ?? [];
  const trustedAllBefore = (relId: string) =>
    before.some((b) => b.trust_relationship_id === relId && b.trust_all === true);
  const candidates = ((await currentTrust(deps, ctx, self)).external ?? []).filter(
    (e) =>
      relationships.includes(e.trust_relationship_id) &&
      e.trust_all === true &&
      !trustedAllBefore(e.trust_relationship_id),
  );
  if (candidates.length === 0) {
    return {
      attempt: ctx.attempt,
      removed: [],
      detail: `nothing of this run trusts every deployment of ${peer.environment} on ${self.deploymentId}`,
    };
  }
  const reason = keepReason(await trustAllUsers(deps, ctx, input));
  const removed: CreatedResource[] = [];
  const kept: KeptResource[] = [];
  await modifyTrust(deps, ctx, self, (trust) => {
    removed.length = 0;
    kept.length = 0;
    let touched = false;
    const next: External[] = [];
    for (const e of trust.external ?? []) {
      const relId = e.trust_relationship_id;
      if (!relationships.includes(relId) || e.trust_all !== true || trustedAllBefore(relId)) {
        next.push(e);
        continue;
      }
      const item = resource(input, relId, `trust_all in the trust.external entry for ${relId} of ${self.deploymentId}`);
      if (reason) {
        kept.push({ resource: item, reason });
        next.push(e);
        continue;
      }
      touched = true;
      const existedBefore = before.some((b) => b.trust_relationship_id === relId);
      const allowlist = (e.trust_allowlist as string[] | undefined) ?? [];
      if (!existedBefore && allowlist.length === 0) {
        removed.push({ ...item, description: `removed the trust.external entry for ${relId} of ${self.deploymentId}` });
        continue;
      }
      removed.push({
        ...item,
        description: `set trust_all back to false in the trust.external entry for ${relId} of ${self.deploymentId}`,
      });
      next.push({ ...e, trust_all: false });
    }
    if (!touched) return undefined;
    const result: TrustSettings = { ...trust, external: next };
    if (next.length === 0 && self.trustBefore.external === undefined) delete result.external;
    return result;
  });
  return {
    attempt: ctx.attempt,
    removed,
    ...(kept.length ? { kept } : {}),
    detail: removed.length
      ? removed.map((r) => r.description).join('; ')
      : `kept ${kept.map((k) => k.resource.description).join('; ')}: ${kept[0]?.reason ?? ''}`,
  };
}

export const activities = { ensureTrustAll, removeTrustAll } satisfies StepImplementations;

/** What ensureTrustAll would write now: the relationship's `trust.external` entry, before -> after. */
async function describeTrustAll(deps: Deps, ctx: StepContext, input: SideStepInput & { trustRelationshipId: string }) {
  const self = facts(input.preflight, input.side);
  const { peer } = environments(input);
  const relId = input.trustRelationshipId;
  const entry = ((await currentTrust(deps, ctx, self)).external ?? []).find((e) => e.trust_relationship_id === relId);
  if (entry?.trust_all === true) {
    return {
      summary: `${self.deploymentId} already trusts every deployment of ${peer.environment}: nothing to write`,
      requests: [],
      changes: [],
    };
  }
  const after = trustingAll(entry, relId);
  return {
    summary: `${self.deploymentId} trusts EVERY deployment of ${peer.environment}, including deployments created later (trust_all), through relationship ${relId}`,
    requests: [trustUpdateRequest(self, { 'trust.external': [after] })],
    changes: [{ what: `trust.external[${relId}] of ${self.deploymentId}`, before: entry ?? null, after }],
  };
}

export const changes = { ensureTrustAll: describeTrustAll } satisfies StepDescribers;
