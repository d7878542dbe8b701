import { z } from 'zod';
import { ConnectionApprovals } from './approval-policy';
import { SecurityModel, StepId } from './step-catalog';
import { lazySchema } from './lazy-schema';

/**
 * What activities return to the workflow. Everything here enters workflow history, so nothing
 * here may hold a secret in plaintext: the cross-cluster key travels as a SealedSecret.
 */

/** The deployment's `trust` object as ECE returns it (accounts / external / direct); kept verbatim. */
export const TrustSettings = lazySchema(() =>
  z.looseObject({
    accounts: z.array(z.looseObject({ account_id: z.string(), trust_all: z.boolean() })).optional(),
    external: z.array(z.looseObject({ trust_relationship_id: z.string(), trust_all: z.boolean() })).optional(),
    direct: z.array(z.looseObject({ name: z.string(), trust_all: z.boolean() })).optional(),
  }),
);
export type TrustSettings = z.infer<typeof TrustSettings>;

export const DeploymentFacts = lazySchema(() =>
  z.object({
    environment: z.string(),
    deploymentId: z.string(),
    name: z.string(),
    refId: z.string(),
    region: z.string(),
    /** Stack version of the Elasticsearch resource, e.g. "8.15.1". */
    version: z.string(),
    /** Elasticsearch cluster id (what `trust_allowlist` takes; not the deployment id). */
    clusterId: z.string(),
    /** `metadata.endpoint`: the proxy host other clusters dial, and the TLS server name. */
    endpoint: z.string(),
    /** HTTPS URL crosslink uses for the Elasticsearch API. */
    esUrl: z.string(),
    healthy: z.boolean(),
    /** The `trust` object before the run: undo removes only what is not in here. */
    trustBefore: TrustSettings,
    /** Roles (of the names this request creates) that existed before the run: never touched. */
    rolesBefore: z.array(z.string()),
  }),
);
export type DeploymentFacts = z.infer<typeof DeploymentFacts>;

export const EnvironmentFacts = lazySchema(() =>
  z.object({
    environment: z.string(),
    /** ECE "environment id" as the UI shows it: the local trust record's account id (docs/sources.md §1A). */
    accountId: z.string(),
    installationId: z.string().optional(),
    localTrustRelationshipId: z.string(),
    /** ECE platform version (`GET /api/v1/platform`). */
    eceVersion: z.string(),
    /** Ids of the non-local trust relationships before the run: undo never deletes these. */
    trustRelationshipsBefore: z.array(z.string()),
  }),
);
export type EnvironmentFacts = z.infer<typeof EnvironmentFacts>;

export const ProxyCaFacts = lazySchema(() =>
  z.object({
    /** Root (last) certificate of the remote environment's proxy chain. */
    rootPem: z.string(),
    fingerprintSha256: z.string(),
    subject: z.string(),
    /** True when the root is not in Node's public trust store: the local deployment must trust it. */
    private: z.boolean(),
  }),
);
export type ProxyCaFacts = z.infer<typeof ProxyCaFacts>;

export const StepDecision = lazySchema(() => z.object({ id: StepId, applies: z.boolean(), reason: z.string() }));
export type StepDecision = z.infer<typeof StepDecision>;

/** A follower index on the local deployment that replicates through the alias (`GET /_all/_ccr/info`). */
export const FollowerFact = lazySchema(() =>
  z.object({
    name: z.string(),
    leaderIndex: z.string(),
    status: z.enum(['active', 'paused']),
  }),
);
export type FollowerFact = z.infer<typeof FollowerFact>;
/** An auto-follow pattern on the local deployment whose `remote_cluster` is the alias. */
export const PatternFact = lazySchema(() =>
  z.object({
    name: z.string(),
    active: z.boolean(),
    leaderIndexPatterns: z.array(z.string()),
  }),
);
export type PatternFact = z.infer<typeof PatternFact>;
/** A transform or datafeed whose source indices name the alias (`<alias>:<index>`), with its state. */
export const JobFact = lazySchema(() => z.object({ id: z.string(), indices: z.array(z.string()), state: z.string() }));
export type JobFact = z.infer<typeof JobFact>;
/** A role as it is now: its name and its definition (`GET /_security/role`, without `transient_metadata`). */
export const RoleGrant = lazySchema(() =>
  z.object({ name: z.string(), definition: z.record(z.string(), z.unknown()) }),
);
export type RoleGrant = z.infer<typeof RoleGrant>;

/** Followers and auto-follow patterns by name: what a migration paused, and resumes. */
export const ReplicationSet = lazySchema(() =>
  z.object({ followers: z.array(z.string()), patterns: z.array(z.string()) }),
);
export type ReplicationSet = z.infer<typeof ReplicationSet>;

