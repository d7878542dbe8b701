/**
 * `crosslink status`: one view of a connection, built from whichever source is available (the
 * progress query of a running workflow, the result of a connected one, the Progress carried in the
 * failure of a rolled-back one), and its plain-text rendering.
 */
import {
  type ConnectionResult,
  type ConnectionState,
  type CreatedResource,
  type Progress,
  type StepStatus,
  STEP_CATALOG,
} from '../../../domain';
import { CANCELLED } from '../../../workflows/failures';
import { durationBetween, formatDeadline, formatDuration, formatTime, renderTable } from './format';

export type StatusSource = 'progress-query' | 'workflow-result' | 'workflow-failure' | 'workflow-description';

export interface StatusView {
  workflowId: string;
  runId?: string;
  /** Temporal's execution status (RUNNING, COMPLETED, FAILED, ...). */
  executionStatus?: string;
  source: StatusSource;
  state: ConnectionState | 'unknown';
  progress?: Progress;
  result?: ConnectionResult;
  /** Why the view is partial (e.g. no worker answered the query). */
  note?: string;
  /** Failure message of a closed run whose details carried no Progress. */
  failure?: string;
  /** The cancellation request in history (`crosslink cancel --reason`): why, who, when. */
  cancelRequest?: CancelRequest;
  /** The fan-out that started this run as one of its pairs, if any. */
  parentWorkflowId?: string;
}

export interface CancelRequest {
  reason?: string;
  /** The Temporal client identity that asked. */
  by?: string;
  at: string;
}

export const TERMINAL_STATES: readonly string[] = ['connected', 'rolled-back', 'failed'];

export function isTerminal(view: StatusView): boolean {
  return (
    TERMINAL_STATES.includes(view.state) || (view.executionStatus !== undefined && view.executionStatus !== 'RUNNING')
  );
}

const STATUS_MARK: Record<StepStatus, string> = {
  pending: ' ',
  'awaiting-approval': '?',
  running: '>',
  succeeded: '✓',
  skipped: '-',
  failed: '✗',
  rejected: '⊘',
  compensating: '<',
  compensated: '↺',
  'compensation-failed': '!',
};

/** `cli`: how to run the CLI in the commands it prints (client/cli/invocation.ts). */
export function renderStatus(view: StatusView, now: Date, cli = 'crosslink'): string {
  const out: string[] = [];
  const p = view.progress;
  out.push(`Connection ${view.workflowId}${view.runId ? ` (run ${view.runId})` : ''}`);
  out.push(
    `State:     ${view.state}${view.executionStatus ? ` (workflow ${view.executionStatus.toLowerCase()})` : ''}`,
  );
  if (p) {
    out.push(`Model:     ${p.model}, alias ${p.alias}`);
    out.push(`Local:     ${p.local.environment}/${p.local.deploymentId}`);
    out.push(`Remote:    ${p.remote.environment}/${p.remote.deploymentId}`);
    out.push(
      `Requested: by ${p.requestedBy} at ${formatTime(p.startedAt)}${p.endedAt ? `, ended ${formatTime(p.endedAt)}` : ''}`,
    );
    if (p.currentStep && !TERMINAL_STATES.includes(p.state)) out.push(`Step:      ${p.currentStep}`);
  } else if (view.result) {
    out.push(`Alias:     ${view.result.alias}`);
  }
  if (view.note) out.push(`Note:      ${view.note}`);

  const steps = stepRows(view, now);
  if (steps.length > 0) {
    out.push('', renderTable(['', 'STEP', 'STATUS', 'ATTEMPTS', 'DURATION', 'DETAIL'], steps));
  }
  if (p?.pendingGate) {
    const g = p.pendingGate;
    out.push(
      '',
      `Waiting for approval of gate "${g.gate}" (${STEP_CATALOG[g.gate].summary}).`,
      `  requested ${formatTime(g.requestedAt)}, deadline ${formatDeadline(g.deadline, now)}`,
      ...approverLines(g),
      `  approve: ${cli} approve ${view.workflowId} ${g.gate} --as <approver> --key <file> [--comment "..."]`,
      `  reject:  ${cli} reject ${view.workflowId} ${g.gate} --as <approver> --key <file> --reason "..."`,
    );
  }
  const created = p?.created ?? view.result?.created ?? [];
  if (created.length > 0) {
    const undone = ['rolled-back', 'compensating', 'failed'].includes(view.state);
    out.push('', undone ? 'Created by this run (undone by the rollback unless listed under LEFT BEHIND):' : 'Created:');
    out.push(renderCreated(created));
  }
  if (view.result) {
    const v = view.result.verification;
    out.push('', `Verified:  proxy ${v.proxyAddress}, server name ${v.serverName}; ${v.probe}`);
  }
  const decisions = (p?.audit ?? []).filter((a) => a.decision !== 'requested');
  if (decisions.length > 0) {
    out.push('', 'Approvals:');
    for (const a of decisions) {
      const extra = a.refusal ? ` (refused: ${a.refusal})` : a.comment ? `: ${a.comment}` : '';
      out.push(`  ${formatTime(a.at)}  ${a.gate}  ${a.decision}${a.by ? ` by ${a.by}` : ''} via ${a.via}${extra}`);
    }
  }
  const cancel = cancelLine(view);
  if (cancel) out.push('', cancel);
  if (p?.reason && p.reason.type !== CANCELLED) {
    out.push('', `Reason:    ${p.reason.type}${p.reason.step ? ` at ${p.reason.step}` : ''}: ${p.reason.message}`);
  }
  if (view.failure) out.push('', `Failure:   ${view.failure}`);
  if (p && p.compensationFailures.length > 0) {
    out.push('', 'LEFT BEHIND (undo failed; clean up by hand):');
    for (const f of p.compensationFailures) out.push(`  ${f.step} (${f.activity}): ${f.message}`);
  }
  return out.join('\n');
}

