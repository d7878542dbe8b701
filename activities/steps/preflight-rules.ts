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
import { API_KEY_BETA, API_KEY_GA, atLeast } from './versions';

export type RefusalRule = (snapshot: PreflightSnapshot, request: ConnectionRequest, connectionId: string) => string[];

const SIDES: readonly Side[] = ['local', 'remote'];

/** Both deployments are healthy and have no plan running. */
export const deploymentsReady: RefusalRule = (s) =>
  SIDES.flatMap((side) => {
    const { facts, pendingPlan } = s[side];
    const where = `the ${side} deployment ${facts.deploymentId} (${facts.environment})`;
    return [
      ...(facts.healthy ? [] : [`${where} is not healthy: repair it in ECE first`]),
      ...(pendingPlan ? [`${where} has a pending plan: wait until it finishes`] : []),
    ];
  });

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
  return request.roles.flatMap((role) => [
    ...(role.local.remote_indices?.length && !atLeast(lv, '8.14.0')
      ? [
          `role "${role.name}" uses remote_indices, which Elasticsearch accepts from 8.14 (local is ${lv}): drop it or upgrade`,
        ]
      : []),
    ...(role.local.remote_cluster?.length && !atLeast(lv, '8.15.0')
      ? [
          `role "${role.name}" uses remote_cluster, which Elasticsearch accepts from 8.15 (local is ${lv}): drop it or upgrade`,
        ]
      : []),
  ]);
};

/** The proxy address the alias points at in the request's model. */
export function expectedProxyAddress(s: PreflightSnapshot, request: ConnectionRequest): string {
  return `${s.remote.facts.endpoint}:${proxyPort(request.securityModel)}`;
}

/** The alias's persistent settings on the local deployment (set, not null). */
export function aliasSettingNames(s: PreflightSnapshot, request: ConnectionRequest): string[] {
  const prefix = `cluster.remote.${request.alias}.`;
  return Object.keys(s.localSettings).filter((k) => k.startsWith(prefix) && s.localSettings[k] != null);
}

/** The alias's settings on the local deployment are absent, or exactly this connection's. */
export const aliasSettingsFree: RefusalRule = (s, request) => {
  const names = aliasSettingNames(s, request);
  if (names.length === 0) return [];
  const setting = (name: string) => s.localSettings[`cluster.remote.${request.alias}.${name}`];
  const ours =
    setting('mode') === 'proxy' &&
    setting('proxy_address') === expectedProxyAddress(s, request) &&
    setting('server_name') === s.remote.facts.endpoint;
  if (ours) return [];
  const shown = setting('proxy_address') ?? setting('seeds') ?? setting('mode');
  return [
    `the alias "${request.alias}" is already used on the local deployment (${names.join(', ')}${shown ? ` = ${String(shown)}` : ''}) by something crosslink did not create: choose another alias`,
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
        `the alias "${request.alias}" is already used on the local deployment: its keystore holds ${credentialsSetting(request.alias)}, which crosslink did not create: choose another alias`,
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
