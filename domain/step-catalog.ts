/**
 * The step catalog: one row per step, in the documented order. A row names the activity that does
 * the step, the one that undoes it, how long each may take (their timing) and the one-line summary
 * the Web UI shows next to each scheduled activity. The workflow runs the rows (workflows/step-runner.ts);
 * the README's step table, the CLI's activity-to-step map and the tests' undo list are read from them.
 */
import { type ActivityName, type Side, type StepActivities, type StepInput } from './activities';
import { type UndoReport } from './records';
import { type SecurityModel, STEP_IDS, type StepId } from './step-ids';

export type InputOf<N extends ActivityName> = Parameters<StepActivities[N]>[0];
export type ResultOf<N extends ActivityName> = Awaited<ReturnType<StepActivities[N]>>;

/** Activities that undo a step: they report what they removed. */
export type UndoName = { [N in ActivityName]: ResultOf<N> extends UndoReport ? N : never }[ActivityName];
/** The undos that take `Do`'s own input: an undo runs with exactly the input its step ran with. */
export type UndoFor<Do extends ActivityName> = {
  [U in UndoName]: InputOf<Do> extends InputOf<U> ? U : never;
}[UndoName];

/**
 * How long an activity may take: `quick` (one read or idempotent write), `plan-wait` (a write
 * followed by an ECE plan, heartbeating) or `verify` (bounded by the request's verifyTimeout).
 * workflows/activity-timing.ts turns these into timeouts and retry policies; undos get a longer budget.
 */
export type ActivityTiming = 'quick' | 'plan-wait' | 'verify';

export interface ActivityCall<N extends ActivityName> {
  readonly name: N;
  readonly timing: ActivityTiming;
  /** One line the Web UI shows next to the scheduled activity (never a secret). */
  summary(input: InputOf<N>): string;
}

export interface StepRow<
  Do extends ActivityName = ActivityName,
  Undo extends ActivityName = ActivityName,
  Id extends StepId = StepId,
> {
  readonly id: Id;
  readonly models: readonly SecurityModel[];
  /** What the step does, in one line (approval prompts). */
  readonly summary: string;
  /** The README's step table: what the step does and what its undo does. */
  readonly docs: { readonly does: string; readonly undo: string };
  /** Whether the default approval policy gates this step. */
  readonly gatedByDefault: boolean;
  /** The activity that performs the step. */
  readonly activity: ActivityCall<Do>;
  /** An activity the step runs after the first one when that one's result asks for it (restart only). */
  readonly followUp?: ActivityCall<ActivityName>;
  /** The activity that undoes the step, or null when the step changes nothing that can be undone. */
  readonly undo: ActivityCall<Undo> | null;
}

/** Refuses, at compile time, a row whose undo could not take its step's input or reports no UndoReport. */
type UndoTakesStepInput<Do extends ActivityName, Undo extends ActivityName> = [ActivityName] extends [Undo]
  ? unknown // `undo: null`: nothing to check
  : [Undo] extends [UndoFor<Do>]
    ? unknown
    : { undo: 'the undo must take its step input and return an UndoReport' };

function row<Id extends StepId, Do extends ActivityName, Undo extends ActivityName = never>(
  r: StepRow<Do, Undo, Id> & UndoTakesStepInput<Do, Undo>,
): StepRow<Do, Undo, Id> {
  return r;
}

const otherSide = (side: Side): Side => (side === 'local' ? 'remote' : 'local');
const envOf = (input: StepInput, side: Side) => input.request[side].environment;
const deploymentOf = (input: StepInput, side: Side) => input.request[side].deploymentId;
const onLocal = (input: StepInput) => `on ${input.request.local.deploymentId}`;
const aliasOnLocal = (input: StepInput) =>
  `cluster.remote.${input.request.alias} on ${input.request.local.deploymentId}`;

/** restart's follow-up: a restart when reloading secure settings did not load the credentials. */
export const RESTART_ELASTICSEARCH: ActivityCall<'restartElasticsearch'> = {
  name: 'restartElasticsearch',
  timing: 'plan-wait',
  summary: ({ request }) => `${request.local.deploymentId} (keystore not reloaded)`,
};

/** The lifecycle operations' first activity: the connection rebuilt from its marks (discovery, heartbeating). */
export const INSPECT_CONNECTION: ActivityCall<'inspectConnection'> = {
  name: 'inspectConnection',
  timing: 'plan-wait',
  summary: ({ connectionId }) => connectionId,
};

