import { type VerifyDecisionInput, type VerifyDecisionResult } from './approval-policy';
import { type DescribeChangeInput, type GateChange } from './changes';
import { type ConnectionRequest, type RoleSpec } from './connection-request';
import { type CatalogCall, type InputOfCall, type ResultOfCall, type StepId } from './step-catalog';
import { type NotificationInput } from './events';
import { type PreflightResult, type SealedSecret, type StepDecision } from './records';
import { type Operation } from './plans';
import { type MigrateRequest } from './lifecycle-request';

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
 * The activities of the step catalog (a step, its follow-up or its undo), with the signatures the
 * catalog's rows declare (domain/step-catalog.ts): one definition, read by the workflows, the worker
 * and the tests. Every undo takes the same input as its step, not the step's result, so it also
 * cleans up after a step whose response was lost: it removes what differs from the preflight
 * snapshot and carries this run's ownership marks. Every activity is safe to run twice.
 */
export type StepActivities = {
  [C in CatalogCall as C['name']]: (input: InputOfCall<C>) => Promise<ResultOfCall<C>>;
};

export interface InspectConnectionInput {
  connectionId: string;
  /** The operation the inspection is for: its plan's decisions come back (absent in runs before 0.3.0). */
  operation?: Operation;
  requestedBy: string;
  /** Gates the operation always asks for (the worker's policy may add more). */
  gates: StepId[];
  deadline: string;
  /**
   * update-access, rotate and migrate: the change asked for. The request then carries it, and preflight's
   * facts are kept as read (the working key as `existingKey`) instead of reclaimed for removal.
   */
  change?: {
    access?: Record<string, unknown>;
    roles?: RoleSpec[];
    apiKeyExpiration?: string;
    verifyTimeout?: string;
    /** migrate: accept the API key model's beta (8.10-8.13). */
    allowBetaApiKeyModel?: boolean;
  };
}

/** What a migration's inspection is asked (the migrate workflow's, and the plan's description of its gates). */
export function migrationInspection(
  connectionId: string,
  ask: MigrateRequest,
): Pick<InspectConnectionInput, 'connectionId' | 'requestedBy' | 'deadline' | 'change'> {
  return {
    connectionId,
    requestedBy: ask.requestedBy,
    deadline: ask.deadline,
    change: {
      access: ask.access as Record<string, unknown>,
      verifyTimeout: ask.verifyTimeout,
      allowBetaApiKeyModel: ask.allowBetaApiKeyModel,
      ...(ask.roles ? { roles: ask.roles } : {}),
      ...(ask.expiration ? { apiKeyExpiration: ask.expiration } : {}),
    },
  };
}

export interface InspectedConnection {
  request: ConnectionRequest;
  preflight: PreflightResult;
  attempt: number;
  /** What discovery found, one line (shown in progress). */
  detail: string;
  /** Which of the operation's steps apply, decided from what is there now (absent in runs before 0.3.0). */
  decisions?: StepDecision[];
}

/** Activities outside the step catalog: what a gate guards, and the check of a signed decision. */
export interface ApprovalActivities {
  /** Checks a gate decision's signature and the policy; a refusal is a result, never a failure. */
  verifyApprovalDecision(input: VerifyDecisionInput): Promise<VerifyDecisionResult>;
  /** The exact change the calls behind a gate would make, read now, with its digest (activities/changes.ts). */
  describeChange(input: DescribeChangeInput): Promise<GateChange>;
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

/** The activities the operations' workflows call (discovery's are LifecycleActivities, domain/inventory.ts). */
export type CrosslinkActivities = StepActivities & ApprovalActivities & NotificationActivities;

/** The activities of the step catalog (a step, its follow-up or its undo). */
export type ActivityName = keyof StepActivities;
export type InputOf<N extends ActivityName> = Parameters<StepActivities[N]>[0];
export type ResultOf<N extends ActivityName> = Awaited<ReturnType<StepActivities[N]>>;

/**
 * A step input sent by reference (in every activity's history event the same request and preflight
 * facts would otherwise repeat): the row's own fields, and `stepInput: 'query'`. The worker reads
 * the run's step input once with the run's `stepInput` query (activities/step-input.ts) and caches it.
 */
export type StepInputReference = Record<string, unknown> & { connectionId: string; stepInput: 'query' };

export function isStepInputReference(input: unknown): input is StepInputReference {
  return typeof input === 'object' && input !== null && (input as { stepInput?: unknown }).stepInput === 'query';
}