/** Why the run was cancelled: the operator's words from history when there, else what the progress says. */
function cancelLine(view: StatusView): string | undefined {
  const c = view.cancelRequest;
  if (c) {
    const who = [c.by ? `by ${c.by}` : '', c.at ? `at ${formatTime(c.at)}` : ''].filter(Boolean).join(' ');
    return `Cancelled: ${c.reason ?? '(no reason given)'}${who ? ` (requested ${who})` : ''}`;
  }
  const reason = view.progress?.reason;
  return reason?.type === CANCELLED ? `Cancelled: ${reason.message}` : undefined;
}

function stepRows(view: StatusView, now: Date): string[][] {
  if (view.progress) {
    return view.progress.steps.map((s) => {
      const end =
        s.endedAt ??
        (s.startedAt && (s.status === 'running' || s.status === 'compensating') ? now.toISOString() : undefined);
      const ms = durationBetween(s.startedAt, end);
      return [
        STATUS_MARK[s.status],
        s.id,
        s.status,
        s.attempts > 0 ? String(s.attempts) : '-',
        ms === undefined ? '-' : formatDuration(ms),
        s.detail ?? '',
      ];
    });
  }
  if (view.result) {
    return view.result.steps.map((s) => [
      STATUS_MARK[s.status],
      s.id,
      s.status,
      s.attempts > 0 ? String(s.attempts) : '-',
      s.durationMs === undefined ? '-' : formatDuration(s.durationMs),
      '',
    ]);
  }
  return [];
}

function renderCreated(created: readonly CreatedResource[]): string {
  return renderTable(
    ['STEP', 'WHERE', 'KIND', 'ID', 'DESCRIPTION'],
    created.map((c) => [
      c.step,
      c.deploymentId ? `${c.environment}/${c.deploymentId}` : c.environment,
      c.kind,
      c.id,
      c.description,
    ]),
  );
}

/** Who may decide the pending gate, from the worker's approval policy. */
function approverLines(g: NonNullable<Progress['pendingGate']>): string[] {
  if (!g.approvers)
    return ["  approvers: as the worker's approval policy lists them (shown once a worker has reported them)"];
  const done = g.approvedBy ?? [];
  return g.approvers.groups.map(
    (group) =>
      `  approvers (${group.scope}): ${group.required} of ${group.approvers.join(', ')}` +
      (done.length > 0 ? `; approved so far: ${done.join(', ')}` : ''),
  );
}
