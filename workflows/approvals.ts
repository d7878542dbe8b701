/**
 * Approval gates. A gated step waits for its decision before it runs. Who may decide is the
 * worker's approval policy (reported by preflight), never the request; a decision counts only when
 * the `verifyApprovalDecision` activity has checked its signed token against that policy, so the
 * check (crypto, configuration) stays out of workflow code and its outcome is in history.
 *
 * Decisions arrive as Workflow Updates (`approve` / `reject`) or Signals (`approvalGranted` /
 * `approvalDenied`) carrying the same token. The update validator refuses only what cannot be a
 * decision on the pending gate (malformed, wrong gate, already decided); every other refusal
 * (unsigned, forged, expired, not an approver, four-eyes) is recorded in the audit trail as
 * `refused` and is the update's result, so it is visible in history, the Web UI and `crosslink history`.
 */
import {
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  ApprovalDecision,
  type AuditEntry,
  type ConnectionApprovals,
  type ConnectionRequest,
  FailureType,
  type CrosslinkActivities,
  type GateApprovers,
  type GateChange,
  RejectionDecision,
  StepId,
  type VerifyDecisionResult,
  durationToMs,
  fieldErrors,
} from '../domain';
import { activityOptions } from './activity-timing';
import { approveSignal, approveUpdate, rejectSignal, rejectUpdate } from './messages';
import { approversText } from './details';
import { type Notifier } from './notifier';
import { type ConnectionProgress } from './progress';

/**
 * Runs recorded before signed decisions took decisions in the handler without an activity: their
 * histories replay on the legacy path. patched() is true whenever the code is not replaying, so
 * every decision a worker takes now (in old runs too) goes through verification.
 */
export const PROVEN_APPROVALS_PATCH = 'proven-approvals';

type Outcome = 'approved' | 'rejected';
type Via = AuditEntry['via'];

interface Parsed {
  gate: StepId;
  approver: string;
  text?: string;
  token?: string;
}

type Checked = { ok: true; d: Parsed } | { ok: false; refusal: string; gate?: StepId; approver?: string };

export class ApprovalGates {
  private decision: { outcome: Outcome; entry: AuditEntry } | undefined;
  private policy: ConnectionApprovals | undefined;
  /** Approvers whose approval of the pending gate counted (a gate may need several). */
  private approvedBy: string[] = [];
  private readonly usedTokenIds: string[] = [];

  constructor(
    private readonly request: ConnectionRequest,
    private readonly progress: ConnectionProgress,
    private readonly notifier?: Notifier,
  ) {}

  /** Takes the worker's policy for this connection as preflight reported it (absent in older runs). */
  adopt(approvals: ConnectionApprovals | undefined): void {
    this.policy = approvals;
  }

  /** Whether the policy or the request gates this step (the request can add gates, never remove them). */
  gated(step: StepId): boolean {
    return this.request.approval.gates.includes(step) || (this.policy?.gates.includes(step) ?? false);
  }

  /** Registers the update and signal handlers; call once, before the first await. */
  install(): void {
    setHandler(approveUpdate, (decision) => this.onDecision('approved', decision, 'update'), {
      validator: (decision) => this.assertDecidable('approved', decision),
    });
    setHandler(rejectUpdate, (decision) => this.onDecision('rejected', decision, 'update'), {
      validator: (decision) => this.assertDecidable('rejected', decision),
    });
    setHandler(approveSignal, async (decision) => void (await this.onDecision('approved', decision, 'signal')));
    setHandler(rejectSignal, async (decision) => void (await this.onDecision('rejected', decision, 'signal')));
  }

  /** The change the pending gate guards (a decision must be signed for its digest). */
  private change: GateChange | undefined;

