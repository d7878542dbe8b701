/**
 * What a set of marks discovery found is: a connection, a connection in progress, the leftovers of a
 * run that ended without undoing, or residue. Decided from the systems' current state (what of the
 * connection is still live) and, where that cannot tell, Temporal's view of the last run on the
 * connection id; a run's own record is never the truth. Pure: the reads happen in discovery.
 */
import { repairCommand } from '../../domain/drift';
import { FailureType } from '../../domain/failures';
import {
  type ConnectionRun,
  type ManagedConnection,
  OPERATION_OF_WORKFLOW_TYPE,
  type RunStatus,
} from '../../domain/inventory';

/** One object of the connection that exists now, as an operator reads it. */
export interface LivePart {
  what: string;
  /**
   * Whether it makes a connection by itself (settings, keystore credential, a valid key, a role).
   * Shared objects (a proxy-CA entry, a trust relationship another connection may use) and keys
   * that no longer work (expired) do not: left alone, they are residue.
   */
  core: boolean;
}

/** The latest run on a connection id, as Temporal describes it. */
export interface RunView {
  workflowId: string;
  runId: string;
  /** Workflow type. */
  type: string;
  status: RunStatus;
  /** The failure type a failed run ended with (read only where it decides something). */
  failureType?: string;
}

export type Classification = Pick<ManagedConnection, 'class' | 'run' | 'leftover'>;

/** Terminated, timed out, or failed because an undo failed: the run did not undo what it made. */
export function endedWithoutUndoing(run: RunView): boolean {
  return (
    run.status === 'terminated' ||
    run.status === 'timed-out' ||
    (run.status === 'failed' && run.failureType === FailureType.CompensationFailed)
  );
}

export function operationOf(run: { type: string }): string {
  return OPERATION_OF_WORKFLOW_TYPE[run.type] ?? run.type;
}

/** Whether the failure type of this failed run decides the class (only when something is left). */
export function needsFailureType(run: RunView, live: readonly LivePart[]): boolean {
  return run.status === 'failed' && live.length > 0;
}

/**
 * Whether what is live was left by `run`. A connect that ended without undoing left it, unless a
 * working key of an earlier run shows the connection was there before (a converging connect). A
 * disconnect that did not finish left what it was asked to remove (a completed disconnect with
 * something of the connection still live had undos fail). Rotate, update-access and migrate change
 * a connection that stays one (their leftovers, a second key, are the audit's drift).
 */
function leftBy(run: RunView, c: ManagedConnection, live: readonly LivePart[]): boolean {
  switch (operationOf(run)) {
    case 'connect':
      return (
        endedWithoutUndoing(run) &&
        !c.keys.some((k) => k.active && k.createdBy !== undefined && k.createdBy.runId !== run.runId)
      );
    case 'disconnect':
      return endedWithoutUndoing(run) || (run.status === 'completed' && live.some((p) => p.core));
    default:
      return false;
  }
}

function runRef(run: RunView): ConnectionRun {
  return { workflowId: run.workflowId, runId: run.runId, operation: operationOf(run), status: run.status };
}

export function classifyConnection(
  c: ManagedConnection,
  live: readonly LivePart[],
  run: RunView | undefined,
): Classification {
  if (run?.status === 'running') return { class: 'in-progress', run: runRef(run) };
  if (run && live.length > 0 && leftBy(run, c, live)) {
    return {
      class: 'leftover',
      run: runRef(run),
      leftover: { left: live.map((p) => p.what), cleanup: repairCommand('disconnect', c) },
    };
  }
  return { class: live.some((p) => p.core) ? 'connection' : 'residue' };
}
