/** `crosslink` exit codes (documented in docs/cli.md). */
export const EXIT = {
  /** Done; for `status --watch`: the connection ended connected. */
  OK: 0,
  /** Something unexpected; the message says what. */
  FAILURE: 1,
  /** Wrong command line: unknown command or option, missing argument. */
  USAGE: 2,
  /** The request file or the decision is invalid; each bad field is listed. */
  INVALID_INPUT: 3,
  /**
   * The workflow refused: the approval or rejection (wrong gate, not an approver, four-eyes rule...),
   * or, for `connect`, the request at preflight (unknown environment or deployment, versions...).
   */
  REFUSED: 4,
  /** No connection workflow with that id in the namespace. */
  NOT_FOUND: 5,
  /** Temporal cannot be reached, or no worker answered in time (`connect`: no preflight verdict in time). */
  UNAVAILABLE: 6,
  /**
   * `plan`: the estate differs from the desired-state file (as `terraform plan -detailed-exitcode`;
   * `plan` reports every error, a usage error too, as 1).
   */
  PLAN_CHANGES: 2,
  /**
   * `status --watch`: the connection ended without connecting (rolled back, failed, cancelled);
   * `connect`: the run ended before preflight decided (cancelled, terminated);
   * `apply --follow`: an action did not end done.
   */
  NOT_CONNECTED: 7,
  /**
   * Another run holds the connection (or fan-out) id: another operation, or the same one with a
   * different request. The message names the run and what differs; nothing was started.
   */
  CONFLICT: 8,
  /** `apply --follow`: the estate changed since the plan was made; nothing was started (the message says what changed). */
  PLAN_STALE: 9,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
