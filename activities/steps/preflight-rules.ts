/**
 * Preflight's refusal rules: pure functions over what preflight read (the snapshot) and the
 * request. Each returns its refusals, one line each, empty when the rule is satisfied; preflight
 * refuses with all of them at once.
 */
import { type Side } from '../../domain/activities';
import { type ConnectionRequest } from '../../domain/connection-request';
import { isActive } from '../elasticsearch/api-keys';
import { apiKeyCarriesMark, credentialsSetting, proxyPort, roleCarriesMark } from '../marks';
import { type PreflightSnapshot } from './preflight-reads';
import { heldElsewhereMessage, liveKeyOfAnotherRun } from './run-ownership';
import {
  API_KEY_BETA,
  API_KEY_GA,
  ROLE_REMOTE_CLUSTER_SINCE,
  ROLE_REMOTE_INDICES_SINCE,
  atLeast,
  parseVersion,
} from './versions';

export type RefusalRule = (snapshot: PreflightSnapshot, request: ConnectionRequest, connectionId: string) => string[];

const SIDES: readonly Side[] = ['local', 'remote'];

/**
 * Both deployments are healthy. A pending plan is not a refusal: it is another change's (often
 * another crosslink run's), and every write waits for the deployment's plan slot
 * (ece/await-plan-slot.ts); pendingPlanNotes says so in the decisions.
 */
export const deploymentsReady: RefusalRule = (s) =>
  SIDES.flatMap((side) => {
    const { facts } = s[side];
    const where = `the ${side} deployment ${facts.deploymentId} (${facts.environment})`;
    return facts.healthy ? [] : [`${where} is not healthy: repair it in ECE first`];
  });

/** One note per side with a pending plan: writes wait for it, up to `planSlotWaitMs`. */
export function pendingPlanNotes(s: PreflightSnapshot, planSlotWaitMs: number): string[] {
  return SIDES.filter((side) => s[side].pendingPlan).map(
    (side) =>
      `the ${side} deployment ${s[side].facts.deploymentId} has a pending plan (another change): writes wait for it, up to ${formatWait(planSlotWaitMs)}`,
  );
}

