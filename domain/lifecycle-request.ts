import { z } from 'zod';
import { ApiKeyExpiration, CrossClusterAccess, RoleSpec } from './connection-request';
import { Alias, DeploymentId, Duration, EnvironmentName, Identity } from './ids';
import { CreatedResource, KeptResource, ReplicationSet, SealedSecret } from './records';
import { lazySchema } from './lazy-schema';

/**
 * The requests of the lifecycle operations on a connection that exists. Each names the connection
 * by its id (`crosslink.<local environment>.<local deployment>.<alias>`, connectionId()), which is
 * also the id of the workflow that runs the operation: one connection, one live run.
 */
export const ConnectionIdText = lazySchema(() =>
  z
    .string()
    .regex(
      /^crosslink\.[^.\s]+\.[^.\s]+\.[^.\s]+$/,
      'must be a connection id: crosslink.<environment>.<deployment>.<alias>',
    ),
);

/** The parts of a connection id. */
export function parseConnectionId(id: string): { environment: string; deploymentId: string; alias: string } {
  const [, environment = '', deploymentId = '', alias = ''] = id.split('.');
  return { environment, deploymentId, alias };
}

/** Which lifecycle operation a workflow runs (search attribute CrosslinkOperation). */
export const LifecycleOperation = lazySchema(() =>
  z.enum([
    'connect',
    'update-access',
    'rotate',
    'disconnect',
    'migrate',
    'audit',
    'list',
    'inventory',
    'apply',
    'reconcile',
  ]),
);
export type LifecycleOperation = z.infer<typeof LifecycleOperation>;

/** `crosslink disconnect`: remove everything of the connection (also after a terminated or failed run). */
export const DisconnectRequest = lazySchema(() =>
  z
    .object({
      connectionId: ConnectionIdText,
      reason: z.string().max(1000).optional(),
      requestedBy: Identity,
      /** How long the disconnect gate waits for a decision. */
      deadline: Duration.default('24h'),
    })
    .strict(),
);
export type DisconnectRequest = z.infer<typeof DisconnectRequest>;
export type DisconnectRequestInput = z.input<typeof DisconnectRequest>;

/** The local side and alias that name a connection (its id is connectionId() of them). */
const ConnectionRef = {
  local: z.object({ environment: EnvironmentName, deploymentId: DeploymentId }).strict(),
  alias: Alias,
};

/**
 * `crosslink update-access`: what the connection's cross-cluster API key grants, changed in place
 * (`PUT /_security/cross_cluster/api_key/<id>`), gated, verified, and put back on failure. Roles
 * named here are created or updated on the local deployment; omitted, the roles stay as they are.
 * API key model only: a certificate connection's access is the roles on the remote deployment.
 */
export const UpdateAccessRequest = lazySchema(() =>
  z
    .object({
      ...ConnectionRef,
      access: CrossClusterAccess,
      roles: z.array(RoleSpec).optional(),
      reason: z.string().max(1000).optional(),
      requestedBy: Identity,
      /** How long the api-key gate waits for a decision. */
      deadline: Duration.default('24h'),
      verifyTimeout: Duration.default('5m'),
    })
    .strict()
    .superRefine((r, ctx) => {
      const seen = new Set<string>();
      (r.roles ?? []).forEach((role, i) => {
        if (seen.has(role.name))
          ctx.addIssue({ code: 'custom', path: ['roles', i, 'name'], message: `role "${role.name}" is listed twice` });
        seen.add(role.name);
        if (role.remote)
          ctx.addIssue({
            code: 'custom',
            path: ['roles', i, 'remote'],
            message: 'the api_key model creates roles on the local cluster only; use local.remote_indices',
          });
      });
    }),
);
export type UpdateAccessRequest = z.infer<typeof UpdateAccessRequest>;
export type UpdateAccessRequestInput = z.input<typeof UpdateAccessRequest>;

/**
 * `crosslink rotate`: a new cross-cluster API key, the keystore credential replaced under the same
 * alias, reloaded (restarted, gated, where the version needs it), verified, and only then the old
 * key invalidated. `previousCredential` is the old key's credential as the run that created it
 * sealed it (the worker's key, bound to the connection id; never plaintext): the undo writes it
 * back to the keystore. Without it nothing can put the old credential back, so the request must
 * say `noRestore: true` to go ahead anyway.
 */
