/**
 * The step catalog: one row per step. A row names the activity that does the step, the one that
 * undoes it, a follow-up the step may need, how long each may take (their timing), the one-line
 * summary the Web UI shows next to each scheduled activity, the sides a per-side step runs on, and
 * when the step applies. The operations (domain/plans.ts) are lists of these rows, run by the one
 * runner (workflows/engine/plan-runner.ts). Everything else is derived from here: the activities'
 * signatures (domain/activities.ts), their registration (activities/index.ts loads
 * `activities/steps/<row id>.ts`), the README's step table, docs/operations.md, the CLI's
 * activity-to-step map and the tests' activity lists.
 *
 * A documented step's row is keyed by its step id; a variant (rotate's new key beside the working
 * one, the lifecycle operations' inspection) has a row id of its own and names the step it shows as.
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import { type SideStepInput, type StepInput, type RotateStepInput, type Side } from './activities';
import { type ConnectionRequest } from './connection-request';
import {
  type ApiKeyRecord,
  type DeploymentFacts,
  type KeystoreLoadReport,
  type PlatformTrustRecord,
  type PreflightResult,
  type ProxyCaFacts,
  type ReplicationPauseRecord,
  type ReplicationResumeRecord,
  type ReplicationSet,
  type RetirementRecord,
  type SettingsSwitchRecord,
  type StepRecord,
  type UndoReport,
  type VerificationReport,
} from './records';
import { type InspectConnectionInput, type InspectedConnection } from './activities';
import { type ProxyCaBatch, type ProxyCaBatchInput } from './fan-out';
import { type ApplyCheck, type ApplyRequest } from './apply';

/**
 * The steps' ids, in the documented order. They are stable: they name progress rows, approval
 * gates and the rows of the catalog below. A new step: its id here, and its row below.
 */
export const STEP_IDS = [
  'preflight',
  'platform-trust',
  'trust-all',
  'deployment-trust',
  'api-key',
  'proxy-ca',
  'pause-replication',
  'keystore',
  'register-remote',
  'restart',
  'verify',
  'roles',
  'resume-replication',
  'retire-certificate',
] as const;
export const StepId = lazySchema(() => z.enum(STEP_IDS));
export type StepId = z.infer<typeof StepId>;

export const SecurityModel = lazySchema(() => z.enum(['api_key', 'certificate']));
export type SecurityModel = z.infer<typeof SecurityModel>;

/**
 * How long an activity may take: `quick` (one read or idempotent write), `plan-wait` (a write
 * followed by an ECE plan, heartbeating), `discovery` (reads every deployment, heartbeating per
 * deployment) or `verify` (bounded by the request's verifyTimeout).
 * workflows/activity-timing.ts turns these into timeouts and retry policies; undos get a longer budget.
 */
export type ActivityTiming = 'quick' | 'plan-wait' | 'discovery' | 'verify';

/** Type only: what an activity takes and returns. At run time an empty object. */
export interface Signature<I, R> {
  readonly __signature?: (input: I) => Promise<R>;
}
export function takes<I, R>(): Signature<I, R> {
  return {};
}

