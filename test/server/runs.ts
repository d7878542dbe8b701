/**
 * Driving connection runs the way a user does: start by business id, read the `progress` query,
 * decide gates through the `approve` / `reject` updates, read the outcome and the history.
 */
import {
  type Client,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
  WorkflowFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { type temporal } from '@temporalio/proto';
import {
  type AuditEntry,
  CONNECTION_WORKFLOW,
  type ConnectionRequest,
  type ConnectionResult,
  type ConnectionState,
  type Progress,
  type StepId,
  connectionId,
} from '../../domain';
import { approveUpdate, progressQuery, rejectUpdate } from '../../workflows/messages';
import { connectionStartMetadata } from '../../client/connection-metadata';
import { APPROVER } from './requests';
import { sign } from '../harness/approvers';
import { pendingGateChange } from '../../client/gate-change';

export const TERMINAL: readonly ConnectionState[] = ['connected', 'rolled-back', 'failed'];

export function startConnection(
  client: Client,
  request: ConnectionRequest,
  taskQueue: string,
): Promise<WorkflowHandleWithFirstExecutionRunId> {
  return client.workflow.start(CONNECTION_WORKFLOW, {
    workflowId: connectionId(request),
    taskQueue,
    args: [request],
    workflowIdConflictPolicy: 'USE_EXISTING',
    ...connectionStartMetadata(request),
  });
}

/** Polls until `check` returns a value; the deadline only bounds a hung run, it asserts nothing about speed. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs = 60_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`gave up waiting for ${what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function progress(handle: WorkflowHandle): Promise<Progress> {
  return handle.query(progressQuery);
}

/** Waits until the run waits at a gate (returns that progress) or ends. */
export function untilGateOrEnd(handle: WorkflowHandle): Promise<Progress> {
  return eventually(`${handle.workflowId} to wait for approval or end`, async () => {
    const p = await progress(handle);
    return p.state === 'awaiting-approval' || TERMINAL.includes(p.state) ? p : undefined;
  });
}

/** Waits until the run waits at `gate`. */
export function untilAwaiting(handle: WorkflowHandle, gate?: StepId): Promise<Progress> {
  return eventually(`${handle.workflowId} to await approval${gate ? ` at ${gate}` : ''}`, async () => {
    const p = await progress(handle);
    if (TERMINAL.includes(p.state))
      throw new Error(`run ended ${p.state} before the gate: ${JSON.stringify(p.reason)}`);
    return p.state === 'awaiting-approval' && p.pendingGate && (!gate || p.pendingGate.gate === gate) ? p : undefined;
  });
}

/** Approves every gate the run stops at, through the `approve` update; returns the gates approved. */
export async function approveAll(handle: WorkflowHandle, approver = APPROVER): Promise<StepId[]> {
  const approved: StepId[] = [];
  for (;;) {
    const p = await untilGateOrEnd(handle);
    if (TERMINAL.includes(p.state) || !p.pendingGate) return approved;
    const gate = p.pendingGate.gate;
    const entry = await handle.executeUpdate(approveUpdate, {
      args: [
        {
          gate,
          approver,
          comment: 'server suite',
          token: await signFor(handle, approver, gate, 'approve', 'server suite'),
        },
      ],
    });
    expect(entry).toMatchObject({ gate, decision: 'approved', by: approver, via: 'update' });
    approved.push(gate);
  }
}

/** Waits until the run's audit trail has an entry matching `match` (a signal is checked by an activity first). */
export function untilAudit(handle: WorkflowHandle, match: Partial<AuditEntry>): Promise<AuditEntry> {
  return eventually(`${handle.workflowId} to record ${JSON.stringify(match)}`, async () =>
    (await progress(handle)).audit.find((a) =>
      Object.entries(match).every(([k, v]) => (a as Record<string, unknown>)[k] === v),
    ),
  );
}

/** A decision token of `approver` for the run behind `handle` (what `crosslink approve --key` makes). */
export async function signFor(
  handle: WorkflowHandle,
  approver: string,
  gate: StepId,
  decision: 'approve' | 'reject',
  text?: string,
): Promise<string> {
  const { runId } = await handle.describe();
  // The change the gate shows, as `crosslink approve` reads and signs it (from history when no worker runs).
  const change = (await pendingGateChange(handle.client, handle.workflowId, gate, 5_000)).change?.digest;
  return sign(approver, {
    workflowId: handle.workflowId,
    runId,
    gate,
    decision,
    ...(text ? { text } : {}),
    ...(change ? { change } : {}),
  });
}

export async function approve(handle: WorkflowHandle, gate: StepId, approver = APPROVER) {
  return handle.executeUpdate(approveUpdate, {
    args: [{ gate, approver, token: await signFor(handle, approver, gate, 'approve') }],
  });
}

export async function reject(handle: WorkflowHandle, gate: StepId, reason: string, approver = APPROVER) {
  return handle.executeUpdate(rejectUpdate, {
    args: [{ gate, approver, reason, token: await signFor(handle, approver, gate, 'reject', reason) }],
  });
}

export function connectedResult(handle: WorkflowHandle): Promise<ConnectionResult> {
  return handle.result() as Promise<ConnectionResult>;
}

/** The failure a rolled-back run ends with: its type and the progress in its details. */
export async function failureOf(
  handle: WorkflowHandle,
): Promise<{ type?: string; message: string; progress?: Progress }> {
  try {
    await handle.result();
  } catch (err) {
    if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure) {
      return {
        type: err.cause.type ?? undefined,
        message: err.cause.message,
        progress: err.cause.details?.[0] as Progress | undefined,
      };
    }
    throw err;
  }
  throw new Error(`${handle.workflowId} completed; a failure was expected`);
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Names of the activities the run scheduled, in history order. */
export async function scheduledActivities(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? [])
    .map((e: HistoryEvent) => e.activityTaskScheduledEventAttributes?.activityType?.name)
    .filter((name): name is string => typeof name === 'string');
}

/** Names of the activities whose tasks completed, in history order. */
export async function completedActivities(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const byId = new Map<string, string>();
  for (const e of events) {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name && e.eventId != null) byId.set(String(e.eventId), name);
  }
  return events
    .map((e) => e.activityTaskCompletedEventAttributes?.scheduledEventId)
    .filter((id) => id != null)
    .map((id) => byId.get(String(id)) ?? '?');
}

/** The whole history as text, payloads decoded (what anyone with read access to Temporal can see). */
export async function historyText(handle: WorkflowHandle): Promise<string> {
  const history = await handle.fetchHistory();
  // fetchHistory returns the proto as JSON: payload `data` (and metadata values) are base64 strings.
  return JSON.stringify(history, (key, value: unknown) =>
    typeof value === 'string' && (key === 'data' || key === 'encoding')
      ? Buffer.from(value, 'base64').toString('utf8')
      : value,
  );
}

/** Which worker identity started each activity task, as `activity name -> identities` (history order). */
export async function activityWorkers(handle: WorkflowHandle): Promise<Map<string, string[]>> {
  const events = (await handle.fetchHistory()).events ?? [];
  const names = new Map<string, string>();
  const out = new Map<string, string[]>();
  for (const e of events) {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name && e.eventId != null) names.set(String(e.eventId), name);
    const started = e.activityTaskStartedEventAttributes;
    if (started?.scheduledEventId != null) {
      const activity = names.get(String(started.scheduledEventId)) ?? '?';
      out.set(activity, [...(out.get(activity) ?? []), started.identity ?? '?']);
    }
  }
  return out;
}
