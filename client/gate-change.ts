/**
 * The change a run's pending gate guards, as the approver must see it before signing: from the
 * `progress` query when a worker answers, else from history (the last `describeChange` result for
 * that gate, which Temporal keeps with no worker running), so a decision can still be queued.
 */
import { type WorkflowClient } from '@temporalio/client';
import { type Payload, defaultPayloadConverter } from '@temporalio/common';
import { GateChange, Progress, type StepId } from '../domain';
import { progressQuery } from '../workflows/messages';

export interface PendingChange {
  /** The change the gate shows; absent when the run shows none (a run from before changes were shown). */
  change?: GateChange;
  /** Where it was read ('none': neither the query nor the history could be read). */
  source: 'progress' | 'history' | 'none';
}

/** `gate`'s change, read from the run; undefined when the gate is not pending (progress) or never described (history). */
export async function pendingGateChange(
  client: WorkflowClient,
  workflowId: string,
  gate: StepId,
  queryTimeoutMs: number,
): Promise<PendingChange> {
  const handle = client.getHandle(workflowId);
  try {
    const progress = Progress.parse(
      await client.withDeadline(Date.now() + queryTimeoutMs, () => handle.query(progressQuery)),
    );
    const pending = progress.pendingGate?.gate === gate ? progress.pendingGate.change : undefined;
    return { ...(pending ? { change: pending } : {}), source: 'progress' };
  } catch {
    return changeFromHistory(client, workflowId, gate);
  }
}

async function changeFromHistory(client: WorkflowClient, workflowId: string, gate: StepId): Promise<PendingChange> {
  let history;
  try {
    history = await client.getHandle(workflowId).fetchHistory();
  } catch {
    return { source: 'none' };
  }
  const described = new Set<string>();
  let last: GateChange | undefined;
  for (const event of history.events ?? []) {
    if (event.activityTaskScheduledEventAttributes?.activityType?.name === 'describeChange') {
      described.add(String(event.eventId));
    }
    const done = event.activityTaskCompletedEventAttributes;
    const payload = done && described.has(String(done.scheduledEventId)) ? done.result?.payloads?.[0] : undefined;
    if (!payload) continue;
    const parsed = GateChange.safeParse(defaultPayloadConverter.fromPayload(payload as Payload));
    if (parsed.success && parsed.data.gate === gate) last = parsed.data;
  }
  return { ...(last ? { change: last } : {}), source: 'history' };
}
