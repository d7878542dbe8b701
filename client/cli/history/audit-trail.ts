/**
 * The business audit trail of one connection, read from its workflow history: who requested it,
 * every approval or rejection (update or signal) with the identities and comments, each step's
 * outcome, and how the run ended. Pure: takes a history (live or recorded) and returns entries.
 */
import { type Payload, defaultPayloadConverter } from '@temporalio/common';
import { type temporal } from '@temporalio/proto';
import {
  GATE_SEARCH_ATTRIBUTES,
  OPERATION_OF_WORKFLOW_TYPE,
  SEARCH_ATTRIBUTES,
  SecurityModel,
  gatesOfModel,
} from '../../../domain';
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
      /** connect, update-access, rotate, disconnect (from the workflow type). */
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
/** The read of what a gate lets through: part of the gate (its progress shows it), not a step. */
const DESCRIBE_ACTIVITY = 'describeChange';

const DECISION_NAMES: Record<string, 'approve' | 'reject'> = {
  approve: 'approve',
  reject: 'reject',
  approvalGranted: 'approve',
  approvalDenied: 'reject',
};

export function auditTrailFromHistory(history: History, workflowId?: string): AuditTrail {
  const reader = new TrailReader();
  for (const event of history.events ?? []) reader.read(event);
  return { workflowId, entries: reader.entries };
}

type StepEntry = Extract<TrailEntry, { kind: 'step' }>;
type DecisionEntry = Extract<TrailEntry, { kind: 'decision' }>;

/** Reads a history event by event into trail entries; one method per kind of event. */
class TrailReader {
  readonly entries: TrailEntry[] = [];
  private readonly scheduled = new Map<string, StepEntry>();
  private readonly attempts = new Map<string, number>();
  private readonly updates = new Map<string, DecisionEntry>();
  /** verifyApprovalDecision scheduled event id -> the decision it checks. */
  private readonly checks = new Map<string, DecisionEntry>();
  /** The search attributes as upserted so far (an upsert names only what changed). */
  private readonly attributes = new Map<string, string>();
  private lastGate: string | undefined;

  read(event: HistoryEvent): void {
    const at = eventTime(event);
    const id = String(event.eventId ?? '');
    if (event.workflowExecutionStartedEventAttributes)
      this.requested(at, event.workflowExecutionStartedEventAttributes);
    else if (event.activityTaskScheduledEventAttributes)
      this.activityScheduled(at, id, event.activityTaskScheduledEventAttributes);
    else if (event.activityTaskStartedEventAttributes) {
      const a = event.activityTaskStartedEventAttributes;
      this.attempts.set(String(a.scheduledEventId), a.attempt ?? 1);
    } else if (event.activityTaskCompletedEventAttributes)
      this.activityCompleted(event.activityTaskCompletedEventAttributes);
    else if (event.activityTaskFailedEventAttributes) {
      const a = event.activityTaskFailedEventAttributes;
      const entry = this.finishStep(a.scheduledEventId, 'failed');
      if (entry) entry.failure = failureSummary(a.failure);
    } else if (event.activityTaskTimedOutEventAttributes) {
      const a = event.activityTaskTimedOutEventAttributes;
      const entry = this.finishStep(a.scheduledEventId, 'timed-out');
      if (entry) entry.failure = failureSummary(a.failure);
    } else if (event.activityTaskCanceledEventAttributes) {
      this.finishStep(event.activityTaskCanceledEventAttributes.scheduledEventId, 'cancelled');
    } else if (event.upsertWorkflowSearchAttributesEventAttributes) {
      this.searchAttributes(
        at,
        event.upsertWorkflowSearchAttributesEventAttributes.searchAttributes?.indexedFields ?? {},
      );
    } else if (event.workflowExecutionUpdateAcceptedEventAttributes) {
      this.updateAccepted(at, id, event.workflowExecutionUpdateAcceptedEventAttributes);
    } else if (event.workflowExecutionUpdateCompletedEventAttributes) {
      this.updateCompleted(event.workflowExecutionUpdateCompletedEventAttributes);
    } else if (event.workflowExecutionSignaledEventAttributes) {
      const a = event.workflowExecutionSignaledEventAttributes;
      const decision = DECISION_NAMES[a.signalName ?? ''];
      if (decision)
        this.entries.push(decisionEntry(at, decision, 'signal', decode(a.input?.payloads?.[0]), a.identity));
    } else if (event.workflowExecutionCancelRequestedEventAttributes) {
      const a = event.workflowExecutionCancelRequestedEventAttributes;
      this.entries.push({ at, kind: 'cancel-requested', by: a.identity || undefined, cause: a.cause || undefined });
    } else {
      const closed = closing(at, event);
      if (closed) this.entries.push(closed);
    }
  }

