/**
 * The business audit trail of one connection, read from its workflow history: who requested it,
 * every approval or rejection (update or signal) with the identities and comments, each step's
 * outcome, and how the run ended. Pure: takes a history (live or recorded) and returns entries.
 */
import { type Payload, defaultPayloadConverter } from '@temporalio/common';
import { type temporal } from '@temporalio/proto';
import { OPERATION_OF_WORKFLOW_TYPE, SEARCH_ATTRIBUTES } from '../../../domain';
import { stepOfActivity } from '../../../domain/activity-steps';

type History = temporal.api.history.v1.IHistory;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Failure = temporal.api.failure.v1.IFailure;

export type StepOutcome = 'completed' | 'failed' | 'timed-out' | 'cancelled' | 'running';
export type CloseOutcome =
  | 'connected'
  | 'disconnected'
  | 'completed'
  | 'rolled-back'
  | 'failed'
  | 'cancelled'
  | 'terminated'
  | 'timed-out'
  | 'continued-as-new';

export type TrailEntry =
  | {
      at: string;
      kind: 'requested';
      /** connect, update-access, rotate, disconnect, migrate (from the workflow type). */
      operation?: string;
      /** The connection id a disconnect names (the other requests name their sides). */
      connection?: string;
      reason?: string;
      by?: string;
      model?: string;
      local?: string;
      remote?: string;
      alias?: string;
      /** Gates the request added (the worker's policy may add more). */
      gates: string[];
    }
  | { at: string; kind: 'gate-opened'; gate: string }
  | {
      at: string;
      kind: 'step';
      step?: string;
      activity: string;
      undo: boolean;
      side?: string;
      outcome: StepOutcome;
      attempt?: number;
      detail?: string;
      failure?: { type?: string; message: string };
    }
  | {
      at: string;
      kind: 'decision';
      decision: 'approve' | 'reject';
      via: 'update' | 'signal';
      gate?: string;
      approver?: string;
      comment?: string;
      reason?: string;
      /** Temporal client identity that sent it (process@host, or what the client set). */
      client?: string;
      /** Update: accepted, then completed or failed; signal: received (the workflow decides). */
      outcome: 'accepted' | 'completed' | 'failed' | 'received';
      /** What the workflow recorded (approved, rejected, "refused: why") or why the update failed. */
      result?: string;
      /** Whether a verifyApprovalDecision activity checked it. */
      checked?: boolean;
    }
  | { at: string; kind: 'cancel-requested'; by?: string; cause?: string }
  | { at: string; kind: 'closed'; outcome: CloseOutcome; message?: string };

export interface AuditTrail {
  workflowId?: string;
  entries: TrailEntry[];
}

const VERIFY_ACTIVITY = 'verifyApprovalDecision';

const DECISION_NAMES: Record<string, 'approve' | 'reject'> = {
  approve: 'approve',
  reject: 'reject',
  approvalGranted: 'approve',
  approvalDenied: 'reject',
};

