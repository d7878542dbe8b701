/**
 * Approval gates. A gated step waits for one decision before it runs. Decisions arrive as Workflow
 * Updates (`approve` / `reject`, refused synchronously by their validator, so a refused update never
 * enters history) or as Signals (`approvalGranted` / `approvalDenied`) from senders that cannot wait:
 * a signal that fails the same checks is recorded in the audit trail as `refused` and ignored.
 */
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import {
  ApprovalDecision,
  type AuditEntry,
  type ConnectionRequest,
  FailureType,
  RejectionDecision,
  StepId,
  durationToMs,
  fieldErrors,
} from '../domain';
import { approveSignal, approveUpdate, rejectSignal, rejectUpdate } from './messages';
import { type ConnectionProgress } from './progress';

type Outcome = 'approved' | 'rejected';
type Via = AuditEntry['via'];

type Checked =
  | { ok: true; gate: StepId; approver: string; comment?: string }
  | { ok: false; refusal: string; gate?: StepId; approver?: string };

export class ApprovalGates {
  private decision: { outcome: Outcome; entry: AuditEntry } | undefined;

  constructor(
    private readonly request: ConnectionRequest,
    private readonly progress: ConnectionProgress,
  ) {}

  /** Whether the request's approval policy gates this step. */
  gated(step: StepId): boolean {
    return this.request.approval.gates.includes(step);
  }

  /** Registers the update and signal handlers; call once, before the first await. */
  install(): void {
    setHandler(approveUpdate, (decision) => this.decide('approved', decision, 'update'), {
      validator: (decision) => this.assertValid('approved', decision),
    });
    setHandler(rejectUpdate, (decision) => this.decide('rejected', decision, 'update'), {
      validator: (decision) => this.assertValid('rejected', decision),
    });
    setHandler(approveSignal, (decision) => this.onSignal('approved', decision));
    setHandler(rejectSignal, (decision) => this.onSignal('rejected', decision));
  }

  /**
   * Opens the gate for `step` and waits for a decision or the policy's deadline. Returns when
   * approved; throws ApprovalRejected or ApprovalTimeout (the caller rolls back).
   */
  async waitFor(step: StepId): Promise<void> {
    const deadlineMs = durationToMs(this.request.approval.deadline);
    const requestedAt = Date.now();
    const deadline = new Date(requestedAt + deadlineMs).toISOString();
    this.decision = undefined;
    this.progress.gateOpened({ gate: step, requestedAt: new Date(requestedAt).toISOString(), deadline });
    let decided: boolean;
    try {
      decided = await condition(() => this.decision !== undefined, deadlineMs);
    } finally {
      this.progress.gateClosed(step);
    }
    if (!decided) {
      this.progress.audit({ at: new Date().toISOString(), gate: step, decision: 'timed-out', via: 'workflow' });
      throw ApplicationFailure.create({
        type: FailureType.ApprovalTimeout,
        message: `no decision on gate "${step}" before its deadline ${deadline}`,
        nonRetryable: true,
      });
    }
    const { outcome, entry } = this.decision!;
    this.decision = undefined;
    if (outcome === 'rejected') {
      throw ApplicationFailure.create({
        type: FailureType.ApprovalRejected,
        message: `gate "${step}" rejected by ${entry.by}: ${entry.comment ?? ''}`,
        nonRetryable: true,
      });
    }
  }

  /** Synchronous, side-effect-free checks shared by validators and signal handlers. */
  private check(outcome: Outcome, raw: unknown): Checked {
    const parsed = (outcome === 'approved' ? ApprovalDecision : RejectionDecision).safeParse(raw);
    const loose = (raw ?? {}) as { gate?: unknown; approver?: unknown };
    const gate = StepId.safeParse(loose.gate).success ? (loose.gate as StepId) : undefined;
    const approver = typeof loose.approver === 'string' ? loose.approver : undefined;
    if (!parsed.success) {
      const problems = fieldErrors(parsed.error).map((e) => `${e.field}: ${e.message}`);
      return { ok: false, refusal: `invalid decision: ${problems.join('; ')}`, gate, approver };
    }
    const d = parsed.data;
    const pending = this.progress.pendingGate;
    const policy = this.request.approval;
    const refuse = (refusal: string): Checked => ({ ok: false, refusal, gate: d.gate, approver: d.approver });
    if (!pending) return refuse(`gate "${d.gate}" is not awaiting approval (no gate is pending)`);
    if (d.gate !== pending.gate)
      return refuse(`gate "${d.gate}" is not awaiting approval (pending: "${pending.gate}")`);
    if (this.decision) return refuse(`gate "${d.gate}" was already ${this.decision.outcome}`);
    if (!policy.approvers.includes(d.approver)) return refuse(`${d.approver} is not an approver of this connection`);
    if (d.approver === this.request.requestedBy && !policy.allowSelfApproval) {
      return refuse(`${d.approver} requested this connection and may not decide on it (four-eyes rule)`);
    }
    const comment = 'reason' in d ? d.reason : d.comment;
    return { ok: true, gate: d.gate, approver: d.approver, ...(comment !== undefined ? { comment } : {}) };
  }

  private assertValid(outcome: Outcome, raw: unknown): void {
    const checked = this.check(outcome, raw);
    if (!checked.ok) {
      throw ApplicationFailure.create({ type: FailureType.BadRequest, message: checked.refusal, nonRetryable: true });
    }
  }

  private decide(outcome: Outcome, raw: unknown, via: Via): AuditEntry {
    const checked = this.check(outcome, raw);
    // The validator ran just before and nothing ran in between; this guards the signal path only.
    if (!checked.ok) throw ApplicationFailure.create({ type: FailureType.BadRequest, message: checked.refusal });
    const entry: AuditEntry = {
      at: new Date().toISOString(),
      gate: checked.gate,
      decision: outcome,
      by: checked.approver,
      via,
      ...(checked.comment !== undefined ? { comment: checked.comment } : {}),
    };
    this.progress.audit(entry);
    this.decision = { outcome, entry };
    return entry;
  }

  private onSignal(outcome: Outcome, raw: unknown): void {
    const checked = this.check(outcome, raw);
    if (checked.ok) {
      this.decide(outcome, raw, 'signal');
      return;
    }
    this.progress.audit({
      at: new Date().toISOString(),
      // An entry needs a gate: the one named if it is a step id, else the pending one, else the current step.
      gate: checked.gate ?? this.progress.pendingGate?.gate ?? this.progress.currentStep ?? 'preflight',
      decision: 'refused',
      ...(checked.approver !== undefined ? { by: checked.approver } : {}),
      via: 'signal',
      refusal: checked.refusal,
    });
  }
}
