/**
 * Scripted CrosslinkActivities for workflow tests that need no simulator: each activity returns a
 * plausible record derived from its input (what a real one would report), and tests replace single
 * activities with the behaviours below (fail, fail N times, hang until cancelled, time out).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  type ActivityName,
  type ApprovalPolicyConfig,
  type ConnectionRequest,
  type CreatedResource,
  type CrosslinkActivities,
  FailureType,
  type PreflightResult,
  decideConnect,
  CATALOG_ACTIVITIES,
  UNDO_ACTIVITIES,
  type SideStepInput,
  type StepId,
  type StepInput,
} from '../../domain';
import { connectionApprovals } from '../../activities/approvals/policy';
import { gateChange } from '../../common/change-digest';
import { verifyApprovalDecision } from '../../activities/approvals/verify';
import { type ActivityImplementations, SimulatedTimeout } from './activity-runner';
import { DEFAULT_TEST_POLICY } from './approvers';
import { type ResolvedNotificationSink, createNotificationActivities } from '../../activities/notifications';

export interface ScriptOptions {
  /** What the local keystore does: reloads by itself (8.14+), needs a reload, or needs a restart. */
  keystore?: 'automatic' | 'reload' | 'restart';
  /** Whether the remote proxy CA is private (the proxy-ca step applies). */
  privateProxyCa?: boolean;
  /** The worker's approval policy (default: bob, carol and alice decide every connection's gates). */
  approvals?: ApprovalPolicyConfig;
  /** The worker's notification sink: preflight then says `notify`, and `sendNotification` delivers to it. */
  notifications?: ResolvedNotificationSink;
}

type Behaviour = (...args: never[]) => Promise<unknown>;

function attempt(): number {
  return Context.current().info.attempt;
}

function resource(step: StepId, kind: CreatedResource['kind'], id: string, environment: string): CreatedResource {
  return { step, kind, id, environment, description: `${kind} ${id}` };
}

function facts(request: ConnectionRequest, side: 'local' | 'remote', version: string) {
  const ref = request[side];
  return {
    environment: ref.environment,
    deploymentId: ref.deploymentId,
    name: `${side}-deployment`,
    refId: 'main-elasticsearch',
    region: 'ece-region',
    version,
    clusterId: ref.deploymentId.replace(/^./, 'c'),
    endpoint: `${ref.deploymentId}.${ref.environment}.example`,
    esUrl: `https://${ref.deploymentId}.${ref.environment}.example:9243`,
    healthy: true,
    trustBefore: {},
    rolesBefore: [],
  };
}

/**
 * Every activity of the catalog, scripted generically from its row: a step reports it created
 * nothing and says what it did (its Web UI summary), an undo that it removed nothing. The steps
 * below whose records the workflow reads (keys, trust ids, load reports, verification) replace them;
 * a new step needs nothing here.
 */
function fromCatalog(): Record<string, (input: unknown) => Promise<unknown>> {
  const undos = new Set(UNDO_ACTIVITIES);
  return Object.fromEntries(
    CATALOG_ACTIVITIES.map((call) => [
      call.name,
      async (input: unknown) =>
        undos.has(call.name)
          ? { attempt: attempt(), removed: [], detail: `scripted ${call.name}` }
          : { attempt: attempt(), created: [], detail: call.summary(input as never) },
    ]),
  );
}

export function scriptedActivities(options: ScriptOptions = {}): CrosslinkActivities {
  return { ...fromCatalog(), ...scriptedSteps(options) } as CrosslinkActivities;
}