export const RotateRequest = lazySchema(() =>
  z
    .object({
      ...ConnectionRef,
      /** The new key's expiration (Elasticsearch duration, `90d`); never expires when omitted. */
      expiration: ApiKeyExpiration.optional(),
      previousCredential: SealedSecret.optional(),
      noRestore: z.boolean().default(false),
      reason: z.string().max(1000).optional(),
      requestedBy: Identity,
      /** How long a gate (the restart, where the version needs one) waits for a decision. */
      deadline: Duration.default('24h'),
      verifyTimeout: Duration.default('5m'),
    })
    .strict()
    .superRefine((r, ctx) => {
      if (!r.previousCredential && !r.noRestore) {
        ctx.addIssue({
          code: 'custom',
          path: ['previousCredential'],
          message:
            'is required unless noRestore is true: without the sealed credential of the working key, a failed rotation cannot put it back into the keystore',
        });
      }
    }),
);
export type RotateRequest = z.infer<typeof RotateRequest>;
export type RotateRequestInput = z.input<typeof RotateRequest>;

/** The roles a request names for the API key model: local only, each name once. */
function localRolesOnly(roles: readonly RoleSpec[] | undefined, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  (roles ?? []).forEach((role, i) => {
    if (seen.has(role.name))
      ctx.addIssue({ code: 'custom', path: ['roles', i, 'name'], message: `role "${role.name}" is listed twice` });
    seen.add(role.name);
    if (role.remote)
      ctx.addIssue({
        code: 'custom',
        path: ['roles', i, 'remote'],
        message: 'the api_key model creates roles on the local cluster only; use local.remote_indices',
      });
  });
}

/**
 * `crosslink migrate`: a certificate connection moved to the API key model in place (Elastic's
 * "Migrate remote clusters from certificate to API key authentication"): the same alias, the
 * followers and auto-follow patterns that replicate through it paused and resumed (never
 * re-created), a cross-cluster API key with `access`, the keystore credential, the alias switched
 * to the remote cluster server port, verified, the local roles moved to `remote_indices`, and only
 * then, after its own gate, the certificate trust only this connection used removed.
 */
export const MigrateRequest = lazySchema(() =>
  z
    .object({
      ...ConnectionRef,
      /** What the new cross-cluster API key grants (its replication entries must cover the followers' leaders). */
      access: CrossClusterAccess,
      /**
       * The local roles as the API key model needs them (`remote_indices`, `remote_cluster`). Omitted:
       * the connection's local roles get `remote_indices` copied from its same-named remote roles.
       */
      roles: z.array(RoleSpec).optional(),
      /** The new key's expiration (Elasticsearch duration, `90d`); never expires when omitted. */
      expiration: ApiKeyExpiration.optional(),
      /** Either side on 8.10-8.13, where the API key model is beta: refused unless true. */
      allowBetaApiKeyModel: z.boolean().default(false),
      reason: z.string().max(1000).optional(),
      requestedBy: Identity,
      /** How long each gate waits for a decision. */
      deadline: Duration.default('24h'),
      /** How long verify waits for the alias, and the resume for the followers to follow again. */
      verifyTimeout: Duration.default('5m'),
    })
    .strict()
    .superRefine((r, ctx) => localRolesOnly(r.roles, ctx)),
);
export type MigrateRequest = z.infer<typeof MigrateRequest>;
export type MigrateRequestInput = z.input<typeof MigrateRequest>;

/** What a migration ends with. */
export const MigrationReport = lazySchema(() =>
  z.object({
    connectionId: z.string(),
    operation: z.literal('migrate'),
    state: z.literal('connected'),
    model: z.literal('api_key'),
    /** One line per thing changed. */
    changes: z.array(z.string()),
    paused: ReplicationSet,
    resumed: ReplicationSet,
    /** Transforms and datafeeds that read through the alias and were running (crosslink does not stop them). */
    interrupted: z.object({ transforms: z.array(z.string()), datafeeds: z.array(z.string()) }),
    /** The certificate trust removed, and what stayed because something else uses it. */
    removed: z.array(CreatedResource),
    kept: z.array(KeptResource),
    verification: z.string(),
  }),
);
export type MigrationReport = z.infer<typeof MigrationReport>;

/** What update-access and rotate end with. */
export const LifecycleChangeReport = lazySchema(() =>
  z.object({
    connectionId: z.string(),
    operation: z.enum(['update-access', 'rotate']),
    state: z.literal('connected'),
    /** One line per thing changed (or "nothing to change"). */
    changes: z.array(z.string()),
    verification: z.string(),
  }),
);
export type LifecycleChangeReport = z.infer<typeof LifecycleChangeReport>;
