/**
 * The inspection of a migration (`inspectConnection` with operation `migrate`): the certificate
 * connection found from its marks, the request it becomes (the API key model, same alias), the
 * prerequisites checked on both sides (Elastic's "Migrate remote clusters from certificate to API
 * key authentication", docs/sources.md §14), and what the migration must know before it changes
 * anything: the alias's settings, what replicates and reads through it, the roles on both sides,
 * and the certificate trust as a disconnect would read it. Refuses (PreflightRefused) with every
 * reason at once.
 */
import { ApplicationFailure } from '@temporalio/common';
import { type InspectConnectionInput, type InspectedConnection } from '../../domain/activities';
import { ConnectionRequest, RoleDefinition, type RoleSpec } from '../../domain/connection-request';
import { FailureType } from '../../domain/failures';
import { type ManagedConnection } from '../../domain/inventory';
import { uncoveredReplication } from '../../domain/migration';
import { MIGRATE, decidePlan } from '../../domain/plans';
import { type JobFact, type MigrationFacts, type PreflightResult, type RoleGrant } from '../../domain/records';
import { type Deps, type StepContext } from '../context';
import {
  type JobSource,
  autoFollowPatternsThroughAlias,
  followersThroughAlias,
  listDatafeeds,
  listTransforms,
  readsThroughAlias,
} from '../elasticsearch/ccr';
import { type EsClient } from '../elasticsearch/client';
import { getPersistentSettings } from '../elasticsearch/cluster';
import { getRole } from '../elasticsearch/roles';
import { listTrustRelationships } from '../ece/trust-relationships';
import { reclaimFacts } from '../lifecycle/reclaim';
import { proxyPort } from '../marks';
import { assessConnection } from './preflight';
import { readDeploymentFacts } from './preflight-reads';
import {
  type RefusalRule,
  aliasKeystoreFree,
  aliasSettingsFree,
  deploymentsReady,
  remoteCredentialCanCreateKeys,
  roleFieldsSupported,
  roleNamesFree,
} from './preflight-rules';
import { esFor } from './shared';
import { API_KEY_BETA, API_KEY_GA, atLeast } from './versions';

function refused(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: FailureType.PreflightRefused, nonRetryable: true });
}

/**
 * Elastic's prerequisite: both sides on 8.10 or later. crosslink's API key model is GA from 8.14
 * and beta on 8.10-8.13, accepted only with allowBetaApiKeyModel (as connect does).
 */
export const migrationVersions: RefusalRule = (s, request) => {
  const [lv, rv] = [s.local.facts.version, s.remote.facts.version];
  const versions = `local ${lv}, remote ${rv}`;
  if (!atLeast(lv, API_KEY_BETA) || !atLeast(rv, API_KEY_BETA)) {
    return [
      `migrating to the API key model needs Elasticsearch 8.10 or later on both sides (${versions}): upgrade first`,
    ];
  }
  const ga = atLeast(lv, API_KEY_GA) && atLeast(rv, API_KEY_GA);
  if (ga || request.allowBetaApiKeyModel) return [];
  return [
    `the API key model is beta on 8.10-8.13 (${versions}): upgrade both sides to 8.14 or later, or accept the beta with allowBetaApiKeyModel (--allow-beta; the local keystore then needs a gated restart)`,
  ];
};

/** The alias holds exactly the certificate connection (proxy mode, 9400, the remote's server name). */
const certificateAliasInPlace: RefusalRule = (s, request, connectionId) =>
  aliasSettingsFree(s, { ...request, securityModel: 'certificate' }, connectionId);

/** A migration's refusal rules: a connect's, with the alias held by the certificate connection. */
const MIGRATION_RULES: readonly RefusalRule[] = [
  deploymentsReady,
  migrationVersions,
  remoteCredentialCanCreateKeys,
  roleFieldsSupported,
  certificateAliasInPlace,
  aliasKeystoreFree,
  roleNamesFree,
];

/** The port the alias dials now (from `proxy_address`), if any. */
function portOf(c: ManagedConnection): number | undefined {
  const port = Number(c.settings?.proxyAddress?.split(':').pop());
  return Number.isFinite(port) ? port : undefined;
}

/** The connection is a certificate connection crosslink can reach (settings on 9400, a known remote). */
function assertCertificateConnection(
  c: ManagedConnection,
  id: string,
): asserts c is ManagedConnection & {
  remote: NonNullable<ManagedConnection['remote']>;
} {
  const port = portOf(c);
  if (port === proxyPort('api_key')) {
    throw refused(
      `the connection ${id} already uses the API key model (its alias dials port 9443): nothing to migrate`,
    );
  }
  if (!c.settings || port !== proxyPort('certificate')) {
    throw refused(
      `the connection ${id} has no certificate-model remote cluster settings (cluster.remote.${c.alias} in proxy mode on port 9400): nothing to migrate in place; crosslink disconnect removes what is left`,
    );
  }
  if (!c.remote) {
    throw refused(
      `the connection ${id} dials ${c.settings.serverName ?? '?'}, which is no deployment of the worker's environments`,
    );
  }
}