export const STEP_CATALOG = {
  preflight: row({
    id: 'preflight',
    models: ['api_key', 'certificate'],
    summary: 'read both deployments and environments; refuse early with a clear reason',
    docs: {
      does: 'reads both deployments and environments (versions, cluster ids, endpoints, environment ids, proxy CA, existing alias use, roles) and refuses early with a clear reason',
      undo: 'none',
    },
    gatedByDefault: false,
    activity: {
      name: 'preflight',
      timing: 'quick',
      summary: ({ request }) => `${request.local.deploymentId} -> ${request.remote.deploymentId}`,
    },
    undo: null,
  }),
  'platform-trust': row({
    id: 'platform-trust',
    models: ['certificate'],
    summary: 'trust relationship for the other environment in each environment',
    docs: {
      does: 'a trust relationship for the other environment in each environment, in parallel',
      undo: 'delete the relationships this run created',
    },
    gatedByDefault: true,
    activity: {
      name: 'ensurePlatformTrust',
      timing: 'quick',
      summary: (input) => `${envOf(input, input.side)} trusts ${envOf(input, otherSide(input.side))}`,
    },
    undo: {
      name: 'removePlatformTrust',
      timing: 'quick',
      summary: (input) => `${envOf(input, input.side)} stops trusting ${envOf(input, otherSide(input.side))}`,
    },
  }),
  'deployment-trust': row({
    id: 'deployment-trust',
    models: ['certificate'],
    summary: 'trust.external on both deployments allowlisting the other ES cluster id',
    docs: {
      does: '`trust.external` on both deployments allowlisting the other ES cluster id (read-modify-write of the whole `trust` object, `?version=`)',
      undo: 'remove exactly the entry or allowlist id this run added',
    },
    gatedByDefault: false,
    activity: {
      name: 'ensureDeploymentTrust',
      timing: 'plan-wait',
      summary: (input) => `${deploymentOf(input, input.side)} trusts ${deploymentOf(input, otherSide(input.side))}`,
    },
    undo: {
      name: 'removeDeploymentTrust',
      timing: 'plan-wait',
      summary: (input) => `${deploymentOf(input, input.side)} restores its trust`,
    },
  }),
  'api-key': row({
    id: 'api-key',
    models: ['api_key'],
    summary: 'cross-cluster API key on the remote deployment',
    docs: {
      does: "cross-cluster API key on the remote, named and tagged as this connection's",
      undo: 'invalidate it',
    },
    gatedByDefault: false,
    activity: {
      name: 'createCrossClusterApiKey',
      timing: 'quick',
      summary: ({ request }) => `on ${request.remote.deploymentId} for ${request.alias}`,
    },
    undo: {
      name: 'invalidateCrossClusterApiKey',
      timing: 'quick',
      summary: ({ request }) => `on ${request.remote.deploymentId}`,
    },
  }),
  'proxy-ca': row({
    id: 'proxy-ca',
    models: ['api_key'],
    summary: "local deployment trusts the remote environment's private proxy root CA (trust.direct, type proxy)",
    docs: {
      does: "the local deployment trusts the remote environment's private proxy root CA (`trust.direct`, type `proxy`)",
      undo: 'remove that entry',
    },
    gatedByDefault: true,
    activity: {
      name: 'ensureProxyCaTrust',
      timing: 'plan-wait',
      summary: ({ request }) => `${request.local.deploymentId} trusts ${request.remote.environment}'s proxy CA`,
    },
    undo: { name: 'removeProxyCaTrust', timing: 'plan-wait', summary: onLocal },
  }),
  keystore: row({
    id: 'keystore',
    models: ['api_key'],
    summary: 'cluster.remote.<alias>.credentials in the local keystore',
    docs: { does: '`cluster.remote.<alias>.credentials` in the local keystore', undo: 'remove the secret' },
    gatedByDefault: false,
    activity: {
      name: 'writeKeystoreCredentials',
      // plan-wait: the write waits for the deployment's plan slot (another change's plan), which takes minutes.
      timing: 'plan-wait',
      summary: ({ request }) => `cluster.remote.${request.alias}.credentials on ${request.local.deploymentId}`,
    },
    undo: { name: 'removeKeystoreCredentials', timing: 'plan-wait', summary: onLocal },
  }),
  'register-remote': row({
    id: 'register-remote',
    models: ['api_key', 'certificate'],
    summary: 'cluster.remote.<alias> in proxy mode on the local cluster',
    docs: {
      does: '`cluster.remote.<alias>` in proxy mode (9443 API key, 9400 certificate, `server_name`)',
      undo: 'null exactly those settings',
    },
    gatedByDefault: false,
    activity: { name: 'registerRemoteCluster', timing: 'quick', summary: aliasOnLocal },
    undo: { name: 'unregisterRemoteCluster', timing: 'quick', summary: aliasOnLocal },
  }),
  restart: row({
    id: 'restart',
    models: ['api_key'],
    summary: 'reload secure settings; restart Elasticsearch only if the credentials are still not loaded',
    docs: {
      does: 'if `_remote/info` lacks `cluster_credentials`: `_nodes/reload_secure_settings`; if still not loaded (local < 8.14): approval, restart, wait for the plan',
      undo: 'none (recorded)',
    },
    gatedByDefault: true,
    activity: { name: 'reloadSecureSettings', timing: 'quick', summary: onLocal },
    followUp: RESTART_ELASTICSEARCH,
    undo: null,
  }),
  verify: row({
    id: 'verify',
    models: ['api_key', 'certificate'],
    summary: '_remote/info connected (with cluster_credentials for API keys), then an active probe',
    docs: {
      does: '`_remote/info` connected (with `cluster_credentials` for API keys), then `_resolve/cluster/<alias>:*`',
      undo: 'none',
    },
    gatedByDefault: false,
    activity: {
      name: 'verifyRemoteConnection',
      timing: 'verify',
      summary: ({ request }) => `${request.alias} from ${request.local.deploymentId}`,
    },
    undo: null,
  }),
  roles: row({
    id: 'roles',
    models: ['api_key', 'certificate'],
    summary: 'roles with remote_indices / remote_cluster (API key: local; certificate: same name on both)',
    docs: {
      does: 'roles with `remote_indices` / `remote_cluster` (API key: local; certificate: same name on both)',
      undo: 'delete the roles this run created',
    },
    gatedByDefault: false,
    activity: { name: 'createRoles', timing: 'quick', summary: (input) => `on ${deploymentOf(input, input.side)}` },
    undo: { name: 'deleteRoles', timing: 'quick', summary: (input) => `on ${deploymentOf(input, input.side)}` },
  }),
} as const satisfies { readonly [K in StepId]: StepRow<ActivityName, ActivityName, K> };

