/**
 * `ApplicationFailure.type` values crosslink uses, in one place: activities throw them, the
 * workflow and the CLI read them. Retryable ones are listed in RETRYABLE_FAILURE_TYPES.
 */
export const FailureType = {
  /** Preflight refused the request (versions, alias in use, unhealthy...). */
  PreflightRefused: 'PreflightRefused',
  /** The worker has no configuration for a named environment or deployment. */
  ConfigurationError: 'ConfigurationError',
  /** ECE or Elasticsearch answered 400: the request is wrong and retrying cannot help. */
  BadRequest: 'BadRequest',
  /** 401: the configured credentials were refused. */
  Unauthorized: 'Unauthorized',
  /** 403: the credentials lack a privilege. */
  Forbidden: 'Forbidden',
  /** 404: a deployment, resource or relationship does not exist. */
  NotFound: 'NotFound',
  /** Optimistic-lock conflict that persisted through retries. */
  Conflict: 'Conflict',
  /** An ECE plan ended with status error. */
  PlanFailed: 'PlanFailed',
  /** Something crosslink would create already exists and is not crosslink's. */
  OwnershipConflict: 'OwnershipConflict',
  /** The sealed cross-cluster key could not be opened (wrong or rotated sealing key). */
  SealedSecretInvalid: 'SealedSecretInvalid',
  /** `_remote/info` never reported the alias connected; the message carries the diagnosis. */
  VerificationFailed: 'VerificationFailed',
  /** Network error, 5xx, 429 or a plan still pending: Temporal retries these. */
  Transient: 'Transient',
  /** Workflow level: an approver rejected a gate. */
  ApprovalRejected: 'ApprovalRejected',
  /** Workflow level: a gate's deadline passed. */
  ApprovalTimeout: 'ApprovalTimeout',
  /** Workflow level: one or more undos failed; the result lists what is left behind. */
  CompensationFailed: 'CompensationFailed',
  /** An apply's plan no longer matches the estate at its start: the message says what changed. */
  PlanStale: 'PlanStale',
  /** A desired-state file is not valid: the message names each problem's file, line and field. */
  InvalidDesiredState: 'InvalidDesiredState',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

export const RETRYABLE_FAILURE_TYPES: readonly FailureType[] = [FailureType.Transient];
export const NON_RETRYABLE_FAILURE_TYPES: readonly FailureType[] = Object.values(FailureType).filter(
  (t) => !RETRYABLE_FAILURE_TYPES.includes(t),
);