/** A role as `GET /_security/role` renders it, as `PUT` takes it back (read-only fields dropped). */
function definitionOf(role: Record<string, unknown>): Record<string, unknown> {
  const { transient_metadata: _transient, ...definition } = role;
  return definition;
}

async function readRoles(es: EsClient, names: readonly string[], signal: AbortSignal): Promise<RoleGrant[]> {
  const found: RoleGrant[] = [];
  for (const name of names) {
    const role = await getRole(es, name, signal);
    if (role) found.push({ name, definition: definitionOf(role) });
  }
  return found;
}

/** An index privilege entry as a role body takes it: the fields crosslink's role schema knows. */
function indexEntry(entry: Record<string, unknown>): Record<string, unknown> {
  const picked = ['names', 'privileges', 'field_security', 'query', 'allow_restricted_indices'];
  return Object.fromEntries(Object.entries(entry).filter(([k, v]) => picked.includes(k) && v !== undefined));
}

function entriesOf(definition: Record<string, unknown>, field: string): Array<Record<string, unknown>> {
  const value = definition[field];
  return Array.isArray(value) ? (value as Array<Record<string, unknown>>) : [];
}

function namesClusters(entry: Record<string, unknown>): string[] {
  const clusters = entry.clusters;
  return (Array.isArray(clusters) ? clusters : [clusters]).filter((c): c is string => typeof c === 'string');
}

/**
 * The local role as the API key model needs it (Elastic's guide: "copy these privileges from the
 * original roles on the remote cluster"): the local definition as it is, its `remote_indices` for
 * this alias replaced by the remote role's `indices` with `clusters: [alias]`.
 */
export function movedRole(alias: string, remote: RoleGrant, local: RoleGrant | undefined): RoleSpec {
  const now = local?.definition ?? {};
  const kept = entriesOf(now, 'remote_indices').filter((e) => !namesClusters(e).includes(alias));
  const moved = entriesOf(remote.definition, 'indices').map((e) => ({ ...indexEntry(e), clusters: [alias] }));
  const definition = RoleDefinition.parse({
    ...(Array.isArray(now.cluster) && now.cluster.length ? { cluster: now.cluster } : {}),
    ...(entriesOf(now, 'indices').length ? { indices: entriesOf(now, 'indices').map(indexEntry) } : {}),
    remote_indices: [...kept.map((e) => ({ ...indexEntry(e), clusters: e.clusters })), ...moved],
    ...(Array.isArray(now.remote_cluster) && now.remote_cluster.length ? { remote_cluster: now.remote_cluster } : {}),
    ...(typeof now.description === 'string' ? { description: now.description } : {}),
  });
  return { name: remote.name, local: definition };
}

/** movedRole, refused with the role's name when its definition is not one crosslink can write. */
function moved(alias: string, remote: RoleGrant, locals: readonly RoleGrant[]): RoleSpec {
  try {
    return movedRole(
      alias,
      remote,
      locals.find((l) => l.name === remote.name),
    );
  } catch (err) {
    throw refused(
      `the role "${remote.name}" cannot be moved to the API key model automatically (${err instanceof Error ? err.message : String(err)}): name the local roles in the request`,
    );
  }
}

function jobFacts(jobs: readonly JobSource[], alias: string): JobFact[] {
  return jobs.filter((j) => readsThroughAlias(j.indices, alias)).map((j) => ({ ...j }));
}

/** Transforms or datafeeds, or why they could not be listed (the gate then says so). */
async function jobsOf(
  what: string,
  list: () => Promise<JobSource[]>,
  alias: string,
  unread: string[],
): Promise<JobFact[]> {
  try {
    return jobFacts(await list(), alias);
  } catch (err) {
    unread.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    return [];
  }
}

/** What replicates and reads through the alias on the local deployment. */
async function readReplication(es: EsClient, alias: string, signal: AbortSignal) {
  const [followers, patterns] = [
    await followersThroughAlias(es, alias, signal),
    await autoFollowPatternsThroughAlias(es, alias, signal),
  ];
  const unread: string[] = [];
  const transforms = await jobsOf('transforms', () => listTransforms(es, signal), alias, unread);
  const datafeeds = await jobsOf('datafeeds', () => listDatafeeds(es, signal), alias, unread);
  return {
    followers: followers.map((f) => ({ name: f.follower_index, leaderIndex: f.leader_index, status: f.status })),
    patterns: patterns.map((p) => ({
      name: p.name,
      active: p.pattern.active,
      leaderIndexPatterns: p.pattern.leader_index_patterns,
    })),
    transforms,
    datafeeds,
    unread,
  };
}

