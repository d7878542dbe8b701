import { type SideStepInput } from '../../domain/activities';
import {
  type CreatedResource,
  type KeptResource,
  type PlatformTrustRecord,
  type UndoReport,
} from '../../domain/records';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import {
  createTrustRelationship,
  deleteTrustRelationship,
  listTrustRelationships,
  getTrustRelationship,
} from '../ece/trust-relationships';
import { externalTrustOfAll } from '../ece/deployment-list';
import { unexpectedResponse } from '../http/classify';
import { isTrustRelationshipMark, trustRelationshipName } from '../marks';
import { relationshipReferences } from './shared-trust-users';
import { type StepDescribers } from '../changes';

function environments(input: SideStepInput) {
  const p = input.preflight;
  const [self, peer] =
    input.side === 'local' ? [p.localEnvironment, p.remoteEnvironment] : [p.remoteEnvironment, p.localEnvironment];
  return { self, peer };
}

/**
 * In the `side` environment, a trust relationship for the other environment. An existing one for
 * the other environment's account is reused (and never deleted); a create first looks for its own
 * earlier result by name, so a lost response does not make a second one (that list is always read
 * fresh, one call per side).
 */
export async function ensurePlatformTrust(
  deps: Deps,
  ctx: StepContext,
  input: SideStepInput,
): Promise<PlatformTrustRecord> {
  const { self, peer } = environments(input);
  const ece = deps.registry.ece(self.environment);
  const name = trustRelationshipName(peer.environment, input.connectionId);
  const existing = await listTrustRelationships(ece, 'non-local', { signal: ctx.signal });
  const created = (id: string): CreatedResource => ({
    step: 'platform-trust',
    environment: self.environment,
    kind: 'trust-relationship',
    id,
    description: `trust relationship "${name}" in ${self.environment} for environment ${peer.environment} (account ${peer.accountId})`,
  });

  const ours = existing.find((r) => r.name === name && !self.trustRelationshipsBefore.includes(r.id));
  if (ours) {
    return {
      attempt: ctx.attempt,
      created: [created(ours.id)],
      detail: `trust relationship ${ours.id} for ${peer.environment} already created by this run`,
      environment: self.environment,
      trustRelationshipId: ours.id,
      createdByRun: true,
    };
  }
  const reusable = existing.find((r) => !r.local && (r.account_ids ?? []).includes(peer.accountId));
  if (reusable) {
    return {
      attempt: ctx.attempt,
      created: [],
      detail: `reusing the existing trust relationship "${reusable.name}" (${reusable.id}) for ${peer.environment}`,
      environment: self.environment,
      trustRelationshipId: reusable.id,
      createdByRun: false,
    };
  }

  // The peer's CA, read fresh (a rotated CA must not be copied stale) by the id preflight found.
  const peerRecord = await getTrustRelationship(
    deps.registry.ece(peer.environment),
    peer.localTrustRelationshipId,
    ctx.signal,
  );
  if (!peerRecord.public_ca_cert) {
    throw unexpectedResponse(
      deps.registry.ece(peer.environment).http.target,
      'GET',
      '/platform/configuration/trust-relationships',
      'the local record has no public_ca_cert although include_certificate=true',
    );
  }
  const id = await createTrustRelationship(
    ece,
    {
      name,
      public_ca_cert: peerRecord.public_ca_cert,
      account_ids: peerRecord.account_ids?.length ? peerRecord.account_ids : [peer.accountId],
      ...(peerRecord.installation_id ? { installation_id: peerRecord.installation_id } : {}),
      trust_by_default: false,
    },
    ctx.signal,
  );
  return {
    attempt: ctx.attempt,
    created: [created(id)],
    detail: `created trust relationship ${id} in ${self.environment} for ${peer.environment}`,
    environment: self.environment,
    trustRelationshipId: id,
    createdByRun: true,
  };
}