/**
 * What a migration from the certificate model to the API key model reads of the connection before
 * it changes anything (activities/steps/migration-facts.ts): nothing secret.
 */
export const MigrationFacts = lazySchema(() =>
  z.object({
    /** `cluster.remote.<alias>.*` of the certificate connection (flat, set values): what the switch replaces and its undo writes back. */
    settings: z.record(z.string(), z.unknown()),
    followers: z.array(FollowerFact),
    patterns: z.array(PatternFact),
    /** Transforms and datafeeds reading through the alias: listed at the pause gate, not stopped by crosslink. */
    transforms: z.array(JobFact),
    datafeeds: z.array(JobFact),
    /** What could not be listed, and why (shown at the gate). */
    unread: z.array(z.string()),
    /** The certificate model's grants: the connection's same-named roles on the remote deployment. */
    remoteRoles: z.array(RoleGrant),
    /** The local roles the migration rewrites, as they are now (its undo puts them back). */
    localRoles: z.array(RoleGrant),
    /**
     * The facts the certificate trust's removal decides from: the connection's own trust additions
     * not counted as "there before" (as a disconnect reads them; activities/lifecycle/reclaim.ts).
     */
    retire: z.object({
      local: DeploymentFacts,
      remote: DeploymentFacts,
      localEnvironment: EnvironmentFacts,
      remoteEnvironment: EnvironmentFacts,
    }),
  }),
);
export type MigrationFacts = z.infer<typeof MigrationFacts>;

export const PreflightResult = lazySchema(() =>
  z.object({
    connectionId: z.string(),
    model: SecurityModel,
    local: DeploymentFacts,
    remote: DeploymentFacts,
    localEnvironment: EnvironmentFacts,
    remoteEnvironment: EnvironmentFacts,
    /** API key model only. */
    proxyCa: ProxyCaFacts.optional(),
    /**
     * What the local deployment held under the alias before the run (only this connection's own
     * earlier work passes preflight); undo leaves these in place. Absent means nothing was there.
     */
    localAliasBefore: z.object({ settings: z.array(z.string()), keystoreCredentials: z.boolean() }).optional(),
    /** Local keystore does not reload by itself (< 8.14): the restart step will likely restart. */
    restartExpected: z.boolean(),
    /**
     * The connection exists already (a connect started again, or an update-access): the active key of
     * this connection, with the access it grants now. The api-key step then updates that key in place
     * (or leaves it when `matches`) and its undo restores `access`: a working key is never invalidated.
     * Absent in older runs and when the connection does not exist (settings, keystore and key).
     */
    existingKey: z
      .object({
        keyId: z.string(),
        keyName: z.string(),
        /** The key's `access` as Elasticsearch returns it; absent when the version does not return it. */
        access: z.record(z.string(), z.unknown()).optional(),
        /** True when the key already grants exactly the requested access. */
        matches: z.boolean(),
      })
      .optional(),
    /** A migration to the API key model: the certificate connection as it is (absent otherwise). */
    migration: MigrationFacts.optional(),
    /** Which steps apply, and why (shown in progress). */
    steps: z.array(StepDecision),
    /** The worker's approval policy for this connection: gates it requires, who decides them. */
    approvals: ConnectionApprovals.optional(),
    /** Whether the worker has a notification sink (absent in older runs): the workflow notifies only then. */
    notify: z.boolean().optional(),
    attempt: z.number().int(),
  }),
);
export type PreflightResult = z.infer<typeof PreflightResult>;

export const ResourceKind = lazySchema(() =>
  z.enum([
    'trust-relationship',
    'deployment-trust',
    'api-key',
    'proxy-ca-trust',
    'keystore-secret',
    'remote-cluster-settings',
    'role',
    'restart',
    /** A follower index or auto-follow pattern a migration paused (its undo resumes it). */
    'replication-pause',
  ]),
);
export type ResourceKind = z.infer<typeof ResourceKind>;

/** One thing a run created or changed, in terms an operator can find in ECE or Elasticsearch. */
export const CreatedResource = lazySchema(() =>
  z.object({
    step: StepId,
    environment: z.string(),
    deploymentId: z.string().optional(),
    kind: ResourceKind,
    /** Trust relationship id, API key id, setting or role name, plan attempt... */
    id: z.string(),
    description: z.string(),
  }),
);
export type CreatedResource = z.infer<typeof CreatedResource>;

/** Common shape of every mutating activity's result. */
export const StepRecord = lazySchema(() =>
  z.object({
    /** Activity attempt that produced this result (1 = first try). */
    attempt: z.number().int(),
    /** What this activity created or changed (empty when everything was already in place). */
    created: z.array(CreatedResource),
    /** One line for progress output. */
    detail: z.string(),
  }),
);
export type StepRecord = z.infer<typeof StepRecord>;