export type StepCatalog = typeof STEP_CATALOG;

/** The activities that perform the step, in the order they may run. */
export function stepActivities(id: StepId): ActivityName[] {
  const r: StepRow = STEP_CATALOG[id];
  return r.followUp ? [r.activity.name, r.followUp.name] : [r.activity.name];
}

/** Every undo activity of the catalog. */
export const UNDO_ACTIVITIES: readonly ActivityName[] = STEP_IDS.flatMap((id) => {
  const undo: StepRow['undo'] = STEP_CATALOG[id].undo;
  return undo ? [undo.name] : [];
});

export const DEFAULT_GATES: readonly StepId[] = STEP_IDS.filter((id) => STEP_CATALOG[id].gatedByDefault);

/** The gates of `gates` that can open in a run of `model` (a request's defaults name gates of both models). */
export function gatesOfModel(gates: readonly string[], model: SecurityModel): string[] {
  return gates.filter((g) => {
    const step: StepRow | undefined = STEP_CATALOG[g as StepId];
    return !step || step.models.includes(model);
  });
}

/** The activities only rotate runs, around the catalog's keystore write and verify (workflows/rotate.ts). */
export const ROTATION = {
  createKey: {
    name: 'createRotatedApiKey',
    timing: 'quick',
    summary: ({ request }) => `new key on ${request.remote.deploymentId} for ${request.alias}`,
  },
  invalidateNewKey: {
    name: 'invalidateRotatedApiKey',
    timing: 'quick',
    summary: ({ request }) => `new key on ${request.remote.deploymentId}`,
  },
  restoreKeystore: {
    name: 'restoreKeystoreCredentials',
    timing: 'plan-wait',
    summary: ({ request }) => `old credential of ${request.alias} back on ${request.local.deploymentId}`,
  },
  reload: {
    name: 'reloadRotatedCredentials',
    timing: 'quick',
    summary: ({ request }) => `on ${request.local.deploymentId}`,
  },
  restart: {
    name: 'restartForRotation',
    timing: 'plan-wait',
    summary: ({ request }) => `${request.local.deploymentId} (load the new credential)`,
  },
  invalidateOldKey: {
    name: 'invalidateReplacedApiKey',
    timing: 'quick',
    summary: ({ preflight }) => `old key ${preflight.existingKey?.keyId ?? '?'}`,
  },
} as const satisfies {
  createKey: ActivityCall<'createRotatedApiKey'>;
  invalidateNewKey: ActivityCall<'invalidateRotatedApiKey'>;
  restoreKeystore: ActivityCall<'restoreKeystoreCredentials'>;
  reload: ActivityCall<'reloadRotatedCredentials'>;
  restart: ActivityCall<'restartForRotation'>;
  invalidateOldKey: ActivityCall<'invalidateReplacedApiKey'>;
};