  /**
   * Opens the gate for `step` and waits for a decision or the deadline. Returns when approved;
   * throws ApprovalRejected or ApprovalTimeout (the caller rolls back). With `change`, the gate
   * shows the exact change it lets through and counts only decisions signed for its digest.
   */
  async waitFor(step: StepId, change?: GateChange): Promise<void> {
    this.change = change;
    const deadlineMs = durationToMs(this.request.approval.deadline);
    const requestedAt = Date.now();
    const deadline = new Date(requestedAt + deadlineMs).toISOString();
    this.decision = undefined;
    this.approvedBy = [];
    const approvers = this.policy?.approvers.find((a) => a.gate === step);
    this.progress.gateOpened({
      gate: step,
      requestedAt: new Date(requestedAt).toISOString(),
      deadline,
      ...(approvers ? { approvers, approvedBy: [] } : {}),
      ...(change ? { change } : {}),
    });
    this.notifier?.send(
      {
        kind: 'gate-opened',
        gate: step,
        requestedBy: this.request.requestedBy,
        approvers: [...new Set(approvers?.groups.flatMap((g) => g.approvers) ?? [])],
        deadline,
        ...(change
          ? {
              change: {
                digest: change.digest,
                summary: change.activities.map((a) => a.summary.slice(0, 2000)).slice(0, 50),
              },
            }
          : {}),
      },
      `gate ${step} waits for ${approversText(approvers)} until ${deadline}`,
    );
    let decided: boolean;
    try {
      // The labelled timer is what the Web UI shows for the deadline.
      decided = await condition(() => this.decision !== undefined, deadlineMs, {
        summary: `deadline of gate ${step}: ${deadline}`,
      });
    } finally {
      this.progress.gateClosed(step, this.rejection());
      this.change = undefined;
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
        message: `gate "${step}" rejected by ${entry.by} because: ${entry.comment ?? ''}`,
        nonRetryable: true,
      });
    }
  }

  /** Who rejected the pending gate and why, once a rejection counted. */
  private rejection(): string | undefined {
    const d = this.decision;
    return d?.outcome === 'rejected' ? `rejected by ${d.entry.by ?? '?'}: ${d.entry.comment ?? ''}` : undefined;
  }

  /** Shape, pending gate, not yet decided: synchronous and side-effect free. */
  private checkDecidable(outcome: Outcome, raw: unknown): Checked {
    const parsed = (outcome === 'approved' ? ApprovalDecision : RejectionDecision).safeParse(raw);
    const loose = (raw ?? {}) as { gate?: unknown; approver?: unknown };
    const gate = StepId.safeParse(loose.gate).success ? (loose.gate as StepId) : undefined;
    const approver = typeof loose.approver === 'string' ? loose.approver : undefined;
    if (!parsed.success) {
      const problems = fieldErrors(parsed.error).map((e) => `${e.field}: ${e.message}`);
      return { ok: false, refusal: `invalid decision: ${problems.join('; ')}`, gate, approver };
    }
    const data = parsed.data;
    const d: Parsed = {
      gate: data.gate,
      approver: data.approver,
      ...('reason' in data ? { text: data.reason } : data.comment !== undefined ? { text: data.comment } : {}),
      ...(data.token !== undefined ? { token: data.token } : {}),
    };
    const refusal = this.closedRefusal(d.gate);
    return refusal ? { ok: false, refusal, gate: d.gate, approver: d.approver } : { ok: true, d };
  }

  private closedRefusal(gate: StepId): string | undefined {
    const pending = this.progress.pendingGate;
    if (!pending) return `gate "${gate}" is not awaiting approval (no gate is pending)`;
    if (gate !== pending.gate) return `gate "${gate}" is not awaiting approval (pending: "${pending.gate}")`;
    if (this.decision) return `gate "${gate}" was already ${this.decision.outcome}`;
    return undefined;
  }

  private assertDecidable(outcome: Outcome, raw: unknown): void {
    const checked = this.checkDecidable(outcome, raw);
    if (!checked.ok) {
      throw ApplicationFailure.create({ type: FailureType.BadRequest, message: checked.refusal, nonRetryable: true });
    }
  }

  private async onDecision(outcome: Outcome, raw: unknown, via: Via): Promise<AuditEntry> {
    if (!patched(PROVEN_APPROVALS_PATCH)) return this.legacyDecision(outcome, raw, via);
    const checked = this.checkDecidable(outcome, raw);
    if (!checked.ok) return this.refuse(via, checked.refusal, checked.gate, checked.approver);
    const { d } = checked;
    let result: VerifyDecisionResult;
    try {
      const verify = proxyActivities<CrosslinkActivities>({
        ...activityOptions('quick', false, this.request),
        // Says what is checked, not that it counted: the result says whether it was accepted or refused.
        summary: `verifyApprovalDecision: check the ${outcome === 'approved' ? 'approval' : 'rejection'} of gate ${d.gate} signed as ${d.approver}`,
      }).verifyApprovalDecision;
      result = await verify({
        workflowId: workflowInfo().workflowId,
        runId: workflowInfo().runId,
        connection: {
          local: { environment: this.request.local.environment, deploymentId: this.request.local.deploymentId },
          remote: { environment: this.request.remote.environment, deploymentId: this.request.remote.deploymentId },
          requestedBy: this.request.requestedBy,
        },
        gate: d.gate,
        decision: outcome === 'approved' ? 'approve' : 'reject',
        approver: d.approver,
        ...(d.text !== undefined ? { text: d.text } : {}),
        ...(d.token !== undefined ? { token: d.token } : {}),
        approvedBy: [...this.approvedBy],
        usedTokenIds: [...this.usedTokenIds],
        ...(this.change ? { changeDigest: this.change.digest } : {}),
      });
    } catch (err) {
      return this.refuse(via, `the decision could not be checked: ${(err as Error).message}`, d.gate, d.approver);
    }
    this.showApprovers(d.gate, result.approvers);
    if (!result.accepted) return this.refuse(via, result.reason, d.gate, d.approver);
    // The gate may have closed (deadline, another decision) while the activity ran.
    const closed = this.closedRefusal(d.gate);
    if (closed) return this.refuse(via, closed, d.gate, d.approver);
    if (this.usedTokenIds.includes(result.tokenId)) {
      return this.refuse(via, 'this decision token was already used', d.gate, d.approver);
    }
    this.usedTokenIds.push(result.tokenId);
    const entry: AuditEntry = {
      at: new Date().toISOString(),
      gate: d.gate,
      decision: outcome,
      by: result.approver,
      via,
      ...(d.text !== undefined ? { comment: d.text } : {}),
      tokenId: result.tokenId,
      ...(outcome === 'approved' && result.remaining ? { remaining: result.remaining } : {}),
    };
    this.progress.audit(entry);
    if (outcome === 'approved') {
      this.approvedBy.push(result.approver);
      this.progress.gateApprovers({ approvedBy: [...this.approvedBy] });
      if (!result.satisfied) return entry;
    }
    this.decision = { outcome, entry };
    return entry;
  }

  /**
   * The gate was approved for `approved`, but the change is `now` when its step is about to run:
   * recorded, and the caller asks again for the change now.
   */
  superseded(step: StepId, approved: GateChange, now: GateChange): void {
    this.progress.audit({
      at: new Date().toISOString(),
      gate: step,
      decision: 'superseded',
      via: 'workflow',
      comment: `the change approved (${approved.digest}) is not the change now (${now.digest}): asking again`,
    });
  }

  /** Shows who may decide on the pending gate (the policy's current answer) in progress. */
  private showApprovers(gate: StepId, approvers: GateApprovers | undefined): void {
    const pending = this.progress.pendingGate;
    if (pending && approvers && pending.gate === gate) this.progress.gateApprovers({ approvers });
  }

  private refuse(via: Via, refusal: string, gate?: StepId, approver?: string): AuditEntry {
    const entry: AuditEntry = {
      at: new Date().toISOString(),
      // An entry needs a gate: the one named if it is a step id, else the pending one, else the current step.
      gate: gate ?? this.progress.pendingGate?.gate ?? this.progress.currentStep ?? 'preflight',
      decision: 'refused',
      ...(approver !== undefined ? { by: approver } : {}),
      via,
      refusal,
    };
    this.progress.audit(entry);
    return entry;
  }

  /**
   * Replay only: how runs recorded before signed decisions took a decision (the request's approver
   * list, in the handler, no activity). Reached only while replaying such a history.
   */
  private legacyDecision(outcome: Outcome, raw: unknown, via: Via): AuditEntry {
    const checked = this.checkDecidable(outcome, raw);
    const policy = this.request.approval;
    let refusal = checked.ok ? undefined : checked.refusal;
    if (checked.ok && !policy.approvers.includes(checked.d.approver)) {
      refusal = `${checked.d.approver} is not an approver of this connection`;
    } else if (checked.ok && checked.d.approver === this.request.requestedBy && !policy.allowSelfApproval) {
      refusal = `${checked.d.approver} requested this connection and may not decide on it (four-eyes rule)`;
    }
    if (refusal !== undefined || !checked.ok) {
      const gate = checked.ok ? checked.d.gate : checked.gate;
      const approver = checked.ok ? checked.d.approver : checked.approver;
      if (via === 'signal') return this.refuse(via, refusal ?? '', gate, approver);
      throw ApplicationFailure.create({ type: FailureType.BadRequest, message: refusal ?? '' });
    }
    const entry: AuditEntry = {
      at: new Date().toISOString(),
      gate: checked.d.gate,
      decision: outcome,
      by: checked.d.approver,
      via,
      ...(checked.d.text !== undefined ? { comment: checked.d.text } : {}),
    };
    this.progress.audit(entry);
    this.decision = { outcome, entry };
    return entry;
  }
}