/** AES-256-GCM sealed value; only workers hold the key. */
export const SealedSecret = lazySchema(() =>
  z.object({
    alg: z.literal('A256GCM'),
    /** Key id: first 8 hex chars of SHA-256 of the sealing key, to say which key can open it. */
    kid: z.string(),
    iv: z.string(),
    ciphertext: z.string(),
    tag: z.string(),
  }),
);
export type SealedSecret = z.infer<typeof SealedSecret>;

export const PlatformTrustRecord = lazySchema(() =>
  StepRecord.extend({
    /** Environment in which the relationship lives. */
    environment: z.string(),
    trustRelationshipId: z.string(),
    /** False when a relationship for the other environment already existed (it is reused, never deleted). */
    createdByRun: z.boolean(),
  }),
);
export type PlatformTrustRecord = z.infer<typeof PlatformTrustRecord>;

export const ApiKeyRecord = lazySchema(() =>
  StepRecord.extend({
    keyId: z.string(),
    keyName: z.string(),
    /**
     * `encoded` (base64 id:api_key), sealed: the only form in which it enters history. Absent when
     * the step updated an existing key in place (its secret is unchanged and never read back).
     */
    sealedEncoded: SealedSecret.optional(),
    /** True when the step updated the existing key's access in place instead of creating a key. */
    updatedInPlace: z.boolean().optional(),
    expiration: z.number().optional(),
  }),
);
export type ApiKeyRecord = z.infer<typeof ApiKeyRecord>;

export const KeystoreLoadReport = lazySchema(() =>
  StepRecord.extend({
    /** Whether `_remote/info` shows `cluster_credentials` for the alias. */
    loaded: z.boolean(),
    via: z.enum(['automatic', 'reload', 'restart', 'not-loaded']),
  }),
);
export type KeystoreLoadReport = z.infer<typeof KeystoreLoadReport>;

/** A migration's pause: exactly what it paused, what was paused already (left so), and what reads through the alias. */
export const ReplicationPauseRecord = lazySchema(() =>
  StepRecord.extend({
    paused: ReplicationSet,
    alreadyPaused: ReplicationSet,
    /** Transforms and datafeeds reading through the alias, started now: interrupted while the alias switches. */
    interrupted: z.object({ transforms: z.array(z.string()), datafeeds: z.array(z.string()) }),
  }),
);
export type ReplicationPauseRecord = z.infer<typeof ReplicationPauseRecord>;

/** A migration's resume: what it resumed, and each follower as its stats showed it following again. */
export const ReplicationResumeRecord = lazySchema(() =>
  StepRecord.extend({
    resumed: ReplicationSet,
    following: z.array(z.object({ follower: z.string(), operationsBehind: z.number() })),
  }),
);
export type ReplicationResumeRecord = z.infer<typeof ReplicationResumeRecord>;

/** The alias's settings switched in place: what they were (the undo writes these back) and what they are. */
export const SettingsSwitchRecord = lazySchema(() =>
  StepRecord.extend({
    from: z.record(z.string(), z.unknown()),
    to: z.record(z.string(), z.unknown()),
  }),
);
export type SettingsSwitchRecord = z.infer<typeof SettingsSwitchRecord>;

export const VerificationReport = lazySchema(() =>
  StepRecord.extend({
    connected: z.boolean(),
    model: SecurityModel,
    proxyAddress: z.string(),
    serverName: z.string(),
    numProxySocketsConnected: z.number().optional(),
    probe: z.string(),
  }),
);
export type VerificationReport = z.infer<typeof VerificationReport>;

/** A shared object an undo left in place, and why (who still needs it, or what could not be decided). */
export const KeptResource = lazySchema(() => z.object({ resource: CreatedResource, reason: z.string() }));
export type KeptResource = z.infer<typeof KeptResource>;

/** A forward step that removes (a migration retiring the certificate trust): what went, what stayed and why. */
export const RetirementRecord = lazySchema(() =>
  StepRecord.extend({
    removed: z.array(CreatedResource),
    kept: z.array(KeptResource),
  }),
);
export type RetirementRecord = z.infer<typeof RetirementRecord>;

export const UndoReport = lazySchema(() =>
  z.object({
    attempt: z.number().int(),
    /** What was removed or restored; empty when there was nothing of this run's left. */
    removed: z.array(CreatedResource),
    /** Shared objects left in place because something else still needs them (or that was not decidable). */
    kept: z.array(KeptResource).optional(),
    detail: z.string(),
  }),
);
export type UndoReport = z.infer<typeof UndoReport>;
