/**
 * The desired-state file (`connections.yaml`, YAML or JSON): the connections that should exist,
 * kept in version control and reviewed as a diff before anything is applied (`crosslink plan`,
 * `crosslink apply`, the scheduled reconcile). Each declared connection is validated by the very
 * schema of a connection request (domain/connection-request.ts): the file's field names map onto the
 * request's, and every error is reported at the file's own path. schemas/connections.schema.json is
 * generated from this schema (npm run docs:schema) so editors complete and check the file.
 */
import { z } from 'zod';
import {
  ApiKeyExpiration,
  ConnectionRequest,
  type ConnectionRequestInput,
  CrossClusterAccess,
  DeploymentRef,
  DeploymentTrustLevel,
  RoleSpec,
  connectionId,
} from './connection-request';
import { Alias, DeploymentId, Duration, EnvironmentName, Identity } from './ids';
import { SecurityModel, StepId } from './step-catalog';
import { lazySchema } from './lazy-schema';

/** The file format's version: a later format is a new number, read by a later crosslink. */
export const DESIRED_STATE_VERSION = 1;

/** The key a connection's cross-cluster API key should be (API key model). */
export const DeclaredKey = lazySchema(() =>
  z
    .object({
      /** The expiration new keys get (Elasticsearch duration, `90d`); never expires when omitted. */
      expiration: ApiKeyExpiration.optional().describe('expiration of new keys (Elasticsearch duration such as "90d")'),
      /** A working key older than this is rotated (`crosslink rotate`). */
      rotateAfter: Duration.optional().describe('rotate the working key once it is older than this ("60d")'),
    })
    .strict(),
);
export type DeclaredKey = z.infer<typeof DeclaredKey>;

/** One connection that should exist: a connection request's fields, named as an operator writes them. */
export const DeclaredConnection = lazySchema(() =>
  z
    .object({
      local: DeploymentRef.describe('the deployment that searches or replicates (where cluster.remote.<alias> lives)'),
      remote: DeploymentRef.describe('the deployment it reaches'),
      alias: Alias.describe('the remote cluster alias on the local deployment'),
      model: SecurityModel.describe('security model: api_key (cross-cluster API key) or certificate (TLS trust)'),
      access: CrossClusterAccess.optional().describe('API key model: what the cross-cluster API key grants'),
      roles: z.array(RoleSpec).optional().describe('roles crosslink creates for this connection'),
      key: DeclaredKey.optional().describe('API key model: expiration of new keys and rotation age'),
      gates: z
        .array(StepId)
        .optional()
        .describe("approval gates this connection's runs wait at, added to the operator's policy"),
      skipUnavailable: z.boolean().optional(),
      allowBetaApiKeyModel: z.boolean().optional(),
      verifyTimeout: Duration.optional(),
    })
    .strict(),
);
export type DeclaredConnection = z.infer<typeof DeclaredConnection>;

/**
 * How the deployments of two environments trust each other (certificate model): `specific` (the
 * default: each connection allowlists the other deployment's cluster id) or `all` (every deployment
 * of the other environment, future ones included).
 */
export const EnvironmentPairTrust = lazySchema(() =>
  z
    .object({
      environments: z
        .tuple([EnvironmentName, EnvironmentName])
        .describe('the two environments (order does not matter)'),
      deployments: DeploymentTrustLevel.describe('specific (cluster ids, the default) or all (trust_all)'),
    })
    .strict(),
);
export type EnvironmentPairTrust = z.infer<typeof EnvironmentPairTrust>;

/** What `--prune` may remove: connections whose local side is here (absent: every connection crosslink manages). */
export const DesiredScope = lazySchema(() =>
  z
    .object({
      environments: z.array(EnvironmentName).optional(),
      deployments: z.array(DeploymentId).optional(),
    })
    .strict(),
);
export type DesiredScope = z.infer<typeof DesiredScope>;

const DesiredStateShape = lazySchema(() =>
  z
    .object({
      /** An editor's schema reference (JSON files): ignored. */
      $schema: z.string().optional(),
      version: z.literal(DESIRED_STATE_VERSION).describe('the file format version'),
      /** Who the runs an apply starts are requested by (the CLI's --as overrides it). */
      requestedBy: Identity.optional().describe(
        'requester of the runs an apply starts (crosslink apply --as overrides)',
      ),
      /** How long each gate of those runs waits for a decision (default 24h). */
      approvalDeadline: Duration.optional(),
      scope: DesiredScope.optional().describe('what this file manages: --prune removes only connections in scope'),
      trust: z.array(EnvironmentPairTrust).optional().describe('certificate model: trust level per environment pair'),
      connections: z.array(DeclaredConnection).describe('every connection that should exist'),
    })
    .strict(),
);

/** Stands in for the requester while a file is validated (the apply names the real one). */
const VALIDATION_REQUESTER = 'desired-state';

/** The request's fields that the file names differently (request path head -> file path). */
const FILE_PATH_OF: Readonly<Record<string, readonly (string | number)[]>> = {
  securityModel: ['model'],
  apiKeyExpiration: ['key', 'expiration'],
};

