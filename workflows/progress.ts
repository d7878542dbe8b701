/**
 * The run's progress: what the `progress` query answers and what the search attributes and the
 * Web UI's current details (workflows/details.ts) mirror.
 * All times are workflow time (`Date.now()` is deterministic inside workflows).
 */
import { type SearchAttributeUpdatePair } from '@temporalio/common';
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import {
  type AuditEntry,
  type CompensationFailure,
  type ConnectionRequest,
  type ConnectionResult,
  type ConnectionState,
  type CreatedResource,
  type PendingGate,
  type Progress,
  GATE_SEARCH_ATTRIBUTE_KEYS,
  SEARCH_ATTRIBUTE_KEYS,
  type StepDecision,
  type StepId,
  type StepProgress,
  type StepStatus,
  type VerificationReport,
} from '../domain';
import { currentDetails } from './details';

export type FailureReason = NonNullable<Progress['reason']>;

/** What progress needs from an activity result: every record carries its attempt; mutating ones what they created. */
export interface Recorded {
  attempt: number;
  created?: CreatedResource[];
  detail?: string;
}

function now(): string {
  return new Date().toISOString();
}

/** What the plan runner reports to (workflows/engine/plan-runner.ts): a run's progress, or nothing (a fan-out). */
export interface RunView {
  readonly firstFailedStep: StepId | undefined;
  readonly currentStep: StepId | undefined;
  readonly created: readonly CreatedResource[];
  applyDecisions(decisions: readonly StepDecision[]): void;
  stepStarted(id: StepId): void;
  stepSucceeded(id: StepId, records: readonly Recorded[], detail?: string): void;
  stepPartlyDone(id: StepId, records: readonly Recorded[]): void;
  stepFailed(id: StepId, message: string): void;
  undoStarted(id: StepId): void;
  undoSucceeded(id: StepId, detail: string): void;
  undoFailed(failure: CompensationFailure): void;
  compensating(reason: FailureReason): void;
  finished(state: Extract<ConnectionState, 'connected' | 'rolled-back' | 'failed' | 'disconnected'>): void;
  /** What a failure's details carry. */
  snapshot(): unknown;
}

export class ConnectionProgress implements RunView {
  private readonly data: Progress;
  private lastPublished = '';
  /** The search attributes as last upserted (JSON of each value), by name; the gate's start unset. */
  private readonly published = new Map<string, string>([
    [GATE_SEARCH_ATTRIBUTE_KEYS.gate.name, 'null'],
    [GATE_SEARCH_ATTRIBUTE_KEYS.approvers.name, 'null'],
  ]);
  /** The step whose failure started the rollback (parallel branches may fail after it). */
  firstFailedStep: StepId | undefined;

  /** `steps`: the plan's progress rows (domain/plans.ts stepsOf), in the documented order. */
  constructor(connectionId: string, request: ConnectionRequest, steps: readonly StepId[]) {
    const model = request.securityModel;
    this.data = {
      connectionId,
      state: 'running',
      currentStep: 'preflight',
      model,
      alias: request.alias,
      local: { environment: request.local.environment, deploymentId: request.local.deploymentId },
      remote: { environment: request.remote.environment, deploymentId: request.remote.deploymentId },
      requestedBy: request.requestedBy,
      startedAt: now(),
      steps: steps.map((id) => ({
        id,
        status: 'pending' as StepStatus,
        attempts: 0,
      })),
      audit: [],
      created: [],
      compensationFailures: [],
    };
    this.publish();
  }

  /** A deep copy for the query: callers can never change the run's state through it. */
  snapshot(): Progress {
    return JSON.parse(JSON.stringify(this.data)) as Progress;
  }

  get state(): ConnectionState {
    return this.data.state;
  }

  get currentStep(): StepId | undefined {
    return this.data.currentStep;
  }

  get pendingGate(): PendingGate | undefined {
    return this.data.pendingGate;
  }

  step(id: StepId): StepProgress {
    const step = this.data.steps.find((s) => s.id === id);
    if (!step) throw new RangeError(`step ${id} is not part of this run's plan`);
    return step;
  }

  /** Preflight's decisions: steps that do not apply are shown as skipped, with the reason. */
  applyDecisions(decisions: readonly StepDecision[]): void {
    for (const decision of decisions) {
      const step = this.data.steps.find((s) => s.id === decision.id);
      if (step && !decision.applies && step.status === 'pending') {
        step.status = 'skipped';
        step.detail = decision.reason;
      }
    }
    this.showDetails();
  }

  stepStarted(id: StepId): void {
    const step = this.step(id);
    step.status = 'running';
    step.startedAt ??= now();
    this.data.currentStep = id;
    this.publish();
  }

  stepSucceeded(id: StepId, records: readonly Recorded[], detail?: string): void {
    const step = this.step(id);
    step.status = 'succeeded';
    step.endedAt = now();
    step.attempts += records.reduce((sum, r) => sum + r.attempt, 0);
    step.detail =
      detail ??
      records
        .map((r) => r.detail ?? '')
        .filter(Boolean)
        .join('; ');
    this.data.created.push(...records.flatMap((r) => r.created ?? []));
    this.publish();
  }

  /** Records produced inside a step that then failed (a parallel branch that succeeded). */
  stepPartlyDone(id: StepId, records: readonly Recorded[]): void {
    this.step(id).attempts += records.reduce((sum, r) => sum + r.attempt, 0);
    this.data.created.push(...records.flatMap((r) => r.created ?? []));
    this.showDetails();
  }

  stepFailed(id: StepId, message: string): void {
    const step = this.step(id);
    step.status = 'failed';
    step.endedAt = now();
    // The workflow sees only the failure, not how many attempts led to it: at least one.
    step.attempts = Math.max(step.attempts + 1, 1);
    step.detail = message;
    this.firstFailedStep ??= id;
    this.publish();
  }