  /** Who asked for what: the start event's input (a connection request, or a lifecycle request). */
  private requested(at: string, a: NonNullable<HistoryEvent['workflowExecutionStartedEventAttributes']>): void {
    const req = asRecord(decode(a.input?.payloads?.[0]));
    const approval = asRecord(req?.approval);
    this.entries.push({
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
      gates: gatesOfRequest(strings(approval?.gates), str(req?.securityModel)),
    });
  }

  /** A step's activity, or the check of a decision (verifyApprovalDecision), which is no step. */
  private activityScheduled(
    at: string,
    id: string,
    a: NonNullable<HistoryEvent['activityTaskScheduledEventAttributes']>,
  ): void {
    const activity = a.activityType?.name ?? 'unknown';
    const input = asRecord(decode(a.input?.payloads?.[0]));
    if (activity === VERIFY_ACTIVITY) {
      // Handlers run in arrival order, so the oldest unchecked decision of that approver and gate is the one checked.
      const checked = this.entries.find(
        (e): e is DecisionEntry =>
          e.kind === 'decision' && !e.checked && e.approver === str(input?.approver) && e.gate === str(input?.gate),
      );
      if (checked) {
        checked.checked = true;
        this.checks.set(id, checked);
      }
      return;
    }
    if (activity === DESCRIBE_ACTIVITY) return;
    const step = stepOfActivity(activity);
    const entry: StepEntry = {
      at,
      kind: 'step',
      step: step?.step,
      activity,
      undo: step?.undo ?? false,
      side: str(input?.side),
      outcome: 'running',
    };
    this.scheduled.set(id, entry);
    this.entries.push(entry);
  }

  private activityCompleted(a: NonNullable<HistoryEvent['activityTaskCompletedEventAttributes']>): void {
    const result = asRecord(decode(a.result?.payloads?.[0]));
    const check = this.checks.get(String(a.scheduledEventId));
    if (check) {
      // A signal's only trace of the workflow's verdict; an update's result says it again.
      check.result =
        result?.accepted === true
          ? check.decision === 'approve'
            ? 'approved'
            : 'rejected'
          : `refused: ${str(result?.reason) ?? 'no reason given'}`;
      return;
    }
    const entry = this.finishStep(a.scheduledEventId, 'completed');
    if (entry) entry.detail = str(result?.detail);
  }

  /** A gate opens when the run starts awaiting approval (CrosslinkGate names it; older runs: the step). */
  private searchAttributes(at: string, fields: Record<string, Payload>): void {
    for (const [name, payload] of Object.entries(fields)) {
      const value = keyword(payload);
      if (value === undefined) this.attributes.delete(name);
      else this.attributes.set(name, value);
    }
    const state = this.attributes.get(SEARCH_ATTRIBUTES.state);
    const gate = this.attributes.get(GATE_SEARCH_ATTRIBUTES.gate) ?? this.attributes.get(SEARCH_ATTRIBUTES.step);
    if (state === 'awaiting-approval' && gate && gate !== this.lastGate) {
      this.entries.push({ at, kind: 'gate-opened', gate });
      this.lastGate = gate;
    } else if (state !== 'awaiting-approval') {
      this.lastGate = undefined;
    }
  }

  private updateAccepted(
    at: string,
    id: string,
    a: NonNullable<HistoryEvent['workflowExecutionUpdateAcceptedEventAttributes']>,
  ): void {
    const req = a.acceptedRequest;
    const decision = DECISION_NAMES[req?.input?.name ?? ''];
    if (!decision) return;
    const entry = decisionEntry(at, decision, 'update', decode(req?.input?.args?.payloads?.[0]), req?.meta?.identity);
    entry.outcome = 'accepted';
    this.updates.set(req?.meta?.updateId ?? id, entry);
    this.entries.push(entry);
  }