export interface ActivityCall<N extends string = string, I = never, R = unknown> {
  readonly name: N;
  readonly timing: ActivityTiming;
  readonly signature: Signature<I, R>;
  /** One line the Web UI shows next to the scheduled activity (never a secret). */
  summary(input: I): string;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCall = ActivityCall<string, any, any>;
export type InputOfCall<C> = C extends ActivityCall<string, infer I, unknown> ? I : never;
export type ResultOfCall<C> = C extends ActivityCall<string, never, infer R> ? R : never;

/** What a step's follow-up needs: when the step's result asks for it, and whether its gate sits before it. */
export interface FollowUp<R> {
  readonly call: AnyCall;
  /** True when the step's result asks for the follow-up. */
  when(result: R): boolean;
  /** The step's approval gate sits before the follow-up, not before the step (only a needed follow-up waits). */
  readonly gateInside: boolean;
}

/** Whether a step applies, and why (shown in progress). */
export type Decision = readonly [applies: boolean, reason: string];

/** What the decisions read: the request and what preflight (or an inspection) found, no I/O. */
export interface DecisionFacts {
  request: ConnectionRequest;
  local: DeploymentFacts;
  remote: DeploymentFacts;
  proxyCa?: ProxyCaFacts;
  /** The name of the `trust.direct` entry that already holds the remote proxy root CA, if any. */
  proxyCaTrustedAs?: string;
  /** The name the proxy-ca step gives its entry. */
  proxyCaEntryName?: string;
  restartExpected: boolean;
  versionNote: string;
  expectedAddress: string;
  /** Extra lines for preflight's reason (pending plans that writes will wait for). */
  notes?: readonly string[];
  existingKey?: PreflightResult['existingKey'];
}

export interface StepRow<Do extends AnyCall = AnyCall, Undo extends AnyCall | null = AnyCall | null> {
  /** The progress row and approval gate the row shows as (a documented step's row: its own id). */
  readonly step: StepId;
  readonly models: readonly SecurityModel[];
  /** What the step does, in one line (approval prompts, docs/operations.md). */
  readonly summary: string;
  /** The README's step table: what the step does and what its undo does. */
  readonly docs: { readonly does: string; readonly undo: string };
  /** Whether the default approval policy gates this step. */
  readonly gatedByDefault: boolean;
  /** The activity that performs the step. */
  readonly activity: Do;
  /** An activity the step runs after the first one when that one's result asks for it. */
  readonly followUp?: FollowUp<ResultOfCall<Do>>;
  /** The activity that undoes the step, or null when the step changes nothing that can be undone. */
  readonly undo: Undo;
  /** A per-side step: the sides it runs on (in parallel), per security model. Absent: once. */
  readonly sides?: { readonly [M in SecurityModel]?: readonly Side[] };
  /**
   * A result that is not a success: the failure message (the step fails with `failureType`).
   * verify: a connection that does not work fails the step.
   */
  readonly refuse?: (result: ResultOfCall<Do>) => string | undefined;
  /** Whether the step applies to a connect (preflight's decision). Absent: always, for the row's models. */
  readonly decide?: (facts: DecisionFacts) => Decision;
}

/** Compile-time checks of a row: the undo takes the step's own input; a per-side row's activity takes a side. */
type RowChecks<Do extends AnyCall, Undo extends AnyCall | null, R> = (Undo extends AnyCall
  ? [InputOfCall<Do>] extends [InputOfCall<Undo>]
    ? ResultOfCall<Undo> extends UndoReport
      ? unknown
      : { undo: 'an undo must report what it removed (UndoReport)' }
    : { undo: 'the undo must take its step input' }
  : unknown) &
  (R extends { sides: object }
    ? InputOfCall<Do> extends SideStepInput
      ? unknown
      : { sides: 'a per-side step must take a SideStepInput' }
    : unknown);

function row<const Do extends AnyCall, const Undo extends AnyCall | null, const R extends StepRow<Do, Undo>>(
  r: R & StepRow<Do, Undo> & RowChecks<Do, Undo, R>,
): R {
  return r;
}

const otherSide = (side: Side): Side => (side === 'local' ? 'remote' : 'local');
const envOf = (input: StepInput, side: Side) => input.request[side].environment;
const deploymentOf = (input: StepInput, side: Side) => input.request[side].deploymentId;
const onLocal = (input: StepInput) => `on ${input.request.local.deploymentId}`;
const aliasOnLocal = (input: StepInput) =>
  `cluster.remote.${input.request.alias} on ${input.request.local.deploymentId}`;
const BOTH: readonly Side[] = ['local', 'remote'];
const apiKeyOnly = (f: DecisionFacts) => f.request.securityModel === 'api_key';
const CERTIFICATE_ONLY = 'the API key model needs no platform or deployment trust';
const MIGRATION_ONLY = 'only a migration from the certificate model runs this step';
/** A row only the migration runs: a connect does not decide it (nor carry it in preflight's result). */
const migrationOnly = (): [boolean, string] => [false, MIGRATION_ONLY];
const KEY_ONLY = 'the certificate model uses no API key';

/** The keystore write (connect, and rotate with the new key). */
const WRITE_KEYSTORE = {
  name: 'writeKeystoreCredentials',
  // plan-wait: the write waits for the deployment's plan slot (another change's plan), which takes minutes.
  timing: 'plan-wait',
  signature: takes<StepInput & { apiKey: ApiKeyRecord }, StepRecord>(),
  summary: ({ request }) => `cluster.remote.${request.alias}.credentials on ${request.local.deploymentId}`,
} as const satisfies AnyCall;

/** verify: the connection works (connect, update-access, rotate, and rotate's last check). */
const VERIFY = {
  name: 'verifyRemoteConnection',
  timing: 'verify',
  signature: takes<StepInput, VerificationReport>(),
  summary: ({ request }) => `${request.alias} from ${request.local.deploymentId}`,
} as const satisfies AnyCall;

export const STEP_CATALOG = {
  preflight: row({
    step: 'preflight',
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
      signature: takes<{ connectionId: string; request: ConnectionRequest }, PreflightResult>(),
      summary: ({ request }) => `${request.local.deploymentId} -> ${request.remote.deploymentId}`,
    },
    undo: null,
    decide: (f) => [true, [`versions ${f.versionNote}`, ...(f.notes ?? [])].join('; ')],
  }),
  'platform-trust': row({
    step: 'platform-trust',
    models: ['certificate'],
    summary: 'trust relationship for the other environment in each environment',
    docs: {
      does: 'a trust relationship for the other environment in each environment, in parallel',
      undo: 'delete the relationships this run created',
    },
    gatedByDefault: true,
    sides: { certificate: BOTH },
    activity: {
      name: 'ensurePlatformTrust',
      timing: 'quick',
      signature: takes<SideStepInput, PlatformTrustRecord>(),
      summary: (input) => `${envOf(input, input.side)} trusts ${envOf(input, otherSide(input.side))}`,
    },
    undo: {
      name: 'removePlatformTrust',
      timing: 'quick',
      signature: takes<SideStepInput, UndoReport>(),
      summary: (input) => `${envOf(input, input.side)} stops trusting ${envOf(input, otherSide(input.side))}`,
    },
    decide: (f) =>
      apiKeyOnly(f) ? [false, CERTIFICATE_ONLY] : [true, 'each environment must trust the other (both directions)'],
  }),
  'trust-all': row({
    step: 'trust-all',
    models: ['certificate'],
    summary:
      'trust.external with trust_all on both deployments: every deployment of the other environment, future ones too',
    docs: {
      does: 'when the request asks for `all` deployments: `trust.external` on both deployments trusts every deployment of the other environment (`trust_all: true`, future ones too); always its own gate',
      undo: 'set `trust_all` back only when no other connection relies on it',
    },
    gatedByDefault: false,
    sides: { certificate: BOTH },
    activity: {
      name: 'ensureTrustAll',
      timing: 'plan-wait',
      signature: takes<SideStepInput & { trustRelationshipId: string }, StepRecord>(),
      summary: (input) =>
        `${deploymentOf(input, input.side)} trusts every deployment of ${envOf(input, otherSide(input.side))}`,
    },
    undo: {
      name: 'removeTrustAll',
      timing: 'plan-wait',
      signature: takes<SideStepInput, UndoReport>(),
      summary: (input) =>
        `${deploymentOf(input, input.side)} stops trusting every deployment of ${envOf(input, otherSide(input.side))}`,
    },
    decide: (f) =>
      apiKeyOnly(f)
        ? [false, CERTIFICATE_ONLY]
        : f.request.deploymentTrust === 'all'
          ? [
              true,
              `each deployment trusts every deployment of the other environment (trust_all), future ones too: ${f.request.local.environment} <-> ${f.request.remote.environment}`,
            ]
          : [false, 'each deployment trusts the other by its cluster id (trust_allowlist): deployment-trust'],
  }),
  'deployment-trust': row({
    step: 'deployment-trust',
    models: ['certificate'],
    summary: 'trust.external on both deployments allowlisting the other ES cluster id',
    docs: {
      does: '`trust.external` on both deployments allowlisting the other ES cluster id (read-modify-write of the whole `trust` object, `?version=`)',
      undo: 'remove exactly the entry or allowlist id this run added',
    },
    gatedByDefault: false,
    sides: { certificate: BOTH },
    activity: {
      name: 'ensureDeploymentTrust',
      timing: 'plan-wait',
      signature: takes<SideStepInput & { trustRelationshipId: string }, StepRecord>(),
      summary: (input) => `${deploymentOf(input, input.side)} trusts ${deploymentOf(input, otherSide(input.side))}`,
    },
    undo: {
      name: 'removeDeploymentTrust',
      timing: 'plan-wait',
      signature: takes<SideStepInput, UndoReport>(),
      summary: (input) => `${deploymentOf(input, input.side)} restores its trust`,
    },
    decide: (f) =>
      apiKeyOnly(f)
        ? [false, CERTIFICATE_ONLY]
        : [true, `each deployment allowlists the other's cluster id (${f.local.clusterId} <-> ${f.remote.clusterId})`],
  }),
  'api-key': row({
    step: 'api-key',
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
      signature: takes<StepInput, ApiKeyRecord>(),
      summary: ({ request }) => `on ${request.remote.deploymentId} for ${request.alias}`,
    },
    undo: {
      name: 'invalidateCrossClusterApiKey',
      timing: 'quick',
      signature: takes<StepInput, UndoReport>(),
      summary: ({ request }) => `on ${request.remote.deploymentId}`,
    },
    decide: (f) => {
      if (!apiKeyOnly(f)) return [false, KEY_ONLY];
      const existing = f.existingKey;
      if (!existing) return [true, `cross-cluster API key on the remote deployment ${f.remote.deploymentId}`];
      return existing.matches
        ? [false, `the connection exists and its key ${existing.keyId} grants the requested access: nothing to change`]
        : [true, `the connection exists and its key ${existing.keyId} grants other access: updated in place`];
    },
  }),
  'proxy-ca': row({
    step: 'proxy-ca',
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
      signature: takes<StepInput, StepRecord>(),
      summary: ({ request }) => `${request.local.deploymentId} trusts ${request.remote.environment}'s proxy CA`,
    },
    undo: {
      name: 'removeProxyCaTrust',
      timing: 'plan-wait',
      signature: takes<StepInput, UndoReport>(),
      summary: onLocal,
    },
    decide: (f) => {
      const ca = f.proxyCa;
      if (!apiKeyOnly(f) || !ca) return [false, 'only the API key model uploads the remote proxy CA'];
      if (!ca.private) return [false, `the remote proxy root CA (${ca.subject}) is publicly trusted`];
      if (f.proxyCaTrustedAs)
        return [false, `the local deployment already trusts the remote proxy root CA (entry "${f.proxyCaTrustedAs}")`];
      return [true, `the remote proxy root CA (${ca.subject}) is private: trust.direct "${f.proxyCaEntryName ?? ''}"`];
    },
  }),
  'pause-replication': row({
    step: 'pause-replication',
    models: ['api_key'],
    summary: 'pause the followers and auto-follow patterns that replicate through the alias',
    docs: {
      does: '(migrate) pauses exactly the follower indices and auto-follow patterns that are active through the alias (records which); lists transforms and datafeeds reading through it for the approver',
      undo: 'resume exactly what it paused',
    },
    gatedByDefault: false,
    activity: {
      name: 'pauseReplication',
      timing: 'quick',
      signature: takes<StepInput, ReplicationPauseRecord>(),
      summary: ({ request }) => `through ${request.alias} on ${request.local.deploymentId}`,
    },
    undo: {
      name: 'resumePausedReplication',
      timing: 'quick',
      signature: takes<StepInput & { paused?: ReplicationSet }, UndoReport>(),
      summary: ({ request }) => `what the run paused through ${request.alias} on ${request.local.deploymentId}`,
    },
    decide: migrationOnly,
  }),
  keystore: row({
    step: 'keystore',
    models: ['api_key'],
    summary: 'cluster.remote.<alias>.credentials in the local keystore',
    docs: { does: '`cluster.remote.<alias>.credentials` in the local keystore', undo: 'remove the secret' },
    gatedByDefault: false,
    activity: WRITE_KEYSTORE,
    undo: {
      name: 'removeKeystoreCredentials',
      timing: 'plan-wait',
      signature: takes<StepInput, UndoReport>(),
      summary: onLocal,
    },
    decide: (f) => {
      if (!apiKeyOnly(f)) return [false, KEY_ONLY];
      if (f.existingKey)
        return [false, `the keystore already holds the working credential of key ${f.existingKey.keyId}`];
      return [true, `cluster.remote.${f.request.alias}.credentials in the local keystore`];
    },
  }),
  'register-remote': row({
    step: 'register-remote',
    models: ['api_key', 'certificate'],
    summary: 'cluster.remote.<alias> in proxy mode on the local cluster',
    docs: {
      does: '`cluster.remote.<alias>` in proxy mode (9443 API key, 9400 certificate, `server_name`)',
      undo: 'null exactly those settings',
    },
    gatedByDefault: false,
    activity: {
      name: 'registerRemoteCluster',
      timing: 'quick',
      signature: takes<StepInput, StepRecord>(),
      summary: aliasOnLocal,
    },
    undo: {
      name: 'unregisterRemoteCluster',
      timing: 'quick',
      signature: takes<StepInput, UndoReport>(),
      summary: aliasOnLocal,
    },
    decide: (f) => [true, `cluster.remote.${f.request.alias} in proxy mode to ${f.expectedAddress}`],
  }),
  restart: row({
    step: 'restart',
    models: ['api_key'],
    summary: 'reload secure settings; restart Elasticsearch only if the credentials are still not loaded',
    docs: {
      does: 'if `_remote/info` lacks `cluster_credentials`: `_nodes/reload_secure_settings`; if still not loaded (local < 8.14): approval, restart, wait for the plan',
      undo: 'none (recorded)',
    },
    gatedByDefault: true,
    activity: {
      name: 'reloadSecureSettings',
      timing: 'quick',
      signature: takes<StepInput, KeystoreLoadReport>(),
      summary: onLocal,
    },
    followUp: {
      call: {
        name: 'restartElasticsearch',
        timing: 'plan-wait',
        signature: takes<StepInput, KeystoreLoadReport>(),
        summary: ({ request }: StepInput) => `${request.local.deploymentId} (keystore not reloaded)`,
      },
      when: (reload: KeystoreLoadReport) => !reload.loaded,
      gateInside: true,
    },
    undo: null,
    decide: (f) => {
      if (!apiKeyOnly(f)) return [false, 'the certificate model changes no keystore'];
      if (f.existingKey) return [false, 'the keystore is unchanged: nothing to reload'];
      return f.restartExpected
        ? [
            true,
            `local ${f.local.version} does not reload the keystore by itself: reload secure settings, restart if still not loaded`,
          ]
        : [
            true,
            `local ${f.local.version} reloads the keystore by itself: the step confirms the credentials are loaded`,
          ];
    },
  }),
  verify: row({
    step: 'verify',
    models: ['api_key', 'certificate'],
    summary: '_remote/info connected (with cluster_credentials for API keys), then an active probe',
    docs: {
      does: '`_remote/info` connected (with `cluster_credentials` for API keys), then `_resolve/cluster/<alias>:*`',
      undo: 'none',
    },
    gatedByDefault: false,
    activity: VERIFY,
    undo: null,
    refuse: (report: VerificationReport) => (report.connected ? undefined : report.detail),
    decide: (f) => [
      true,
      apiKeyOnly(f)
        ? '_remote/info connected with cluster_credentials, then _resolve/cluster'
        : '_remote/info connected, then _resolve/cluster',
    ],
  }),
  roles: row({
    step: 'roles',
    models: ['api_key', 'certificate'],
    summary: 'roles with remote_indices / remote_cluster (API key: local; certificate: same name on both)',
    docs: {
      does: 'roles with `remote_indices` / `remote_cluster` (API key: local; certificate: same name on both)',
      undo: 'delete the roles this run created',
    },
    gatedByDefault: false,
    sides: { api_key: ['local'], certificate: BOTH },
    activity: {
      name: 'createRoles',
      timing: 'quick',
      signature: takes<SideStepInput, StepRecord>(),
      summary: (input) => `on ${deploymentOf(input, input.side)}`,
    },
    undo: {
      name: 'deleteRoles',
      timing: 'quick',
      signature: takes<SideStepInput, UndoReport>(),
      summary: (input) => `on ${deploymentOf(input, input.side)}`,
    },
    decide: (f) =>
      f.request.roles.length > 0
        ? [
            true,
            `${f.request.roles.map((r) => r.name).join(', ')} ${apiKeyOnly(f) ? 'on the local deployment' : 'on both deployments'}`,
          ]
        : [false, 'the request names no roles'],
  }),

  'resume-replication': row({
    step: 'resume-replication',
    models: ['api_key'],
    summary: 'resume exactly the followers and patterns the pause paused; wait until the followers follow again',
    docs: {
      does: '(migrate) resumes exactly what `pause-replication` paused (never re-creates a follower) and waits until each follower reads again',
      undo: 'none (the pause undo resumes)',
    },
    gatedByDefault: false,
    activity: {
      name: 'resumeReplication',
      timing: 'verify',
      signature: takes<StepInput & { paused: ReplicationSet }, ReplicationResumeRecord>(),
      summary: ({ request, paused }) =>
        `${paused.followers.length} follower(s), ${paused.patterns.length} pattern(s) through ${request.alias}`,
    },
    undo: null,
    decide: migrationOnly,
  }),
  'retire-certificate': row({
    step: 'retire-certificate',
    models: ['api_key'],
    summary:
      'remove the certificate trust only this connection used (trust.external, trust relationships, remote roles)',
    docs: {
      does: '(migrate, after its gate; no rollback after it) removes what only this connection used of the certificate model: the `trust.external` allowlist entries on both deployments, then the trust relationships, then its roles on the remote; shared trust stays',
      undo: 'none: the migration is committed at its gate',
    },
    gatedByDefault: false,
    sides: { api_key: BOTH },
    activity: {
      name: 'retireDeploymentTrust',
      timing: 'plan-wait',
      signature: takes<SideStepInput, RetirementRecord>(),
      summary: (input) =>
        `${deploymentOf(input, input.side)} stops allowlisting ${deploymentOf(input, otherSide(input.side))}`,
    },
    undo: null,
    decide: migrationOnly,
  }),

  // Variants: rows of the lifecycle operations, shown as one of the steps above.

  /** update-access, rotate, disconnect: the connection rebuilt from its marks stands in for preflight. */
  inspect: row({
    step: 'preflight',
    models: ['api_key', 'certificate'],
    summary: 'find the connection from its marks and read it as preflight does',
    docs: {
      does: 'the connection rebuilt from the marks on what crosslink created, read as preflight reads',
      undo: 'none',
    },
    gatedByDefault: false,
    activity: {
      name: 'inspectConnection',
      timing: 'discovery',
      signature: takes<InspectConnectionInput, InspectedConnection>(),
      summary: ({ connectionId }) => connectionId,
    },
    undo: null,
  }),
  /** rotate: a new key beside the working one; its undo invalidates only the key(s) this run made. */
  'rotate-key': row({
    step: 'api-key',
    models: ['api_key'],
    summary: 'a new cross-cluster API key beside the working one',
    docs: {
      does: 'a new key beside the working one (checks first that the sealed credential opens to the working key)',
      undo: 'invalidate the new key(s) this run made; never the working key',
    },
    gatedByDefault: false,
    activity: {
      name: 'createRotatedApiKey',
      timing: 'quick',
      signature: takes<RotateStepInput, ApiKeyRecord>(),
      summary: ({ request }) => `new key on ${request.remote.deploymentId} for ${request.alias}`,
    },
    undo: {
      name: 'invalidateRotatedApiKey',
      timing: 'quick',
      signature: takes<RotateStepInput, UndoReport>(),
      summary: ({ request }) => `new key on ${request.remote.deploymentId}`,
    },
  }),
  /** rotate: the keystore credential replaced under the same alias; its undo writes the old one back. */
  'rotate-keystore': row({
    step: 'keystore',
    models: ['api_key'],
    summary: 'the keystore credential replaced under the same alias',
    docs: {
      does: "the new key's credential written under the same alias",
      undo: 'the old credential back (from its sealed copy), loaded again',
    },
    gatedByDefault: false,
    activity: WRITE_KEYSTORE,
    undo: {
      name: 'restoreKeystoreCredentials',
      timing: 'plan-wait',
      signature: takes<RotateStepInput & { apiKey: ApiKeyRecord; restart?: boolean }, UndoReport>(),
      summary: ({ request }) => `old credential of ${request.alias} back on ${request.local.deploymentId}`,
    },
  }),
  /** rotate: reload always (the old credential is loaded, so "loaded" says nothing); restart where needed. */
  'rotate-reload': row({
    step: 'restart',
    models: ['api_key'],
    summary: 'reload; a restart (gated) where the version needs one',
    docs: {
      does: '`_nodes/reload_secure_settings`; a restart (gated) where the version loads keystore changes only then',
      undo: 'none',
    },
    gatedByDefault: true,
    activity: {
      name: 'reloadRotatedCredentials',
      timing: 'quick',
      signature: takes<StepInput, KeystoreLoadReport>(),
      summary: ({ request }) => `on ${request.local.deploymentId}`,
    },
    followUp: {
      call: {
        name: 'restartForRotation',
        timing: 'plan-wait',
        signature: takes<StepInput, KeystoreLoadReport>(),
        summary: ({ request }: StepInput) => `${request.local.deploymentId} (load the new credential)`,
      },
      when: (reload: KeystoreLoadReport) => !reload.loaded,
      gateInside: true,
    },
    undo: null,
  }),
  /** rotate, after verify: the replaced key invalidated. From here on there is nothing to roll back to. */
  'invalidate-replaced-key': row({
    step: 'api-key',
    models: ['api_key'],
    summary: 'the replaced key invalidated, once the new one is verified',
    docs: { does: 'invalidates the replaced key', undo: 'none: an invalidated key cannot be restored' },
    gatedByDefault: false,
    activity: {
      name: 'invalidateReplacedApiKey',
      timing: 'quick',
      signature: takes<RotateStepInput, StepRecord>(),
      summary: ({ preflight }) => `old key ${preflight.existingKey?.keyId ?? '?'}`,
    },
    undo: null,
  }),
  /** migrate: the new key's credential into the keystore; its undo removes it and unloads it again. */
  'migrate-keystore': row({
    step: 'keystore',
    models: ['api_key'],
    summary:
      'cluster.remote.<alias>.credentials in the local keystore (the certificate alias stops working until the switch)',
    docs: {
      does: "the new key's credential under the alias",
      undo: 'remove it, then reload (restart again where the migration restarted) so the certificate model applies again',
    },
    gatedByDefault: false,
    activity: WRITE_KEYSTORE,
    undo: {
      name: 'removeMigratedCredentials',
      timing: 'plan-wait',
      signature: takes<StepInput & { apiKey: ApiKeyRecord; restart?: boolean }, UndoReport>(),
      summary: ({ request }) => `cluster.remote.${request.alias}.credentials on ${request.local.deploymentId}`,
    },
  }),
  /** migrate: `cluster.remote.<alias>` from the certificate port to the API key port, in place; the undo writes the old settings back. */
  'switch-remote': row({
    step: 'register-remote',
    models: ['api_key'],
    summary: 'cluster.remote.<alias> switched from the certificate port (9400) to the API key port (9443)',
    docs: {
      does: 'the same alias switched in place to 9443 (`server_name` kept), the certificate settings recorded',
      undo: 'the certificate settings written back (never nulled)',
    },
    gatedByDefault: false,
    activity: {
      name: 'switchRemoteCluster',
      timing: 'quick',
      signature: takes<StepInput, SettingsSwitchRecord>(),
      summary: aliasOnLocal,
    },
    undo: {
      name: 'restoreRemoteCluster',
      timing: 'quick',
      signature: takes<StepInput, UndoReport>(),
      summary: aliasOnLocal,
    },
  }),
  /** migrate: the local roles get the API key model's remote privileges; the undo puts their definitions back. */
  'migrate-roles': row({
    step: 'roles',
    models: ['api_key'],
    summary: 'local roles with remote_indices / remote_cluster (the API key model)',
    docs: {
      does: 'the local roles rewritten with `remote_indices` (from the remote roles, or as the request names them)',
      undo: 'the earlier definitions put back; roles this run created deleted',
    },
    gatedByDefault: false,
    sides: { api_key: ['local'] },
    activity: {
      name: 'createRoles',
      timing: 'quick',
      signature: takes<SideStepInput, StepRecord>(),
      summary: (input) => `on ${deploymentOf(input, input.side)}`,
    },
    undo: {
      name: 'restoreMigratedRoles',
      timing: 'quick',
      signature: takes<SideStepInput, UndoReport>(),
      summary: (input) => `on ${deploymentOf(input, input.side)}`,
    },
  }),
  /** migrate, after retire-certificate's deployment trust: the trust relationships nothing references any more. */
  'retire-platform-trust': row({
    step: 'retire-certificate',
    models: ['api_key'],
    summary: 'the trust relationships of the connection that nothing references any more',
    docs: {
      does: 'deletes the trust relationships crosslink made for the connection once no deployment references them',
      undo: 'none',
    },
    gatedByDefault: false,
    sides: { api_key: BOTH },
    activity: {
      name: 'retirePlatformTrust',
      timing: 'quick',
      signature: takes<SideStepInput, RetirementRecord>(),
      summary: (input) => `${envOf(input, input.side)} stops trusting ${envOf(input, otherSide(input.side))}`,
    },
    undo: null,
  }),
  /** migrate, last: the certificate model's same-named roles on the remote (the API key model does not read them). */
  'retire-remote-roles': row({
    step: 'retire-certificate',
    models: ['api_key'],
    summary: "the connection's roles on the remote deployment (the certificate model's grants)",
    docs: { does: "deletes the remote roles that carry the connection's mark", undo: 'none' },
    gatedByDefault: false,
    activity: {
      name: 'retireRemoteRoles',
      timing: 'quick',
      signature: takes<StepInput, RetirementRecord>(),
      summary: ({ request }) => `on ${request.remote.deploymentId}`,
    },
    undo: null,
  }),
  /** fan-out: every pair's proxy-CA entry onto the local deployment in one change (one plan). */
  'proxy-ca-batch': row({
    step: 'proxy-ca',
    models: ['api_key'],
    summary: "the local deployment trusts every remote environment's private proxy root CA, in one change",
    docs: {
      does: 'every missing proxy-CA entry of the pairs in one deployment change (one plan)',
      undo: 'remove the entries no pair (nor anything else) needs',
    },
    gatedByDefault: false,
    activity: {
      name: 'ensureProxyCaTrustForMany',
      timing: 'plan-wait',
      signature: takes<ProxyCaBatchInput, ProxyCaBatch>(),
      summary: ({ local, remotes }) => `${local.deploymentId} trusts the proxy CA of ${remotes.length} remote(s)`,
    },
    undo: {
      name: 'removeProxyCaTrustForMany',
      timing: 'plan-wait',
      signature: takes<ProxyCaBatchInput, UndoReport>(),
      summary: ({ local }) => `entries on ${local.deploymentId} no pair needs`,
    },
  }),
  /**
   * apply: the plan checked against the estate now (a fresh discovery; a plan the estate no longer
   * matches is refused, saying what changed), and each action made the start of its run.
   */
  'apply-check': row({
    step: 'preflight',
    models: ['api_key', 'certificate'],
    summary: 'the plan checked against the estate now; each action as the run the apply starts',
    docs: {
      does: 'discovers the estate, refuses a plan it no longer matches (naming what changed), and builds each action’s start (request digest, a rotation’s sealed credential)',
      undo: 'none',
    },
    gatedByDefault: false,
    activity: {
      name: 'checkApplyPlan',
      timing: 'discovery',
      signature: takes<ApplyRequest, ApplyCheck>(),
      summary: ({ plan }) =>
        `plan ${plan.id} (${plan.entries.reduce((n: number, e: { actions: unknown[] }) => n + e.actions.length, 0)} action(s)) against the estate now`,
    },
    undo: null,
  }),
} as const satisfies { readonly [K in StepId]: StepRow & { step: K } } & { readonly [id: string]: StepRow };