/** The certificate request of the connection as it is (for the trust's names), and the API key request it becomes. */
function requestsOf(
  c: ManagedConnection & { remote: NonNullable<ManagedConnection['remote']> },
  input: InspectConnectionInput,
  roles: RoleSpec[],
): { certificate: ConnectionRequest; target: ConnectionRequest } {
  const change = input.change ?? {};
  const common = {
    local: { environment: c.local.environment, deploymentId: c.local.deploymentId },
    remote: { environment: c.remote.environment, deploymentId: c.remote.deploymentId },
    alias: c.alias,
    ...(c.settings?.skipUnavailable !== undefined ? { skipUnavailable: c.settings.skipUnavailable } : {}),
    ...(change.verifyTimeout ? { verifyTimeout: change.verifyTimeout } : {}),
    approval: { gates: input.gates, deadline: input.deadline },
    requestedBy: input.requestedBy,
  };
  return {
    certificate: ConnectionRequest.parse({ ...common, securityModel: 'certificate', roles: [] }),
    target: ConnectionRequest.parse({
      ...common,
      securityModel: 'api_key',
      access: change.access,
      ...(change.apiKeyExpiration ? { apiKeyExpiration: change.apiKeyExpiration } : {}),
      allowBetaApiKeyModel: change.allowBetaApiKeyModel === true,
      roles,
    }),
  };
}

export async function inspectForMigration(
  deps: Deps,
  ctx: StepContext,
  input: InspectConnectionInput,
  c: ManagedConnection,
): Promise<InspectedConnection> {
  const id = input.connectionId;
  assertCertificateConnection(c, id);
  if (!input.change?.access) throw refused('a migration needs the access the cross-cluster API key grants');
  const esOf = async (side: { environment: string; deploymentId: string }) => {
    const { facts } = await readDeploymentFacts(deps, ctx, deps.registry.ece(side.environment), side);
    return esFor(deps, facts);
  };
  const [remoteEs, localEs] = [await esOf(c.remote), await esOf(c.local)];
  const remoteRoleNames = c.roles.filter((r) => r.deploymentId === c.remote.deploymentId).map((r) => r.name);
  const remoteRoles = await readRoles(remoteEs, remoteRoleNames, ctx.signal);
  const localOf = async (names: string[]) => readRoles(localEs, names, ctx.signal);
  const named = input.change.roles;
  const localBefore = await localOf(named ? named.map((r) => r.name) : remoteRoles.map((r) => r.name));
  const roles = named ?? remoteRoles.map((remote) => moved(c.alias, remote, localBefore));
  const { certificate, target } = requestsOf(c, input, roles);
  const { result, decisionFacts } = await assessConnection(
    deps,
    ctx,
    { connectionId: id, request: target },
    MIGRATION_RULES,
  );
  const local = result.local;
  const es = esFor(deps, local);
  const settings = Object.fromEntries(
    Object.entries(await getPersistentSettings(es, ctx.signal)).filter(
      ([k, v]) => k.startsWith(`cluster.remote.${c.alias}.`) && v != null,
    ),
  );
  const replication = await readReplication(es, c.alias, ctx.signal);
  const uncovered = uncoveredReplication(replication, target.access);
  if (uncovered.length > 0) {
    throw refused(
      `preflight refused: the key's access.replication does not cover ${uncovered.join(', ')}: resuming them through the API key would be refused (403); add their leader indices to access.replication`,
    );
  }
  const relationships = await Promise.all(
    (['local', 'remote'] as const).map((side) =>
      listTrustRelationships(deps.registry.ece(certificate[side].environment), 'non-local', { signal: ctx.signal }),
    ),
  );
  const reclaimed = reclaimFacts({ ...result, model: 'certificate' }, certificate, {
    local: relationships[0]!,
    remote: relationships[1]!,
  });
  const migration: MigrationFacts = {
    settings,
    ...replication,
    remoteRoles,
    localRoles: localBefore,
    retire: {
      local: reclaimed.local,
      remote: reclaimed.remote,
      localEnvironment: reclaimed.localEnvironment,
      remoteEnvironment: reclaimed.remoteEnvironment,
    },
  };
  // A fresh key: a key found under the connection's name (a cut-short earlier migration) is this run's to replace.
  const { existingKey: _existing, ...facts } = result;
  const preflight: PreflightResult = { ...facts, migration };
  const { existingKey: _decided, ...connect } = decisionFacts;
  const active = replication.followers.filter((f) => f.status === 'active').length;
  return {
    request: target,
    preflight,
    decisions: decidePlan(MIGRATE, { request: target, migration: { connect, facts: migration } }),
    attempt: ctx.attempt,
    detail: `certificate connection to ${c.remote.deploymentId} (${c.remote.environment}) through ${String(settings[`cluster.remote.${c.alias}.proxy_address`] ?? '?')}: ${replication.followers.length} follower(s) (${active} active), ${replication.patterns.length} auto-follow pattern(s), ${replication.transforms.length + replication.datafeeds.length} job(s) reading through it`,
  };
}