export function auditTrailFromHistory(history: History, workflowId?: string): AuditTrail {
  const entries: TrailEntry[] = [];
  const scheduled = new Map<string, Extract<TrailEntry, { kind: 'step' }>>();
  const attempts = new Map<string, number>();
  const updates = new Map<string, Extract<TrailEntry, { kind: 'decision' }>>();
  /** verifyApprovalDecision scheduled event id -> the decision it checks. */
  const checks = new Map<string, Extract<TrailEntry, { kind: 'decision' }>>();
  let lastGate: string | undefined;

  for (const event of history.events ?? []) {
    const at = eventTime(event);
    const id = String(event.eventId ?? '');

    if (event.workflowExecutionStartedEventAttributes) {
      const a = event.workflowExecutionStartedEventAttributes;
      const req = asRecord(decode(a.input?.payloads?.[0]));
      const approval = asRecord(req?.approval);
      entries.push({
        at,
        kind: 'requested',
        operation: OPERATION_OF_WORKFLOW_TYPE[a.workflowType?.name ?? ''] ?? str(a.workflowType?.name),
        connection: str(req?.connectionId),
        reason: str(req?.reason),
        by: str(req?.requestedBy),
        model: str(req?.securityModel),
        local: sideName(req?.local),
        remote: sideName(req?.remote),
        alias: str(req?.alias),
        gates: strings(approval?.gates),
      });
    } else if (event.activityTaskScheduledEventAttributes?.activityType?.name === VERIFY_ACTIVITY) {
      const input = asRecord(decode(event.activityTaskScheduledEventAttributes.input?.payloads?.[0]));
      // Handlers run in arrival order, so the oldest unchecked decision of that approver and gate is the one checked.
      const checked = entries.find(
        (e): e is Extract<TrailEntry, { kind: 'decision' }> =>
          e.kind === 'decision' && !e.checked && e.approver === str(input?.approver) && e.gate === str(input?.gate),
      );
      if (checked) {
        checked.checked = true;
        checks.set(id, checked);
      }
    } else if (
      event.activityTaskCompletedEventAttributes &&
      checks.has(String(event.activityTaskCompletedEventAttributes.scheduledEventId))
    ) {
      const a = event.activityTaskCompletedEventAttributes;
      const entry = checks.get(String(a.scheduledEventId))!;
      const verdict = asRecord(decode(a.result?.payloads?.[0]));
      // A signal's only trace of the workflow's verdict; an update's result says it again.
      entry.result =
        verdict?.accepted === true
          ? entry.decision === 'approve'
            ? 'approved'
            : 'rejected'
          : `refused: ${str(verdict?.reason) ?? 'no reason given'}`;
    } else if (event.activityTaskScheduledEventAttributes) {
      const a = event.activityTaskScheduledEventAttributes;
      const activity = a.activityType?.name ?? 'unknown';
      const step = stepOfActivity(activity);
      const input = asRecord(decode(a.input?.payloads?.[0]));
      const entry: Extract<TrailEntry, { kind: 'step' }> = {
        at,
        kind: 'step',
        step: step?.step,
        activity,
        undo: step?.undo ?? false,
        side: str(input?.side),
        outcome: 'running',
      };
      scheduled.set(id, entry);
      entries.push(entry);
    } else if (event.activityTaskStartedEventAttributes) {
      const a = event.activityTaskStartedEventAttributes;
      attempts.set(String(a.scheduledEventId), a.attempt ?? 1);
    } else if (event.activityTaskCompletedEventAttributes) {
      const a = event.activityTaskCompletedEventAttributes;
      const entry = finishStep(a.scheduledEventId, 'completed', at);
      if (entry) entry.detail = str(asRecord(decode(a.result?.payloads?.[0]))?.detail);
    } else if (event.activityTaskFailedEventAttributes) {
      const a = event.activityTaskFailedEventAttributes;
      const entry = finishStep(a.scheduledEventId, 'failed', at);
      if (entry) entry.failure = failureSummary(a.failure);
    } else if (event.activityTaskTimedOutEventAttributes) {
      const a = event.activityTaskTimedOutEventAttributes;
      const entry = finishStep(a.scheduledEventId, 'timed-out', at);
      if (entry) entry.failure = failureSummary(a.failure);
    } else if (event.activityTaskCanceledEventAttributes) {
      finishStep(event.activityTaskCanceledEventAttributes.scheduledEventId, 'cancelled', at);
    } else if (event.upsertWorkflowSearchAttributesEventAttributes) {
      const fields = event.upsertWorkflowSearchAttributesEventAttributes.searchAttributes?.indexedFields ?? {};
      const state = keyword(fields[SEARCH_ATTRIBUTES.state]);
      const step = keyword(fields[SEARCH_ATTRIBUTES.step]);
      if (state === 'awaiting-approval' && step && step !== lastGate) {
        entries.push({ at, kind: 'gate-opened', gate: step });
        lastGate = step;
      } else if (state && state !== 'awaiting-approval') {
        lastGate = undefined;
      }
    } else if (event.workflowExecutionUpdateAcceptedEventAttributes) {
      const req = event.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest;
      const name = req?.input?.name ?? '';
      const decision = DECISION_NAMES[name];
      if (!decision) continue;
      const entry = decisionEntry(at, decision, 'update', decode(req?.input?.args?.payloads?.[0]), req?.meta?.identity);
      entry.outcome = 'accepted';
      updates.set(req?.meta?.updateId ?? id, entry);
      entries.push(entry);
    } else if (event.workflowExecutionUpdateCompletedEventAttributes) {
      const a = event.workflowExecutionUpdateCompletedEventAttributes;
      const entry = updates.get(a.meta?.updateId ?? '');
      if (!entry) continue;
      if (a.outcome?.failure) {
        entry.outcome = 'failed';
        entry.result = a.outcome.failure.message ?? 'failed';
      } else {
        entry.outcome = 'completed';
        const audit = asRecord(decode(a.outcome?.success?.payloads?.[0]));
        entry.result = str(audit?.refusal) ? `refused: ${str(audit?.refusal)}` : str(audit?.decision);
      }
    } else if (event.workflowExecutionSignaledEventAttributes) {
      const a = event.workflowExecutionSignaledEventAttributes;
      const decision = DECISION_NAMES[a.signalName ?? ''];
      if (!decision) continue;
      entries.push(decisionEntry(at, decision, 'signal', decode(a.input?.payloads?.[0]), a.identity));
    } else if (event.workflowExecutionCancelRequestedEventAttributes) {
      const a = event.workflowExecutionCancelRequestedEventAttributes;
      entries.push({ at, kind: 'cancel-requested', by: a.identity || undefined, cause: a.cause || undefined });
    } else if (event.workflowExecutionCompletedEventAttributes) {
      const result = asRecord(decode(event.workflowExecutionCompletedEventAttributes.result?.payloads?.[0]));
      entries.push({ at, kind: 'closed', ...completion(result) });
    } else if (event.workflowExecutionFailedEventAttributes) {
      const failure = event.workflowExecutionFailedEventAttributes.failure;
      const progress = asRecord(decode(failure?.applicationFailureInfo?.details?.payloads?.[0]));
      const reason = asRecord(progress?.reason);
      entries.push({
        at,
        kind: 'closed',
        outcome: progress?.state === 'rolled-back' ? 'rolled-back' : 'failed',
        message: str(reason?.message) ?? failure?.message ?? undefined,
      });
    } else if (event.workflowExecutionCanceledEventAttributes) {
      entries.push({ at, kind: 'closed', outcome: 'cancelled' });
    } else if (event.workflowExecutionTerminatedEventAttributes) {
      const a = event.workflowExecutionTerminatedEventAttributes;
      entries.push({
        at,
        kind: 'closed',
        outcome: 'terminated',
        message: [a.reason, a.identity ? `by ${a.identity}` : ''].filter(Boolean).join(' ') || undefined,
      });
    } else if (event.workflowExecutionTimedOutEventAttributes) {
      entries.push({ at, kind: 'closed', outcome: 'timed-out' });
    } else if (event.workflowExecutionContinuedAsNewEventAttributes) {
      entries.push({ at, kind: 'closed', outcome: 'continued-as-new' });
    }
  }
  return { workflowId, entries };

  function finishStep(scheduledEventId: unknown, outcome: StepOutcome, _at: string) {
    const key = String(scheduledEventId ?? '');
    const entry = scheduled.get(key);
    if (!entry) return undefined;
    entry.outcome = outcome;
    entry.attempt = attempts.get(key);
    return entry;
  }
}

