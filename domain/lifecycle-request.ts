import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import { ApiKeyExpiration, CrossClusterAccess, RoleSpec } from './connection-request';
import { Alias, DeploymentId, Duration, EnvironmentName, Identity } from './ids';
import { SealedSecret } from './records';

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
  z.enum(['connect', 'update-access', 'rotate', 'disconnect', 'audit', 'list', 'inventory']),
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