function scriptedSteps(options: ScriptOptions): Partial<CrosslinkActivities> {
  const keystore = options.keystore ?? 'automatic';
  const privateCa = options.privateProxyCa ?? true;
  const policy = options.approvals ?? DEFAULT_TEST_POLICY;
  const undo = (detail: string) => async () => ({ attempt: attempt(), removed: [], detail });
  return {
    async preflight({ connectionId, request }): Promise<PreflightResult> {
      const apiKey = request.securityModel === 'api_key';
      const env = (name: string) => ({
        environment: name,
        accountId: `account-${name}`,
        localTrustRelationshipId: `local-${name}`,
        eceVersion: '3.8.0',
        trustRelationshipsBefore: [],
      });
      const local = facts(request, 'local', keystore === 'automatic' ? '8.15.1' : '8.13.4');
      const remote = facts(request, 'remote', '9.1.3');
      const proxyCa = { rootPem: 'PEM', fingerprintSha256: 'ab:cd', subject: 'CN=proxy root', private: privateCa };
      return {
        connectionId,
        model: request.securityModel,
        local,
        remote,
        localEnvironment: env(request.local.environment),
        remoteEnvironment: env(request.remote.environment),
        ...(apiKey ? { proxyCa } : {}),
        restartExpected: keystore !== 'automatic',
        approvals: connectionApprovals(policy, request, request.approval.gates),
        ...(options.notifications ? { notify: true } : {}),
        // The catalog's own decisions, from the facts above (domain/step-catalog.ts).
        steps: decideConnect({
          request,
          local,
          remote,
          ...(apiKey ? { proxyCa, proxyCaEntryName: 'crosslink proxy CA' } : {}),
          restartExpected: keystore !== 'automatic',
          versionNote: `local ${local.version}, remote ${remote.version}`,
          expectedAddress: `${remote.endpoint}:9443`,
        }),
        attempt: attempt(),
      };
    },
    verifyApprovalDecision: (input) => verifyApprovalDecision(policy, input),
    // What a gate lets through, as the catalog summarises each call (the real one reads the systems).
    describeChange: async ({ gate, calls }) =>
      gateChange(
        gate,
        calls.map(({ activity, input }) => ({
          activity,
          summary: CATALOG_ACTIVITIES.find((c) => c.name === activity)?.summary(input as never) ?? activity,
          requests: [],
          changes: [],
        })),
      ),
    ...createNotificationActivities(options.notifications),
    async ensurePlatformTrust({ request, side }: SideStepInput) {
      const other = side === 'local' ? request.remote.environment : request.local.environment;
      const env = request[side].environment;
      const id = `trust-${env}-for-${other}`;
      return {
        attempt: attempt(),
        created: [resource('platform-trust', 'trust-relationship', id, env)],
        detail: `${env} trusts ${other}`,
        environment: env,
        trustRelationshipId: id,
        createdByRun: true,
      };
    },
    removePlatformTrust: undo('trust relationship deleted'),
    async ensureDeploymentTrust({ request, side }) {
      const ref = request[side];
      return {
        attempt: attempt(),
        created: [resource('deployment-trust', 'deployment-trust', ref.deploymentId, ref.environment)],
        detail: `trust.external on ${ref.deploymentId}`,
      };
    },
    removeDeploymentTrust: undo('trust restored'),
    async ensureTrustAll({ request, side }) {
      const ref = request[side];
      return {
        attempt: attempt(),
        created: [resource('trust-all', 'deployment-trust', `${ref.deploymentId}/trust_all`, ref.environment)],
        detail: `trust.external on ${ref.deploymentId} trusts every deployment of the other environment`,
      };
    },
    removeTrustAll: undo('trust_all set back'),
    async createCrossClusterApiKey({ request }: StepInput) {
      return {
        attempt: attempt(),
        created: [resource('api-key', 'api-key', 'key-1', request.remote.environment)],
        detail: 'cross-cluster API key key-1',
        keyId: 'key-1',
        keyName: `crosslink-${request.alias}`,
        sealedEncoded: { alg: 'A256GCM' as const, kid: 'k1', iv: 'iv', ciphertext: 'sealed', tag: 'tag' },
      };
    },
    invalidateCrossClusterApiKey: undo('key invalidated'),
    async ensureProxyCaTrust({ request }) {
      return {
        attempt: attempt(),
        created: [resource('proxy-ca', 'proxy-ca-trust', 'proxy-ca', request.local.environment)],
        detail: 'trust.direct proxy CA',
      };
    },
    removeProxyCaTrust: undo('proxy CA entry removed'),
    async writeKeystoreCredentials({ request }) {
      const name = `cluster.remote.${request.alias}.credentials`;
      return {
        attempt: attempt(),
        created: [resource('keystore', 'keystore-secret', name, request.local.environment)],
        detail: name,
      };
    },
    removeKeystoreCredentials: undo('secret removed'),
    async registerRemoteCluster({ request }) {
      const name = `cluster.remote.${request.alias}`;
      return {
        attempt: attempt(),
        created: [resource('register-remote', 'remote-cluster-settings', name, request.local.environment)],
        detail: `${name} in proxy mode`,
      };
    },
    unregisterRemoteCluster: undo('settings nulled'),
    async reloadSecureSettings() {
      const loaded = keystore !== 'restart';
      return {
        attempt: attempt(),
        created: [],
        detail: loaded ? 'credentials loaded' : 'credentials not loaded: restart needed',
        loaded,
        via: keystore === 'automatic' ? ('automatic' as const) : loaded ? ('reload' as const) : ('not-loaded' as const),
      };
    },
    async restartElasticsearch({ request }) {
      Context.current().heartbeat('plan running');
      return {
        attempt: attempt(),
        created: [resource('restart', 'restart', 'plan-1', request.local.environment)],
        detail: 'restarted; credentials loaded',
        loaded: true,
        via: 'restart' as const,
      };
    },
    async verifyRemoteConnection({ request }) {
      return {
        attempt: attempt(),
        created: [],
        detail: `${request.alias} connected`,
        connected: true,
        model: request.securityModel,
        proxyAddress: `${request.remote.deploymentId}.example:9443`,
        serverName: `${request.remote.deploymentId}.example`,
        probe: '_resolve/cluster ok',
      };
    },
    async createRoles({ request, side }: SideStepInput) {
      return {
        attempt: attempt(),
        created: request.roles.map((r) => resource('roles', 'role', r.name, request[side].environment)),
        detail: `roles on ${side}`,
      };
    },
    deleteRoles: undo('roles deleted'),
    inspectConnection: lifecycleOnly('inspect connections'),
    createRotatedApiKey: lifecycleOnly('rotate'),
    invalidateRotatedApiKey: lifecycleOnly('rotate'),
    restoreKeystoreCredentials: lifecycleOnly('rotate'),
    reloadRotatedCredentials: lifecycleOnly('rotate'),
    restartForRotation: lifecycleOnly('rotate'),
    invalidateReplacedApiKey: lifecycleOnly('rotate'),
    ensureProxyCaTrustForMany: lifecycleOnly('fan out'),
    removeProxyCaTrustForMany: lifecycleOnly('fan out'),
    pauseReplication: lifecycleOnly('migrate'),
    resumePausedReplication: lifecycleOnly('migrate'),
    resumeReplication: lifecycleOnly('migrate'),
    removeMigratedCredentials: lifecycleOnly('migrate'),
    switchRemoteCluster: lifecycleOnly('migrate'),
    restoreRemoteCluster: lifecycleOnly('migrate'),
    restoreMigratedRoles: lifecycleOnly('migrate'),
    retireDeploymentTrust: lifecycleOnly('migrate'),
    retirePlatformTrust: lifecycleOnly('migrate'),
    retireRemoteRoles: lifecycleOnly('migrate'),
    checkApplyPlan: lifecycleOnly('apply plans'),
  };
}

