/**
 * Where `crosslink rotate` finds the working key's credential: the ECE keystore returns names
 * only, so the one copy crosslink can put back is the sealed one in the history of the run that
 * created the key (the connect, or the last rotation): the result of `createCrossClusterApiKey` /
 * `createRotatedApiKey`, sealed with the worker's key and bound to the connection id. It is not a
 * plaintext secret, so it may travel in the rotate request; the worker checks that it opens to the
 * working key before anything changes.
 */
import { type Client } from '@temporalio/client';
import { type Payload, defaultPayloadConverter } from '@temporalio/common';
import { type temporal } from '@temporalio/proto';
import { type SealedSecret, SealedSecret as SealedSecretSchema } from '../domain';

/** The activities whose result carries a key's sealed credential. */
const KEY_CREATIONS = new Set(['createCrossClusterApiKey', 'createRotatedApiKey']);

export interface FoundCredential {
  sealed: SealedSecret;
  keyId: string;
  runId: string;
}

function decode(p: Payload | null | undefined): unknown {
  if (!p) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(p);
  } catch {
    return undefined;
  }
}

/** The newest sealed credential a run's history holds (the last key creation that completed). */
export function sealedCredentialIn(
  events: temporal.api.history.v1.IHistoryEvent[],
): Omit<FoundCredential, 'runId'> | undefined {
  const creations = new Set<string>();
  let found: Omit<FoundCredential, 'runId'> | undefined;
  for (const event of events) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled && KEY_CREATIONS.has(scheduled.activityType?.name ?? '')) creations.add(String(event.eventId));
    const done = event.activityTaskCompletedEventAttributes;
    if (done && creations.has(String(done.scheduledEventId))) {
      const result = decode(done.result?.payloads?.[0]) as { sealedEncoded?: unknown; keyId?: unknown } | undefined;
      const sealed = SealedSecretSchema.safeParse(result?.sealedEncoded);
      if (sealed.success && typeof result?.keyId === 'string') found = { sealed: sealed.data, keyId: result.keyId };
    }
  }
  return found;
}

/**
 * The credential of the key the connection works with now, as far as history tells: the newest
 * run of the connection that completed and created a key. Undefined when history no longer has one.
 */
export async function findPreviousCredential(client: Client, workflowId: string): Promise<FoundCredential | undefined> {
  const runs: { runId: string; startTime: Date }[] = [];
  const escaped = workflowId.replace(/'/g, "\\'");
  for await (const w of client.workflow.list({
    query: `WorkflowId = '${escaped}' AND ExecutionStatus = 'Completed'`,
  })) {
    runs.push({ runId: w.runId, startTime: w.startTime });
  }
  runs.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
  for (const run of runs) {
    const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
    const found = sealedCredentialIn(history.events ?? []);
    if (found) return { ...found, runId: run.runId };
  }
  return undefined;
}
