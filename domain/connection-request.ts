import { z } from 'zod';
import { Alias, DeploymentId, Duration, EnvironmentName, Identity, IndexPattern, RefId, RoleName } from './ids';
import { SecurityModel, StepId } from './step-catalog';
import { DEFAULT_GATES } from './step-catalog';
import { lazySchema } from './lazy-schema';

/** One side of the connection: a deployment in an environment the worker knows by name. */
export const DeploymentRef = lazySchema(() =>
  z
    .object({
      environment: EnvironmentName,
      deploymentId: DeploymentId,
      /** Elasticsearch resource ref_id; read from the deployment when omitted. */
      refId: RefId.optional(),
    })
    .strict(),
);
export type DeploymentRef = z.infer<typeof DeploymentRef>;

const IndexNames = lazySchema(() =>
  z.union([IndexPattern, z.array(IndexPattern).min(1, 'must list at least one index')]),
);
const FieldSecurity = lazySchema(() =>
  z.object({ grant: z.array(z.string().min(1)).optional(), except: z.array(z.string().min(1)).optional() }).strict(),
);
/** Document-level security query: a query DSL object or its JSON string. */
const DlsQuery = lazySchema(() => z.union([z.string().min(1).max(10_000), z.record(z.string(), z.unknown())]));

/** `access.search[]` of the cross-cluster API key (ES-SPEC SearchAccess). */
export const SearchAccess = lazySchema(() =>
  z
    .object({
      names: IndexNames,
      field_security: FieldSecurity.optional(),
      query: DlsQuery.optional(),
      allow_restricted_indices: z.boolean().optional(),
    })
    .strict(),
);
/** `access.replication[]` of the cross-cluster API key (ES-SPEC ReplicationAccess). */
export const ReplicationAccess = lazySchema(() =>
  z.object({ names: IndexNames, allow_restricted_indices: z.boolean().optional() }).strict(),
);

/** What the remote grants the local cluster, as `POST /_security/cross_cluster/api_key` takes it. */
export const CrossClusterAccess = lazySchema(() =>
  z
    .object({
      search: z.array(SearchAccess).optional(),
      replication: z.array(ReplicationAccess).optional(),
    })
    .strict()
    .refine((a) => (a.search?.length ?? 0) + (a.replication?.length ?? 0) > 0, {
      message: 'must grant at least one search or replication entry',
    }),
);
export type CrossClusterAccess = z.infer<typeof CrossClusterAccess>;

const Privilege = lazySchema(() =>
  z.string().regex(/^[a-z_]{1,64}$/, 'must be an Elasticsearch privilege name such as "read"'),
);
const IndicesPrivileges = lazySchema(() =>
  z
    .object({
      names: IndexNames,
      privileges: z.array(Privilege).min(1, 'must list at least one privilege'),
      field_security: FieldSecurity.optional(),
      query: DlsQuery.optional(),
      allow_restricted_indices: z.boolean().optional(),
    })
    .strict(),
);
const RemoteIndicesPrivileges = lazySchema(() =>
  IndicesPrivileges.extend({
    clusters: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  }),
);
const RemoteClusterPrivileges = lazySchema(() =>
  z
    .object({
      clusters: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
      privileges: z.array(z.enum(['monitor_enrich', 'monitor_stats'])).min(1, 'must list at least one privilege'),
    })
    .strict(),
);

/** A role body as `PUT /_security/role/<name>` takes it (the fields crosslink manages). */
export const RoleDefinition = lazySchema(() =>
  z
    .object({
      cluster: z.array(Privilege).optional(),
      indices: z.array(IndicesPrivileges).optional(),
      remote_indices: z.array(RemoteIndicesPrivileges).optional(),
      remote_cluster: z.array(RemoteClusterPrivileges).optional(),
      description: z.string().max(1000).optional(),
    })
    .strict(),
);
export type RoleDefinition = z.infer<typeof RoleDefinition>;

export const RoleSpec = lazySchema(() =>
  z
    .object({
      name: RoleName,
      /** The role on the local cluster (API key model: carries `remote_indices` / `remote_cluster`). */
      local: RoleDefinition.default({}),
      /** Certificate model only: the same-named role on the remote cluster (DOC:rc-cert). */
      remote: RoleDefinition.optional(),
    })
    .strict(),
);
export type RoleSpec = z.infer<typeof RoleSpec>;

/**
 * The request's part in approvals. The request may ADD gates to those the worker's approval policy
 * requires (domain/approval-policy.ts), never remove them, and it never chooses who approves:
 * `approvers` and `allowSelfApproval` are still accepted so that earlier requests stay valid, but
 * they are ignored; the policy's approvers decide and the four-eyes rule always holds.
 */