export type StepCatalog = typeof STEP_CATALOG;
export type RowId = keyof StepCatalog;
export const ROW_IDS = Object.keys(STEP_CATALOG) as RowId[];

/** Every call of a row: its activity, its follow-up's and its undo. */
type CallsOf<R> = R extends { activity: infer A; undo: infer U }
  ? A | Exclude<U, null> | (R extends { followUp: { call: infer F } } ? F : never)
  : never;
export type CatalogCall = CallsOf<StepCatalog[RowId]>;
export type RowActivity<R extends RowId> = StepCatalog[R]['activity'];
export type RowUndo<R extends RowId> = StepCatalog[R]['undo'];

export function rowOf(id: RowId): StepRow {
  return STEP_CATALOG[id] as StepRow;
}

/** The activities that perform a row, in the order they may run. */
export function rowActivities(id: RowId): string[] {
  const r = rowOf(id);
  return r.followUp ? [r.activity.name, r.followUp.call.name] : [r.activity.name];
}

/** Every undo activity of the catalog. */
export const UNDO_ACTIVITIES: readonly string[] = [
  ...new Set(ROW_IDS.flatMap((id) => (rowOf(id).undo ? [rowOf(id).undo!.name] : []))),
];

/** Every activity of the catalog, each once (registration checks, the Web UI summaries' tests). */
export const CATALOG_ACTIVITIES: readonly AnyCall[] = [
  ...new Map(
    ROW_IDS.flatMap((id) => {
      const r = rowOf(id);
      return [r.activity, ...(r.followUp ? [r.followUp.call] : []), ...(r.undo ? [r.undo] : [])];
    }).map((call) => [call.name, call] as const),
  ).values(),
];

