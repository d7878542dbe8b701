/**
 * `crosslink status`: one view of a connection, built from whichever source is available (the
 * progress query of a running workflow, the result of a connected one, the Progress carried in the
 * failure of a rolled-back one), and its plain-text rendering.
 */
import {
  type ConnectionClass,
  type ConnectionResult,
  type ConnectionRun,
  type ConnectionState,
  type CreatedResource,
  type Health,
  type Progress,
  type StepStatus,
  STEP_CATALOG,
} from '../../../domain';
import { CANCELLED } from '../../../workflows/failures';
import { durationBetween, formatDeadline, formatDuration, formatTime, renderTable } from './format';
import { renderChange } from './change';

export type StatusSource = 'progress-query' | 'workflow-result' | 'workflow-failure' | 'workflow-description';

/**
 * A run that ended without undoing what it created (terminated, timed out, or its undos failed):
 * what it created and undid (from its history), what is there now (from the inventory), the cleanup.
 */
export interface EndedRunView {
  ended: 'terminated' | 'timed-out' | 'undo-failed';
  closedAt?: string;
  created: CreatedResource[];
  undone: CreatedResource[];
  undoFailures: Array<{ activity: string; message: string }>;
  now:
    | {
        source: 'inventory';
        discoveredAt: string;
        /** Absent: no mark of the connection was found. */
        class?: ConnectionClass;
        health?: Health;
        /** What the inventory says is left (a leftover's objects). */
        left: string[];
        /** The run the inventory found open on the id, or the one that left the objects. */
        run?: ConnectionRun;
        /** The inventory could not read Temporal's view of the runs: a leftover may show as a connection. */
        runsUnread?: string;
        note?: string;
      }
    | { source: 'unread'; reason: string };
  /** The command that removes what the run left. */
  cleanup: string;
}

export interface StatusView {
  workflowId: string;
  runId?: string;
  /** Temporal's execution status (RUNNING, COMPLETED, FAILED, ...). */
  executionStatus?: string;
  /** When the run closed. */
  closedAt?: string;
  source: StatusSource;
  /** `terminated` and `timed-out`: how the run ended, whatever step it had reached. */
  state: ConnectionState | 'terminated' | 'timed-out' | 'unknown';
  /** Set when the run ended without undoing what it created. */
  ended?: EndedRunView;
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

export const TERMINAL_STATES: readonly string[] = ['connected', 'rolled-back', 'failed', 'terminated', 'timed-out'];

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
      ...(g.change ? [renderChange(g.change, '  ')] : []),
      `  approve: ${cli} approve ${view.workflowId} ${g.gate} --as <approver> --key <file>${g.change ? ` --digest ${g.change.digest}` : ''} [--comment "..."]`,
      `  reject:  ${cli} reject ${view.workflowId} ${g.gate} --as <approver> --key <file> --reason "..."`,
    );
  }
  const created = p?.created ?? view.result?.created ?? [];
  if (view.ended) {
    out.push(...renderEnded(view.ended, now));
  } else if (created.length > 0) {
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
  if (p && p.compensationFailures.length > 0 && !view.ended) {
    out.push('', 'LEFT BEHIND (undo failed; clean up by hand):');
    for (const f of p.compensationFailures) out.push(`  ${f.step} (${f.activity}): ${f.message}`);
  }
  if (view.ended) {
    out.push('', needsCleanup(view.ended) ? `Clean up:  ${view.ended.cleanup}` : 'Clean up:  nothing to clean up.');
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

/** Something is, or may be, left: a leftover, a connection under the id, or an inventory that could not be read. */
function needsCleanup(e: EndedRunView): boolean {
  return e.now.source === 'unread' || e.now.class === 'leftover' || e.now.class === 'connection';
}

const ENDED: Record<EndedRunView['ended'], string> = {
  terminated: 'was terminated',
  'timed-out': 'timed out',
  'undo-failed': 'failed and some of its undos failed',
};

/** What an ended run created, what was undone, what is there now. */
function renderEnded(e: EndedRunView, now: Date): string[] {
  const out = [
    '',
    `This run ${ENDED[e.ended]}${e.closedAt ? ` at ${formatTime(e.closedAt)}` : ''}: it did not undo what it created.`,
  ];
  out.push('', e.created.length ? 'Created by this run (from its history):' : 'Created by this run: nothing.');
  if (e.created.length) out.push(renderCreated(e.created));
  out.push('', e.undone.length ? 'Undone:' : 'Undone: nothing.');
  if (e.undone.length) out.push(renderCreated(e.undone));
  for (const f of e.undoFailures) out.push(`  undo failed: ${f.activity}: ${f.message}`);
  out.push('', ...stillThere(e, now));
  return out;
}

function stillThere(e: EndedRunView, now: Date): string[] {
  const n = e.now;
  if (n.source === 'unread') {
    return [`Still there now: cannot be read (${n.reason}); \`crosslink connections\` shows it once a worker runs.`];
  }
  const ago = Math.max(0, Math.round((now.getTime() - Date.parse(n.discoveredAt)) / 1000));
  const head = `Still there now (the inventory, discovered ${formatTime(n.discoveredAt)}, ${ago}s ago)`;
  const out: string[] = [];
  if (n.class === 'leftover') {
    out.push(`${head}:`, ...n.left.map((item) => `  - ${item}`));
  } else if (n.class === 'connection') {
    out.push(
      `${head}: a connection (health ${n.health ?? '?'}) is registered under this id; if it should not exist, clean it up.`,
    );
  } else if (n.class === 'in-progress') {
    out.push(`${head}: a newer run is open on this id${n.run ? ` (${n.run.operation ?? 'run'} ${n.run.runId})` : ''}.`);
  } else {
    out.push(
      `${head}: nothing${n.class === 'residue' ? ' but residue (marks the systems keep for a while)' : ''}; nothing to clean up.`,
    );
  }
  if (n.runsUnread) out.push(`  (the inventory could not read Temporal's view of the runs: ${n.runsUnread})`);
  if (n.note) out.push(`  (${n.note})`);
  return out;
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