/** How a run that completed ended: its result's state, and what a lifecycle operation changed. */
function completion(result: Record<string, unknown> | undefined): { outcome: CloseOutcome; message?: string } {
  const state = str(result?.state);
  const outcome: CloseOutcome = state === 'connected' || state === 'disconnected' ? state : 'completed';
  const changes = strings(result?.changes).filter(Boolean);
  const parts = changes.length ? [changes.join('; ')] : [];
  if (Array.isArray(result?.removed)) {
    // A disconnect (or a migration's retired certificate trust): what went, what stayed and why.
    const removed = result.removed.map((r) => str(asRecord(r)?.description) ?? str(asRecord(r)?.id) ?? '?');
    const kept = (Array.isArray(result.kept) ? result.kept : []).map((k) => {
      const item = asRecord(k);
      return `${str(asRecord(item?.resource)?.description) ?? '?'} (${str(item?.reason) ?? 'no reason given'})`;
    });
    parts.push(removed.length ? `removed ${removed.join('; ')}` : 'removed nothing');
    if (kept.length) parts.push(`kept ${kept.join('; ')}`);
  }
  return parts.length ? { outcome, message: parts.join('. ') } : { outcome };
}

function decisionEntry(
  at: string,
  decision: 'approve' | 'reject',
  via: 'update' | 'signal',
  payload: unknown,
  identity: string | null | undefined,
): Extract<TrailEntry, { kind: 'decision' }> {
  const d = asRecord(payload);
  return {
    at,
    kind: 'decision',
    decision,
    via,
    gate: str(d?.gate),
    approver: str(d?.approver),
    comment: str(d?.comment),
    reason: str(d?.reason),
    client: identity || undefined,
    outcome: 'received',
  };
}

function failureSummary(failure: Failure | null | undefined): { type?: string; message: string } | undefined {
  if (!failure) return undefined;
  // An activity failure wraps the cause; the innermost ApplicationFailure says what went wrong.
  let f: Failure = failure;
  while (f.cause && !f.applicationFailureInfo) f = f.cause;
  return { type: f.applicationFailureInfo?.type || undefined, message: f.message ?? failure.message ?? '' };
}

function decode(payload: Payload | null | undefined): unknown {
  if (!payload) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(payload);
  } catch {
    return undefined;
  }
}

function keyword(payload: Payload | null | undefined): string | undefined {
  const v = decode(payload);
  return Array.isArray(v) ? str(v[0]) : str(v);
}

function eventTime(event: HistoryEvent): string {
  const t = event.eventTime;
  if (!t) return '';
  const seconds = t.seconds as unknown as number | { toNumber(): number } | null | undefined;
  const whole = typeof seconds === 'object' && seconds !== null ? seconds.toNumber() : Number(seconds ?? 0);
  const ms = whole * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
  return new Date(ms).toISOString();
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function sideName(v: unknown): string | undefined {
  const r = asRecord(v);
  return r ? `${str(r.environment) ?? '?'}/${str(r.deploymentId) ?? '?'}` : undefined;
}
