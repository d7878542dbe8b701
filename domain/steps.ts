import { z } from 'zod';

/**
 * The step catalog (docs/workflow.md "Steps"). The ids are stable: they name progress rows,
 * approval gates and, through STEP_CATALOG, the activities that do and undo each step.
 */
export const STEP_IDS = [
  'preflight',
  'platform-trust',
  'deployment-trust',
  'api-key',
  'proxy-ca',
  'keystore',
  'register-remote',
  'restart',
  'verify',
  'roles',
] as const;
export const StepId = z.enum(STEP_IDS);
export type StepId = z.infer<typeof StepId>;

export const SecurityModel = z.enum(['api_key', 'certificate']);
export type SecurityModel = z.infer<typeof SecurityModel>;

export interface StepCatalogRow {
  readonly id: StepId;
  readonly models: readonly SecurityModel[];
  readonly summary: string;
  /** Activities that perform the step, in order. */
  readonly activities: readonly string[];
  /** Activity that undoes the step, or null when the step changes nothing that can be undone. */
  readonly undo: string | null;
  /** Whether the default approval policy gates this step. */
  readonly gatedByDefault: boolean;
}

export const STEP_CATALOG: Readonly<Record<StepId, StepCatalogRow>> = {
  preflight: {
    id: 'preflight',
    models: ['api_key', 'certificate'],
    summary: 'read both deployments and environments; refuse early with a clear reason',
    activities: ['preflight'],
    undo: null,
    gatedByDefault: false,
  },
  'platform-trust': {
    id: 'platform-trust',
    models: ['certificate'],
    summary: 'trust relationship for the other environment in each environment',
    activities: ['ensurePlatformTrust'],
    undo: 'removePlatformTrust',
    gatedByDefault: true,
  },
  'deployment-trust': {
    id: 'deployment-trust',
    models: ['certificate'],
    summary: 'trust.external on both deployments allowlisting the other ES cluster id',
    activities: ['ensureDeploymentTrust'],
    undo: 'removeDeploymentTrust',
    gatedByDefault: false,
  },
  'api-key': {
    id: 'api-key',
    models: ['api_key'],
    summary: 'cross-cluster API key on the remote deployment',
    activities: ['createCrossClusterApiKey'],
    undo: 'invalidateCrossClusterApiKey',
    gatedByDefault: false,
  },
  'proxy-ca': {
    id: 'proxy-ca',
    models: ['api_key'],
    summary: "local deployment trusts the remote environment's private proxy root CA (trust.direct, type proxy)",
    activities: ['ensureProxyCaTrust'],
    undo: 'removeProxyCaTrust',
    gatedByDefault: true,
  },
  keystore: {
    id: 'keystore',
    models: ['api_key'],
    summary: 'cluster.remote.<alias>.credentials in the local keystore',
    activities: ['writeKeystoreCredentials'],
    undo: 'removeKeystoreCredentials',
    gatedByDefault: false,
  },
  'register-remote': {
    id: 'register-remote',
    models: ['api_key', 'certificate'],
    summary: 'cluster.remote.<alias> in proxy mode on the local cluster',
    activities: ['registerRemoteCluster'],
    undo: 'unregisterRemoteCluster',
    gatedByDefault: false,
  },
  restart: {
    id: 'restart',
    models: ['api_key'],
    summary: 'reload secure settings; restart Elasticsearch only if the credentials are still not loaded',
    activities: ['reloadSecureSettings', 'restartElasticsearch'],
    undo: null,
    gatedByDefault: true,
  },
  verify: {
    id: 'verify',
    models: ['api_key', 'certificate'],
    summary: '_remote/info connected (with cluster_credentials for API keys), then an active probe',
    activities: ['verifyRemoteConnection'],
    undo: null,
    gatedByDefault: false,
  },
  roles: {
    id: 'roles',
    models: ['api_key', 'certificate'],
    summary: 'roles with remote_indices / remote_cluster (API key: local; certificate: same name on both)',
    activities: ['createRoles'],
    undo: 'deleteRoles',
    gatedByDefault: false,
  },
};

export const DEFAULT_GATES: readonly StepId[] = STEP_IDS.filter((id) => STEP_CATALOG[id].gatedByDefault);