export const DEFAULT_GATES: readonly StepId[] = STEP_IDS.filter((id) => STEP_CATALOG[id].gatedByDefault);

/** The gate every change of a working key's access waits at. */
export const ACCESS_CHANGE_GATE: StepId = 'api-key';

/**
 * The gates a change always waits at, whichever operation asks for it (connect, update-access, an
 * apply's runs, the intake's) and whatever the request and the policy say: changing what a working
 * key grants is the `api-key` gate; trusting every deployment of another environment is `trust-all`. Preflight (and the lifecycle operations' inspection, which runs
 * it) adds these to the connection's gates from what it found, so the rule is decided in one place
 * and its outcome is in history (the preflight result), where a replay finds it.
 */
export function changeGates(facts: {
  existingKey?: { matches: boolean } | undefined;
  request?: Pick<ConnectionRequest, 'securityModel' | 'deploymentTrust'>;
}): StepId[] {
  return [
    ...(facts.existingKey && !facts.existingKey.matches ? [ACCESS_CHANGE_GATE] : []),
    // Trusting every deployment of an environment, future ones too, is a decision of its own.
    ...(facts.request?.securityModel === 'certificate' && facts.request.deploymentTrust === 'all'
      ? [TRUST_ALL_GATE]
      : []),
  ];
}