/** The deployment trust a connection's environment pair declares (certificate model only). */
export function declaredTrustLevel(
  state: { trust?: readonly EnvironmentPairTrust[] | undefined },
  c: Pick<DeclaredConnection, 'local' | 'remote' | 'model'>,
): DeploymentTrustLevel | undefined {
  if (c.model !== 'certificate') return undefined;
  const pair = [c.local.environment, c.remote.environment].sort().join(' ');
  const entry = (state.trust ?? []).find((t) => [...t.environments].sort().join(' ') === pair);
  return entry?.deployments === 'all' ? 'all' : undefined;
}

/** The connection request a declared connection stands for (before the request schema's defaults). */
export function declaredRequestInput(
  state: Pick<DesiredStateInput, 'approvalDeadline' | 'trust'>,
  c: DeclaredConnection,
  requestedBy: string,
): ConnectionRequestInput {
  const trust = declaredTrustLevel({ trust: state.trust as EnvironmentPairTrust[] | undefined }, c);
  return {
    local: c.local,
    remote: c.remote,
    alias: c.alias,
    securityModel: c.model,
    ...(c.access ? { access: c.access } : {}),
    ...(c.key?.expiration ? { apiKeyExpiration: c.key.expiration } : {}),
    ...(c.roles ? { roles: c.roles } : {}),
    ...(trust ? { deploymentTrust: trust } : {}),
    ...(c.skipUnavailable !== undefined ? { skipUnavailable: c.skipUnavailable } : {}),
    ...(c.allowBetaApiKeyModel !== undefined ? { allowBetaApiKeyModel: c.allowBetaApiKeyModel } : {}),
    ...(c.verifyTimeout ? { verifyTimeout: c.verifyTimeout } : {}),
    ...(c.gates || state.approvalDeadline
      ? {
          approval: {
            ...(c.gates ? { gates: c.gates } : {}),
            ...(state.approvalDeadline ? { deadline: state.approvalDeadline } : {}),
          },
        }
      : {}),
    requestedBy,
  };
}

/** Where a request's issue is in the file: the connection's own path, or the file's field it came from. */
function filePath(index: number, path: readonly PropertyKey[]): (string | number)[] {
  const [head, ...rest] = path as (string | number)[];
  if (head === undefined) return ['connections', index];
  if (head === 'approval') {
    return rest[0] === 'deadline' ? ['approvalDeadline'] : ['connections', index, 'gates', ...rest.slice(1)];
  }
  if (head === 'requestedBy') return ['requestedBy'];
  if (head === 'deploymentTrust') return ['trust'];
  return ['connections', index, ...(FILE_PATH_OF[head] ?? [head]), ...rest];
}

function checkConnections(state: z.infer<typeof DesiredStateShape>, ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  state.connections.forEach((c, i) => {
    const id = connectionId(c);
    const first = seen.get(id);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['connections', i, 'alias'],
        message: `alias "${c.alias}" on ${c.local.environment}/${c.local.deploymentId} is declared twice (also connections[${first}])`,
      });
    } else seen.set(id, i);
    if (c.key?.rotateAfter && c.model !== 'api_key') {
      ctx.addIssue({
        code: 'custom',
        path: ['connections', i, 'key', 'rotateAfter'],
        message: 'applies only to the api_key model',
      });
    }
    // The same schema as a request: every rule of a connection request holds for a declared one.
    const parsed = ConnectionRequest.safeParse(
      declaredRequestInput(state, c, state.requestedBy ?? VALIDATION_REQUESTER),
    );
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ code: 'custom', path: filePath(i, issue.path), message: issue.message });
    }
  });
}

function checkTrust(state: z.infer<typeof DesiredStateShape>, ctx: z.RefinementCtx): void {
  const pairs = new Map<string, number>();
  (state.trust ?? []).forEach((t, i) => {
    const [a, b] = t.environments;
    if (a === b) {
      ctx.addIssue({
        code: 'custom',
        path: ['trust', i, 'environments', 1],
        message: 'names the same environment twice; trust is between two environments',
      });
    }
    const key = [a, b].sort().join(' ');
    const first = pairs.get(key);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['trust', i, 'environments'],
        message: `the pair ${a}, ${b} is declared twice (also trust[${first}])`,
      });
    } else pairs.set(key, i);
  });
}

/** The desired-state file, validated: every declared connection is a valid connection request. */
export const DesiredState = lazySchema(() =>
  DesiredStateShape.superRefine((state, ctx) => {
    checkConnections(state, ctx);
    checkTrust(state, ctx);
  }),
);
export type DesiredState = z.infer<typeof DesiredState>;
export type DesiredStateInput = z.input<typeof DesiredState>;

/** The connection requests of a desired state, by connection id, in the file's order. */
export function declaredRequests(state: DesiredState, requestedBy: string): Map<string, ConnectionRequest> {
  return new Map(
    state.connections.map((c) => [
      connectionId(c),
      ConnectionRequest.parse(declaredRequestInput(state, c, requestedBy)),
    ]),
  );
}

/** Whether `--prune` may remove a connection whose local side is this deployment. */
export function inScope(
  scope: DesiredScope | undefined,
  local: { environment: string; deploymentId: string },
): boolean {
  if (!scope || (!scope.environments && !scope.deployments)) return true;
  return (
    (scope.environments?.includes(local.environment) ?? false) ||
    (scope.deployments?.includes(local.deploymentId) ?? false)
  );
}