/** The lifecycle operations run on the simulator with the real activities (test/workflows/simulator-world.ts). */
function lifecycleOnly(what: string): () => Promise<never> {
  return () => Promise.reject(new Error(`scripted activities do not ${what}`));
}

/** The activities as the harness takes them, with some replaced. */
export function withOverrides(
  base: CrosslinkActivities,
  overrides: Partial<Record<ActivityName, Behaviour>> = {},
): ActivityImplementations {
  return { ...base, ...overrides } as unknown as ActivityImplementations;
}

/** Always fails with a business failure of `type` (non-retryable unless Transient). */
export function fails(type: string, message = `scripted ${type}`): Behaviour {
  return async () => {
    throw ApplicationFailure.create({ type, message, nonRetryable: type !== FailureType.Transient });
  };
}

/** Fails `times` attempts with a Transient failure, then behaves like `then`. */
export function failsTransiently(times: number, then: Behaviour): Behaviour {
  return async (...args: never[]) => {
    if (attempt() <= times) {
      throw ApplicationFailure.create({
        type: FailureType.Transient,
        message: `attempt ${attempt()}: 503`,
        nonRetryable: false,
      });
    }
    return then(...args);
  };
}

/** Runs until the activity is cancelled (like a plan wait that heartbeats). */
export function hangsUntilCancelled(): Behaviour {
  return async () => {
    Context.current().heartbeat('waiting');
    await Context.current().cancelled;
    throw new Error('unreachable: cancelled rejects');
  };
}

/** The attempt times out (startToClose) `times` times, then behaves like `then`. */
export function timesOut(times: number, then: Behaviour): Behaviour {
  return async (...args: never[]) => {
    if (attempt() <= times) throw new SimulatedTimeout('START_TO_CLOSE');
    return then(...args);
  };
}
