import { type VerifyDecisionInput, type VerifyDecisionResult } from './approval-policy';
import { type ConnectionRequest, type RoleSpec } from './connection-request';
import { type StepId } from './step-ids';
import { type NotificationInput } from './events';
import {
  type ApiKeyRecord,
  type KeystoreLoadReport,
  type PlatformTrustRecord,
  type PreflightResult,
  type SealedSecret,
  type StepRecord,
  type UndoReport,
  type VerificationReport,
} from './records';

/** Which deployment (or its environment) an activity acts on. */
export type Side = 'local' | 'remote';

/**
 * What the step activities read of preflight's result. The fields only the workflow uses (the step
 * decisions, the approval policy, whether to notify) stay out of every activity input, and so out
 * of the history, where each scheduled activity stores its input.
 */
export type PreflightFacts = Omit<PreflightResult, 'steps' | 'approvals' | 'notify'>;

/** `preflight` without the workflow's own fields (PreflightFacts). */
export function preflightFacts(preflight: PreflightFacts & Partial<PreflightResult>): PreflightFacts {
  const { steps: _steps, approvals: _approvals, notify: _notify, ...facts } = preflight;
  return facts;
}

/** Input of every step activity and undo after preflight. Names environments, never credentials. */
export interface StepInput {
  connectionId: string;
  request: ConnectionRequest;
  preflight: PreflightFacts;
  /**
   * Disconnect only: the undos reclaim every object of this connection, whichever run made it (a
   * terminated run's leftovers too); without it an undo removes only what this run made.
   */
  reclaim?: boolean;
}
/**
 * Rotate's steps: the old (working) key is preflight's `existingKey`; `previousCredential` is its
 * credential as sealed by the run that created it, for the keystore undo to write back.
 */
export interface RotateStepInput extends StepInput {
  previousCredential?: SealedSecret;
}
export interface SideStepInput extends StepInput {
  side: Side;
}

/**
 * The activities the workflow orchestrates: one per step of the catalog (domain/steps.ts) and one
 * per undo. Every undo takes the same input as its step, not the step's result, so it also
 * cleans up after a step whose response was lost: it removes what differs from the preflight
 * snapshot and carries this run's ownership marks. Every activity is safe to run twice.
 */
export interface StepActivities {
  preflight(input: { connectionId: string; request: ConnectionRequest }): Promise<PreflightResult>;

  /** In the `side` environment, a trust relationship for the other environment. */
  ensurePlatformTrust(input: SideStepInput): Promise<PlatformTrustRecord>;
  removePlatformTrust(input: SideStepInput): Promise<UndoReport>;

  /** On the `side` deployment, `trust.external` allowlisting the other deployment's ES cluster id. */
  ensureDeploymentTrust(input: SideStepInput & { trustRelationshipId: string }): Promise<StepRecord>;
  removeDeploymentTrust(input: SideStepInput): Promise<UndoReport>;

  createCrossClusterApiKey(input: StepInput): Promise<ApiKeyRecord>;
  invalidateCrossClusterApiKey(input: StepInput): Promise<UndoReport>;

  ensureProxyCaTrust(input: StepInput): Promise<StepRecord>;
  removeProxyCaTrust(input: StepInput): Promise<UndoReport>;

  writeKeystoreCredentials(input: StepInput & { apiKey: ApiKeyRecord }): Promise<StepRecord>;
  removeKeystoreCredentials(input: StepInput): Promise<UndoReport>;

  registerRemoteCluster(input: StepInput): Promise<StepRecord>;
  unregisterRemoteCluster(input: StepInput): Promise<UndoReport>;

  /** Whether the credentials are loaded; calls `_nodes/reload_secure_settings` when they are not. */
  reloadSecureSettings(input: StepInput): Promise<KeystoreLoadReport>;
  /** Restarts local Elasticsearch and waits for its plan; heartbeats while waiting. */
  restartElasticsearch(input: StepInput): Promise<KeystoreLoadReport>;

  verifyRemoteConnection(input: StepInput): Promise<VerificationReport>;

  createRoles(input: SideStepInput): Promise<StepRecord>;
  deleteRoles(input: SideStepInput): Promise<UndoReport>;

  /** Rotate: a new key beside the working one (checks first that previousCredential opens to the working key). */
  createRotatedApiKey(input: RotateStepInput): Promise<ApiKeyRecord>;
  /** Rotate's undo: invalidates the new key(s) this run made; never the working key. */
  invalidateRotatedApiKey(input: RotateStepInput): Promise<UndoReport>;
  /** Rotate's keystore undo: the old credential back, then loaded again (a restart when the rotation restarted). */
  restoreKeystoreCredentials(input: RotateStepInput & { restart: boolean }): Promise<UndoReport>;
  /** Rotate: `_nodes/reload_secure_settings` always (the old credential is loaded, so "loaded" says nothing). */
  reloadRotatedCredentials(input: StepInput): Promise<KeystoreLoadReport>;
  /** Rotate: restart local Elasticsearch so it loads the replaced credential (versions that need it). */
  restartForRotation(input: StepInput): Promise<KeystoreLoadReport>;
  /** Rotate, after verify: invalidates the replaced key. */
  invalidateReplacedApiKey(input: RotateStepInput): Promise<StepRecord>;

  /**
   * Lifecycle: finds a connection by its marks (discovery) and reads it the way preflight does,
   * as the request and facts its undos take, with nothing counted as there before (reclaim).
   */
  inspectConnection(input: InspectConnectionInput): Promise<InspectedConnection>;
}

export interface InspectConnectionInput {
  connectionId: string;
  requestedBy: string;
  /** Gates the operation always asks for (the worker's policy may add more). */
  gates: StepId[];
  deadline: string;
  /**
   * update-access and rotate: the change asked for. The request then carries it, and preflight's
   * facts are kept as read (the working key as `existingKey`) instead of reclaimed for removal.
   */
  change?: {
    access?: Record<string, unknown>;
    roles?: RoleSpec[];
    apiKeyExpiration?: string;
    verifyTimeout?: string;
  };
}

export interface InspectedConnection {
  request: ConnectionRequest;
  preflight: PreflightResult;
  attempt: number;
  /** What discovery found, one line (shown in progress). */
  detail: string;
}

/** Activities outside the step catalog: the approval gates' check of a signed decision. */
export interface ApprovalActivities {
  /** Checks a gate decision's signature and the policy; a refusal is a result, never a failure. */
  verifyApprovalDecision(input: VerifyDecisionInput): Promise<VerifyDecisionResult>;
}

/** What `sendNotification` reports: whether a sink took the notification. */
export interface NotificationResult {
  delivered: boolean;
  detail: string;
}

/** The notification activity (activities/notifications/), called by the connection and audit workflows. */
export interface NotificationActivities {
  sendNotification(notification: NotificationInput): Promise<NotificationResult>;
}

/** The connection workflow's activities (the lifecycle workflows' are LifecycleActivities, domain/inventory.ts). */
export type CrosslinkActivities = StepActivities & ApprovalActivities & NotificationActivities;

/** The activities of the step catalog (a step or its undo). */
export type ActivityName = keyof StepActivities;
