/**
 * The fault matrix's rows: every mutating step of both models and every undo a later failure
 * triggers, each with the call that makes the change and, for plan steps, the deployment whose plan
 * runs. A row's faults are armed just before its activity starts, so they hit that activity only.
 */
import { type ConnectionRequest, type StepId } from '../../../domain';
import { DEFAULT_IDS, type FaultSpec, type RouteId } from '../../../simulator/api';
import { apiKeyRequest, certificateRequest, restartRequest, trustAllRequest } from '../support/requests';
import { type Target } from '../support/taps';

export const FAULT_KINDS = ['5xx', 'reset', '4xx', 'slow', 'lost', 'plan-failed', 'twice'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What each fault kind models (docs/proof.md explains the columns). */
export const FAULT_MEANING: Record<FaultKind, string> = {
  '5xx': '503 on the first call, then success',
  reset: 'connection reset before the change is applied, then success',
  '4xx': '403 (a permanent error)',
  slow: 'response slower than startToClose (change applied, attempt timed out)',
  lost: 'change applied, response lost (socket destroyed)',
  'plan-failed': 'the ECE plan the step starts ends in error',
  twice: 'worker crash after the call: the activity runs twice',
};

export interface Row {
  /** Short label for the table, e.g. `api-key` or `undo keystore`. */
  label: string;
  model: 'api-key' | 'certificate' | 'api-key 8.13' | 'certificate all';
  request: () => ConnectionRequest;
  /** `step`: the fault hits the step; `undo`: a later permanent failure rolls back and the fault hits this undo. */
  kind: 'step' | 'undo';
  /** The step whose objects the row is about. */
  step: StepId;
  target: Target;
  /** The call that changes state. */
  call: { route: RouteId; environment?: string; deploymentId?: string };
  /** The deployment whose plan the activity waits for, when it runs one. */
  plan?: { environment: string; deploymentId: string };
  /** For undo rows: the permanent failure, later in the run, that triggers the rollback. */
  trigger?: FaultSpec;
}

const A815 = DEFAULT_IDS.a815;
const B9 = DEFAULT_IDS.b9;
const B815 = DEFAULT_IDS.b815;
const A813 = DEFAULT_IDS.a813;

const rolesForbidden = (environment: string, deploymentId: string): FaultSpec => ({
  route: 'security.put_role',
  environment,
  deploymentId,
  kind: 'status',
  status: 403,
  message: 'trigger: the roles step fails so the run rolls back',
});

/** API key model rows roll back from a failing `roles` step (the last step). */
const apiKeyTrigger = rolesForbidden('ece-a', A815);
/** Certificate model rows roll back from the remote side of `roles` (the local side succeeds first). */
const certificateTrigger = rolesForbidden('ece-b', B815);

export const ROWS: Row[] = [
  // API key model, ece-a 8.15 -> ece-b 9.x (private proxy CA)
  {
    label: 'api-key',
    model: 'api-key',
    request: apiKeyRequest,
    kind: 'step',
    step: 'api-key',
    target: { activity: 'createCrossClusterApiKey' },
    call: { route: 'security.create_cross_cluster_api_key', environment: 'ece-b', deploymentId: B9 },
  },
  {
    label: 'proxy-ca',
    model: 'api-key',
    request: apiKeyRequest,
    kind: 'step',
    step: 'proxy-ca',
    target: { activity: 'ensureProxyCaTrust' },
    call: { route: 'update-deployment', environment: 'ece-a', deploymentId: A815 },
    plan: { environment: 'ece-a', deploymentId: A815 },
  },
  {
    label: 'keystore',
    model: 'api-key',
    request: apiKeyRequest,
    kind: 'step',
    step: 'keystore',
    target: { activity: 'writeKeystoreCredentials' },
    call: { route: 'set-deployment-es-resource-keystore', environment: 'ece-a', deploymentId: A815 },
  },
  {
    label: 'register-remote',
    model: 'api-key',
    request: apiKeyRequest,
    kind: 'step',
    step: 'register-remote',
    target: { activity: 'registerRemoteCluster' },
    call: { route: 'cluster.put_settings', environment: 'ece-a', deploymentId: A815 },
  },
  {
    label: 'roles',
    model: 'api-key',
    request: apiKeyRequest,
    kind: 'step',
    step: 'roles',
    target: { activity: 'createRoles', side: 'local' },
    call: { route: 'security.put_role', environment: 'ece-a', deploymentId: A815 },
  },
  // API key model on local 8.13: reload does not load the keystore, so the restart runs
  {
    label: 'restart',
    model: 'api-key 8.13',
    request: restartRequest,
    kind: 'step',
    step: 'restart',
    target: { activity: 'restartElasticsearch' },
    call: { route: 'restart-deployment-es-resource', environment: 'ece-a', deploymentId: A813 },
    plan: { environment: 'ece-a', deploymentId: A813 },
  },
  // Certificate model, ece-a 8.15 -> ece-b 8.15; faults on the remote side of two-sided steps
  {
    label: 'platform-trust',
    model: 'certificate',
    request: certificateRequest,
    kind: 'step',
    step: 'platform-trust',
    target: { activity: 'ensurePlatformTrust', side: 'remote' },
    call: { route: 'create-trust-relationship', environment: 'ece-b' },
  },
  {
    label: 'deployment-trust',
    model: 'certificate',
    request: certificateRequest,
    kind: 'step',
    step: 'deployment-trust',
    target: { activity: 'ensureDeploymentTrust', side: 'remote' },
    call: { route: 'update-deployment', environment: 'ece-b', deploymentId: B815 },
    plan: { environment: 'ece-b', deploymentId: B815 },
  },
  {
    label: 'trust-all',
    model: 'certificate all',
    request: trustAllRequest,
    kind: 'step',
    step: 'trust-all',
    target: { activity: 'ensureTrustAll', side: 'remote' },
    call: { route: 'update-deployment', environment: 'ece-b', deploymentId: B815 },
    plan: { environment: 'ece-b', deploymentId: B815 },
  },
  {
    label: 'register-remote',
    model: 'certificate',
    request: certificateRequest,
    kind: 'step',
    step: 'register-remote',
    target: { activity: 'registerRemoteCluster' },
    call: { route: 'cluster.put_settings', environment: 'ece-a', deploymentId: A815 },
  },
  {
    label: 'roles',
    model: 'certificate',
    request: certificateRequest,
    kind: 'step',
    step: 'roles',
    target: { activity: 'createRoles', side: 'remote' },
    call: { route: 'security.put_role', environment: 'ece-b', deploymentId: B815 },
  },
  // Undo paths
  {
    label: 'undo api-key',
    model: 'api-key',
    request: apiKeyRequest,
    kind: 'undo',
    step: 'api-key',
    target: { activity: 'invalidateCrossClusterApiKey' },
    call: { route: 'security.invalidate_api_key', environment: 'ece-b', deploymentId: B9 },
    trigger: apiKeyTrigger,
  },
  {
    label: 'undo proxy-ca',
    model: 'api-key',
    request: apiKeyRequest,
    kind: 'undo',
    step: 'proxy-ca',
    target: { activity: 'removeProxyCaTrust' },
    call: { route: 'update-deployment', environment: 'ece-a', deploymentId: A815 },
    plan: { environment: 'ece-a', deploymentId: A815 },
    trigger: apiKeyTrigger,
  },
  {
    label: 'undo keystore',
    model: 'api-key',
    request: apiKeyRequest,
    kind: 'undo',
    step: 'keystore',
    target: { activity: 'removeKeystoreCredentials' },
    call: { route: 'set-deployment-es-resource-keystore', environment: 'ece-a', deploymentId: A815 },
    trigger: apiKeyTrigger,
  },
  {
    label: 'undo register-remote',
    model: 'api-key',
    request: apiKeyRequest,
    kind: 'undo',
    step: 'register-remote',
    target: { activity: 'unregisterRemoteCluster' },
    call: { route: 'cluster.put_settings', environment: 'ece-a', deploymentId: A815 },
    trigger: apiKeyTrigger,
  },
  {
    label: 'undo platform-trust',
    model: 'certificate',
    request: certificateRequest,
    kind: 'undo',
    step: 'platform-trust',
    target: { activity: 'removePlatformTrust', side: 'remote' },
    call: { route: 'delete-trust-relationship', environment: 'ece-b' },
    trigger: certificateTrigger,
  },
  {
    label: 'undo deployment-trust',
    model: 'certificate',
    request: certificateRequest,
    kind: 'undo',
    step: 'deployment-trust',
    target: { activity: 'removeDeploymentTrust', side: 'remote' },
    call: { route: 'update-deployment', environment: 'ece-b', deploymentId: B815 },
    plan: { environment: 'ece-b', deploymentId: B815 },
    trigger: certificateTrigger,
  },
  {
    label: 'undo trust-all',
    model: 'certificate all',
    request: trustAllRequest,
    kind: 'undo',
    step: 'trust-all',
    target: { activity: 'removeTrustAll', side: 'remote' },
    call: { route: 'update-deployment', environment: 'ece-b', deploymentId: B815 },
    plan: { environment: 'ece-b', deploymentId: B815 },
    trigger: certificateTrigger,
  },
  {
    label: 'undo roles',
    model: 'certificate',
    request: certificateRequest,
    kind: 'undo',
    step: 'roles',
    target: { activity: 'deleteRoles', side: 'local' },
    call: { route: 'security.delete_role', environment: 'ece-a', deploymentId: A815 },
    trigger: certificateTrigger,
  },
];

/** The fault kinds that apply to a row (a failed plan only where the activity runs a plan). */
export function kindsFor(row: Row): FaultKind[] {
  return FAULT_KINDS.filter((k) => k !== 'plan-failed' || row.plan !== undefined);
}

/** Permanent faults end rolled back at a step; at an undo they leave that step's objects, reported. */
export function isPermanent(kind: FaultKind): boolean {
  return kind === '4xx' || kind === 'plan-failed';
}