export const ApprovalPolicy = lazySchema(() =>
  z
    .object({
      /** Steps that wait for a decision before they run, in addition to the policy's gates. */
      gates: z.array(StepId).default([...DEFAULT_GATES]),
      /** Ignored (kept for compatibility): approvers come from the worker's approval policy. */
      approvers: z.array(Identity).default([]),
      /** How long each gate waits before the run rolls back with `approval-timeout`. */
      deadline: Duration.default('24h'),
      /** Ignored (kept for compatibility): the requester never approves their own request. */
      allowSelfApproval: z.boolean().default(false),
    })
    .strict(),
);
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>;

/** A cross-cluster API key's expiration in Elasticsearch duration notation (`90d`). */
export const ApiKeyExpiration = lazySchema(() =>
  z.string().regex(/^[1-9][0-9]{0,5}(d|h|m|s)$/, 'must be an Elasticsearch duration such as "90d"'),
);

/**
 * Certificate model: how each deployment trusts the other environment's deployments, as the
 * documented procedure offers it: `specific` (the default) allowlists the other deployment's
 * cluster id (`trust_allowlist`); `all` trusts every deployment of the other environment, future
 * ones included (`trust_all: true`), behind its own gate (`trust-all`).
 */
export const DeploymentTrustLevel = lazySchema(() => z.enum(['specific', 'all']));
export type DeploymentTrustLevel = z.infer<typeof DeploymentTrustLevel>;

/** The connection request: what an event or the CLI asks crosslink to do. Holds no credentials. */
export const ConnectionRequest = lazySchema(() =>
  z
    .object({
      local: DeploymentRef,
      remote: DeploymentRef,
      alias: Alias,
      securityModel: SecurityModel,
      /** API key model: what the cross-cluster key grants. */
      access: CrossClusterAccess.optional(),
      /** API key model: key expiration in Elasticsearch duration notation (`90d`); never expires when omitted. */
      apiKeyExpiration: ApiKeyExpiration.optional(),
      /** API key model on 8.10-8.13 (beta there): refused unless true; the keystore then needs a reload or restart. */
      allowBetaApiKeyModel: z.boolean().default(false),
      roles: z.array(RoleSpec).default([]),
      /** Certificate model: `specific` (absent: the default) or `all` deployments of the other environment. */
      deploymentTrust: DeploymentTrustLevel.optional(),
      skipUnavailable: z.boolean().default(true),
      /** How long `verify` waits for `_remote/info` to report the alias connected. */
      verifyTimeout: Duration.default('5m'),
      approval: ApprovalPolicy.default({
        gates: [...DEFAULT_GATES],
        approvers: [],
        deadline: '24h',
        allowSelfApproval: false,
      }),
      requestedBy: Identity,
    })
    .strict()
    .superRefine((r, ctx) => {
      if (r.local.environment === r.remote.environment) {
        ctx.addIssue({
          code: 'custom',
          path: ['remote', 'environment'],
          message:
            r.local.deploymentId === r.remote.deploymentId
              ? 'local and remote are the same deployment; a deployment cannot be its own remote'
              : 'local and remote are in the same ECE environment; crosslink connects deployments in different environments',
        });
      }
      if (r.securityModel === 'api_key' && !r.access) {
        ctx.addIssue({ code: 'custom', path: ['access'], message: 'is required for the api_key security model' });
      }
      if (r.securityModel === 'certificate' && r.access) {
        ctx.addIssue({
          code: 'custom',
          path: ['access'],
          message: 'applies only to the api_key model; the certificate model grants access through remote roles',
        });
      }
      if (r.securityModel === 'api_key' && r.deploymentTrust) {
        ctx.addIssue({
          code: 'custom',
          path: ['deploymentTrust'],
          message: 'applies only to the certificate model; the API key model needs no deployment trust',
        });
      }
      if (r.securityModel === 'certificate' && r.apiKeyExpiration) {
        ctx.addIssue({ code: 'custom', path: ['apiKeyExpiration'], message: 'applies only to the api_key model' });
      }
      const seen = new Set<string>();
      r.roles.forEach((role, i) => {
        if (seen.has(role.name)) {
          ctx.addIssue({ code: 'custom', path: ['roles', i, 'name'], message: `role "${role.name}" is listed twice` });
        }
        seen.add(role.name);
        if (r.securityModel === 'api_key' && role.remote) {
          ctx.addIssue({
            code: 'custom',
            path: ['roles', i, 'remote'],
            message: 'the api_key model creates roles on the local cluster only; use local.remote_indices',
          });
        }
      });
    }),
);
/** A validated request with defaults applied. */
export type ConnectionRequest = z.infer<typeof ConnectionRequest>;
/** A request as a caller writes it (defaults optional). */
export type ConnectionRequestInput = z.input<typeof ConnectionRequest>;

/**
 * The business id of a connection: one running workflow per local deployment and alias, so a
 * second request for the same connection finds the first (ids, env names and aliases hold no ".").
 */
export function connectionId(request: Pick<ConnectionRequest, 'local' | 'alias'>): string {
  return `crosslink.${request.local.environment}.${request.local.deploymentId}.${request.alias}`;
}