  gateOpened(gate: PendingGate): void {
    this.data.pendingGate = gate;
    this.data.state = 'awaiting-approval';
    this.step(gate.gate).status = 'awaiting-approval';
    this.data.currentStep = gate.gate;
    this.audit({ at: gate.requestedAt, gate: gate.gate, decision: 'requested', via: 'workflow' });
    this.publish();
  }

  /** The gate closed: approved or timed out, its step goes on waiting to run; `rejection` (why) marks it rejected. */
  gateClosed(gate: StepId, rejection?: string): void {
    this.data.pendingGate = undefined;
    if (this.data.state === 'awaiting-approval') this.data.state = 'running';
    const step = this.step(gate);
    if (step.status === 'awaiting-approval' && rejection !== undefined) {
      step.status = 'rejected';
      step.endedAt = now();
      step.detail = rejection;
    } else if (step.status === 'awaiting-approval') {
      step.status = step.startedAt ? 'running' : 'pending';
    }
    this.publish();
  }

  audit(entry: AuditEntry): void {
    this.data.audit.push(entry);
    this.showDetails();
  }

  /** Who may decide the pending gate, and whose approvals already counted. */
  gateApprovers(change: Pick<PendingGate, 'approvers' | 'approvedBy'>): void {
    if (!this.data.pendingGate) return;
    Object.assign(this.data.pendingGate, change);
    this.showDetails();
  }

  compensating(reason: FailureReason): void {
    this.data.state = 'compensating';
    this.data.reason = reason;
    this.publish();
  }

  undoStarted(id: StepId): void {
    const step = this.step(id);
    if (step.status !== 'compensation-failed') step.status = 'compensating';
    this.data.currentStep = id;
    this.publish();
  }

  undoSucceeded(id: StepId, detail: string): void {
    const step = this.step(id);
    if (step.status !== 'compensation-failed') step.status = 'compensated';
    step.detail = step.detail ? `${step.detail}; undo: ${detail}` : `undo: ${detail}`;
    this.showDetails();
  }

  undoFailed(failure: CompensationFailure): void {
    const step = this.step(failure.step);
    step.status = 'compensation-failed';
    step.detail = `${failure.activity} failed: ${failure.message}`;
    this.data.compensationFailures.push(failure);
    this.showDetails();
  }

  finished(state: Extract<ConnectionState, 'connected' | 'rolled-back' | 'failed' | 'disconnected'>): void {
    this.data.state = state;
    this.data.endedAt = now();
    this.publish();
  }

  get compensationFailures(): readonly CompensationFailure[] {
    return this.data.compensationFailures;
  }

  get created(): readonly CreatedResource[] {
    return this.data.created;
  }

  result(verification: VerificationReport): ConnectionResult {
    return {
      connectionId: this.data.connectionId,
      state: 'connected',
      alias: this.data.alias,
      steps: this.data.steps.map((s) => ({
        id: s.id,
        status: s.status,
        attempts: s.attempts,
        ...(s.startedAt && s.endedAt ? { durationMs: Date.parse(s.endedAt) - Date.parse(s.startedAt) } : {}),
      })),
      created: [...this.data.created],
      verification: {
        proxyAddress: verification.proxyAddress,
        serverName: verification.serverName,
        probe: verification.probe,
      },
    };
  }

  /** The Web UI's current details follow every change (no command: replay is unaffected). */
  private showDetails(): void {
    setCurrentDetails(currentDetails(this.data));
  }

  /** Shows the change; upserts the search attributes when the state or the current step changed. */
  private publish(): void {
    this.showDetails();
    const key = `${this.data.state}|${this.data.currentStep ?? ''}`;
    if (key === this.lastPublished) return;
    this.lastPublished = key;
    const k = SEARCH_ATTRIBUTE_KEYS;
    const gate = this.data.pendingGate;
    const approvers = [...new Set(gate?.approvers?.groups.flatMap((g) => g.approvers) ?? [])];
    const next: SearchAttributeUpdatePair[] = [
      { key: k.state, value: this.data.state },
      { key: k.step, value: this.data.currentStep ?? 'preflight' },
      { key: k.localDeployment, value: this.data.local.deploymentId },
      { key: k.remoteDeployment, value: this.data.remote.deploymentId },
      { key: k.alias, value: this.data.alias },
      // Who the run waits for, while a gate waits (cleared when it closes): the Web UI's list can filter on it.
      { key: GATE_SEARCH_ATTRIBUTE_KEYS.gate, value: gate?.gate ?? null },
      { key: GATE_SEARCH_ATTRIBUTE_KEYS.approvers, value: approvers.length > 0 ? approvers : null },
    ];
    // An upsert keeps what it does not name: only what changed goes into history (all of it the first time).
    const changed = next.filter((pair) => this.published.get(pair.key.name) !== JSON.stringify(pair.value));
    for (const pair of changed) this.published.set(pair.key.name, JSON.stringify(pair.value));
    upsertSearchAttributes(changed);
  }
}

/** A run with no progress of its own (a fan-out: its pairs' runs have theirs); nothing is published. */
export const NO_PROGRESS: RunView = {
  firstFailedStep: undefined,
  currentStep: undefined,
  created: [],
  applyDecisions: () => undefined,
  stepStarted: () => undefined,
  stepSucceeded: () => undefined,
  stepPartlyDone: () => undefined,
  stepFailed: () => undefined,
  undoStarted: () => undefined,
  undoSucceeded: () => undefined,
  undoFailed: () => undefined,
  compensating: () => undefined,
  finished: () => undefined,
  snapshot: () => undefined,
};