/** The gate of trusting every deployment of the other environment (certificate model, `deploymentTrust: all`). */
export const TRUST_ALL_GATE: StepId = 'trust-all';

/** The gates of `gates` that can open in a run of `model` (a request's defaults name gates of both models). */
export function gatesOfModel(gates: readonly string[], model: SecurityModel): string[] {
  return gates.filter((g) => {
    const step: StepRow | undefined = STEP_CATALOG[g as StepId];
    return !step || step.models.includes(model);
  });
}

/** The sides a per-side row runs on in `model`, or undefined for a row that runs once. */
export function sidesOf(id: RowId, model: SecurityModel): readonly Side[] | undefined {
  const sides = rowOf(id).sides;
  return sides ? (sides[model] ?? []) : undefined;
}

/** A connect's decisions: every documented step's row decides from the facts (the row's models otherwise). */
export function decideConnect(facts: DecisionFacts): { id: StepId; applies: boolean; reason: string }[] {
  const model = facts.request.securityModel;
  // Only the rows a connect of this model has: the rest would be carried in preflight's result unused.
  const ofConnect = (r: StepRow) => r.models.includes(model) && r.decide !== migrationOnly;
  return STEP_IDS.filter((id) => ofConnect(STEP_CATALOG[id])).map((id) => {
    const r: StepRow = STEP_CATALOG[id];
    const [applies, reason] = r.decide
      ? r.decide(facts)
      : r.models.includes(model)
        ? [true, r.summary]
        : [false, `the ${model} model has no ${id} step`];
    return { id, applies, reason };
  });
}