  private updateCompleted(a: NonNullable<HistoryEvent['workflowExecutionUpdateCompletedEventAttributes']>): void {
    const entry = this.updates.get(a.meta?.updateId ?? '');
    if (!entry) return;
    if (a.outcome?.failure) {
      entry.outcome = 'failed';
      entry.result = a.outcome.failure.message ?? 'failed';
      return;
    }
    entry.outcome = 'completed';
    const audit = asRecord(decode(a.outcome?.success?.payloads?.[0]));
    entry.result = str(audit?.refusal) ? `refused: ${str(audit?.refusal)}` : str(audit?.decision);
  }

  private finishStep(scheduledEventId: unknown, outcome: StepOutcome): StepEntry | undefined {
    const key = String(scheduledEventId ?? '');
    const entry = this.scheduled.get(key);
    if (!entry) return undefined;
    entry.outcome = outcome;
    entry.attempt = this.attempts.get(key);
    return entry;
  }
}

/** How the run ended, from its closing event; undefined for any other event. */
function closing(at: string, event: HistoryEvent): TrailEntry | undefined {
  if (event.workflowExecutionCompletedEventAttributes) {
    const result = asRecord(decode(event.workflowExecutionCompletedEventAttributes.result?.payloads?.[0]));
    return { at, kind: 'closed', ...completion(result) };
  }
  if (event.workflowExecutionFailedEventAttributes) {
    const failure = event.workflowExecutionFailedEventAttributes.failure;
    const progress = asRecord(decode(failure?.applicationFailureInfo?.details?.payloads?.[0]));
    const reason = asRecord(progress?.reason);
    return {
      at,
      kind: 'closed',
      outcome: progress?.state === 'rolled-back' ? 'rolled-back' : 'failed',
      message: str(reason?.message) ?? failure?.message ?? undefined,
    };
  }
  if (event.workflowExecutionCanceledEventAttributes) return { at, kind: 'closed', outcome: 'cancelled' };
  if (event.workflowExecutionTerminatedEventAttributes) {
    const a = event.workflowExecutionTerminatedEventAttributes;
    return {
      at,
      kind: 'closed',
      outcome: 'terminated',
      message: [a.reason, a.identity ? `by ${a.identity}` : ''].filter(Boolean).join(' ') || undefined,
    };
  }
  if (event.workflowExecutionTimedOutEventAttributes) return { at, kind: 'closed', outcome: 'timed-out' };
  if (event.workflowExecutionContinuedAsNewEventAttributes) return { at, kind: 'closed', outcome: 'continued-as-new' };
  return undefined;
}

/** How a run that completed ended: its result's state, and what a lifecycle operation changed. */
function completion(result: Record<string, unknown> | undefined): { outcome: CloseOutcome; message?: string } {
  const state = str(result?.state);
  const outcome: CloseOutcome = state === 'connected' || state === 'disconnected' ? state : 'completed';
  if (Array.isArray(result?.removed)) {
    // A disconnect: what went, what stayed and why.
    const removed = result.removed.map((r) => str(asRecord(r)?.description) ?? str(asRecord(r)?.id) ?? '?');
    const kept = (Array.isArray(result.kept) ? result.kept : []).map((k) => {
      const item = asRecord(k);
      return `${str(asRecord(item?.resource)?.description) ?? '?'} (${str(item?.reason) ?? 'no reason given'})`;
    });
    const parts = [removed.length ? `removed ${removed.join('; ')}` : 'removed nothing'];
    if (kept.length) parts.push(`kept ${kept.join('; ')}`);
    return { outcome, message: parts.join('. ') };
  }
  const changes = strings(result?.changes).filter(Boolean);
  return changes.length ? { outcome, message: changes.join('; ') } : { outcome };
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

/** The requested gates that can open for the request's model (all of them when the model is unknown). */
function gatesOfRequest(gates: string[], model: string | undefined): string[] {
  const parsed = SecurityModel.safeParse(model);
  return parsed.success ? gatesOfModel(gates, parsed.data) : gates;
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