/**
 * Delete only relationships carrying this connection's name (a disconnect: crosslink's name for
 * the other environment) and absent before the run (reclaim.ts decides which for a disconnect), and only
 * when no deployment of the environment still references them in `trust.external` (read now:
 * another connection may have come to use the relationship this run created). 404 = done.
 */
export async function removePlatformTrust(deps: Deps, ctx: StepContext, input: SideStepInput): Promise<UndoReport> {
  const { self, peer } = environments(input);
  const ece = deps.registry.ece(self.environment);
  const name = trustRelationshipName(peer.environment, input.connectionId);
  const existing = await listTrustRelationships(ece, 'non-local', { signal: ctx.signal });
  // A disconnect also reclaims another connection's relationship this one reused (kept then
  // because this one still referenced it); a connect's rollback only its own.
  const mine = (r: { name: string }) =>
    r.name === name || (input.reclaim === true && isTrustRelationshipMark(r.name, peer.environment));
  const candidates = existing.filter((r) => !r.local && mine(r) && !self.trustRelationshipsBefore.includes(r.id));
  const usage = candidates.length ? await externalTrustOfAll(ece, ctx.signal) : [];
  const removed: CreatedResource[] = [];
  const kept: KeptResource[] = [];
  for (const r of candidates) {
    const item: CreatedResource = {
      step: 'platform-trust',
      environment: self.environment,
      kind: 'trust-relationship',
      id: r.id,
      description: `trust relationship "${r.name}" in ${self.environment}`,
    };
    const users = relationshipReferences(usage, r.id);
    if (users.length) {
      kept.push({ resource: item, reason: `still used by the trust.external of ${users.join(', ')}` });
      continue;
    }
    if (await deleteTrustRelationship(ece, r.id, ctx.signal)) removed.push(item);
  }
  return {
    attempt: ctx.attempt,
    removed,
    ...(kept.length ? { kept } : {}),
    detail: removed.length
      ? `deleted ${removed.map((r) => r.id).join(', ')}`
      : kept.length
        ? `kept ${kept.map((k) => `${k.resource.id} (${k.reason})`).join(', ')}`
        : `no trust relationship of this run in ${self.environment}`,
  };
}

export const activities = { ensurePlatformTrust, removePlatformTrust } satisfies StepImplementations;

/** What ensurePlatformTrust would do now: nothing (made or reusable), or one new relationship. */
async function describePlatformTrust(deps: Deps, ctx: StepContext, input: SideStepInput) {
  const { self, peer } = environments(input);
  const name = trustRelationshipName(peer.environment, input.connectionId);
  const existing = await listTrustRelationships(deps.registry.ece(self.environment), 'non-local', {
    signal: ctx.signal,
  });
  const ours = existing.find((r) => r.name === name && !self.trustRelationshipsBefore.includes(r.id));
  if (ours)
    return { summary: `${self.environment}: "${name}" already made by this connection`, requests: [], changes: [] };
  const reusable = existing.find((r) => !r.local && (r.account_ids ?? []).includes(peer.accountId));
  if (reusable) {
    return {
      summary: `${self.environment} already trusts ${peer.environment} ("${reusable.name}"): nothing is created`,
      requests: [],
      changes: [],
    };
  }
  return {
    summary: `${self.environment} trusts ${peer.environment}: new trust relationship "${name}"`,
    requests: [
      {
        system: 'ece' as const,
        environment: self.environment,
        method: 'POST' as const,
        path: '/api/v1/platform/configuration/trust-relationships',
        body: {
          name,
          account_ids: [peer.accountId],
          trust_by_default: false,
          public_ca_cert: `<the CA certificate of ${peer.environment}, from its trust record ${peer.localTrustRelationshipId}>`,
        },
      },
    ],
    changes: [{ what: `trust relationships of ${self.environment}`, after: `+ "${name}" (account ${peer.accountId})` }],
  };
}

export const changes = { ensurePlatformTrust: describePlatformTrust } satisfies StepDescribers;