function formatWait(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

export interface VersionAssessment {
  refusal?: string;
  /** Whether the local keystore will not reload by itself (beta API key model on a local < 8.14). */
  restartExpected: boolean;
  note: string;
}

/** Versions decide whether the model is allowed and whether the keystore reloads by itself. */
export function assessVersions(request: ConnectionRequest, lv: string, rv: string): VersionAssessment {
  const note = `local ${lv}, remote ${rv}`;
  if (request.securityModel !== 'api_key') {
    const deprecated = atLeast(lv, '9.0.0') || atLeast(rv, '9.0.0');
    return {
      restartExpected: false,
      note: deprecated ? `${note} (the certificate model is deprecated from 9.0; prefer api_key)` : note,
    };
  }
  const ga = atLeast(lv, API_KEY_GA) && atLeast(rv, API_KEY_GA);
  const beta = atLeast(lv, API_KEY_BETA) && atLeast(rv, API_KEY_BETA);
  const needs = `the api_key model needs Elasticsearch 8.14 or later on both sides (local ${lv}, remote ${rv})`;
  if (ga) return { restartExpected: false, note };
  if (!beta) return { refusal: `${needs}: upgrade, or use the certificate model`, restartExpected: false, note };
  if (!request.allowBetaApiKeyModel) {
    return {
      refusal: `${needs}; on 8.10-8.13 it was beta: upgrade, or set allowBetaApiKeyModel to accept the beta (the local keystore then needs a reload or restart)`,
      restartExpected: false,
      note,
    };
  }
  return {
    restartExpected: !atLeast(lv, API_KEY_GA),
    note: `${note} (api_key model in beta, allowed by allowBetaApiKeyModel)`,
  };
}

export const modelSupported: RefusalRule = (s, request) => {
  const { refusal } = assessVersions(request, s.local.facts.version, s.remote.facts.version);
  return refusal ? [refusal] : [];
};

/** Creating a cross-cluster API key takes a user: Elasticsearch refuses it to an API key. */
export const remoteCredentialCanCreateKeys: RefusalRule = (s, request) =>
  request.securityModel === 'api_key' && s.remoteCredentialKind === 'apiKey'
    ? [
        `creating a cross-cluster API key needs a user, but the Elasticsearch credentials for the remote deployment ${request.remote.deploymentId} are an API key: configure username/password for it in environments.${request.remote.environment}.elasticsearch`,
      ]
    : [];

/** Role fields the local cluster would reject (docs/sources.md §8A): refuse now rather than roll back later. */
export const roleFieldsSupported: RefusalRule = (s, request) => {
  const lv = s.local.facts.version;
  const refuse = (role: string, field: string, since: string) =>
    atLeast(lv, since)
      ? []
      : [
          `role "${role}" uses ${field}, which Elasticsearch accepts from ${minor(since)} (local is ${lv}): drop it or upgrade`,
        ];
  return request.roles.flatMap((role) => [
    ...(role.local.remote_indices?.length ? refuse(role.name, 'remote_indices', ROLE_REMOTE_INDICES_SINCE) : []),
    ...(role.local.remote_cluster?.length ? refuse(role.name, 'remote_cluster', ROLE_REMOTE_CLUSTER_SINCE) : []),
  ]);
};

/** `8.10.0` -> `8.10`. */
function minor(version: string): string {
  const [major, minorPart] = parseVersion(version);
  return `${major}.${minorPart}`;
}

/** The proxy address the alias points at in the request's model. */
export function expectedProxyAddress(s: PreflightSnapshot, request: ConnectionRequest): string {
  return `${s.remote.facts.endpoint}:${proxyPort(request.securityModel)}`;
}

/** The alias's persistent settings on the local deployment (set, not null). */
export function aliasSettingNames(s: PreflightSnapshot, request: ConnectionRequest): string[] {
  const prefix = `cluster.remote.${request.alias}.`;
  return Object.keys(s.localSettings).filter((k) => k.startsWith(prefix) && s.localSettings[k] != null);
}

/** The cluster id an ECE endpoint names (its first DNS label); undefined for an IP address. */
export function clusterIdOfAddress(address: string): string | undefined {
  const host = address.replace(/:\d+$/, '');
  if (/^[\d.]+$/.test(host) || host.includes(':')) return undefined;
  return host.split('.')[0] || undefined;
}

/**
 * The alias's settings on the local deployment are absent, or exactly this connection's. Anything
 * else is refused with what holds the alias: where it points, the cluster that is, and (the
 * connection id being local deployment + alias, and its workflow id the connection id) the
 * workflow that holds it if crosslink made it.
 */
export const aliasSettingsFree: RefusalRule = (s, request, connectionId) => {
  const names = aliasSettingNames(s, request);
  if (names.length === 0) return [];
  const setting = (name: string) => s.localSettings[`cluster.remote.${request.alias}.${name}`];
  const expected = expectedProxyAddress(s, request);
  const ours =
    setting('mode') === 'proxy' &&
    setting('proxy_address') === expected &&
    setting('server_name') === s.remote.facts.endpoint;
  if (ours) return [];
  const shownName = ['proxy_address', 'seeds', 'mode'].find((n) => setting(n) != null);
  const shown = shownName
    ? `cluster.remote.${request.alias}.${shownName} = ${String(setting(shownName))}`
    : names.join(', ');
  const pointedAt = [setting('server_name'), setting('proxy_address'), ...[setting('seeds')].flat()]
    .filter((v): v is string => typeof v === 'string')
    .map(clusterIdOfAddress)
    .find((id) => id !== undefined);
  return [
    `the alias "${request.alias}" is already used on the local deployment for another remote (${shown}${pointedAt ? `, cluster ${pointedAt}` : ''}), not this connection's remote ${expected} (cluster ${s.remote.facts.clusterId}). If crosslink made it, workflow ${connectionId} holds it: disconnect that connection first; otherwise choose another alias`,
  ];
};

export function keystoreHoldsAlias(s: PreflightSnapshot, request: ConnectionRequest): boolean {
  return s.localKeystore.includes(credentialsSetting(request.alias));
}

/** The alias's keystore credential is absent, or belongs to an active key of this connection. */
export const aliasKeystoreFree: RefusalRule = (s, request, connectionId) => {
  if (!keystoreHoldsAlias(s, request)) return [];
  const ours =
    request.securityModel === 'api_key' &&
    s.remoteKeysNamedForRun.some((k) => isActive(k) && apiKeyCarriesMark(k.metadata, connectionId));
  return ours
    ? []
    : [
        `the alias "${request.alias}" is already used on the local deployment: its keystore holds ${credentialsSetting(request.alias)}, which no live API key of this connection on the remote deployment ${request.remote.deploymentId} backs: choose another alias, or disconnect what uses it`,
      ];
};

/** The roles this connection created earlier (they carry its mark), per side. */
export function rolesOfRun(s: PreflightSnapshot, connectionId: string): Record<Side, string[]> {
  const ours = (side: Side) =>
    s.roles[side]
      .filter((r) => r.existing && roleCarriesMark(r.existing.metadata, connectionId))
      .map((r) => r.role.name);
  return { local: ours('local'), remote: ours('remote') };
}

/** The role names to create are absent, or carry this connection's mark. */
export const roleNamesFree: RefusalRule = (s, _request, connectionId) =>
  SIDES.flatMap((side) =>
    s.roles[side]
      .filter((r) => r.existing && !roleCarriesMark(r.existing.metadata, connectionId))
      .map(
        ({ role }) =>
          `the role "${role.name}" already exists on the ${side} deployment and was not created by this connection: rename the role in the request`,
      ),
  );

/**
 * A live key of this connection made by another workflow: that run holds the connection. Not a
 * refusal rule (its failure is OwnershipConflict, with the api-key step's words); preflight checks it first.
 */
export function connectionHeldElsewhere(
  s: PreflightSnapshot,
  request: ConnectionRequest,
  connectionId: string,
  workflowId: string | undefined,
): string | undefined {
  const key = liveKeyOfAnotherRun(s.remoteKeysNamedForRun, connectionId, workflowId);
  return key ? heldElsewhereMessage(connectionId, key, request.remote.deploymentId) : undefined;
}

/** Every rule, in the order their refusals are reported. */
export const REFUSAL_RULES: readonly RefusalRule[] = [
  deploymentsReady,
  modelSupported,
  remoteCredentialCanCreateKeys,
  roleFieldsSupported,
  aliasSettingsFree,
  aliasKeystoreFree,
  roleNamesFree,
];
