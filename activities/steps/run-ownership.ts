/**
 * One connection, one run: a live cross-cluster key of this connection made by another workflow
 * means that workflow holds the connection. Preflight (early) and the api-key step (after its
 * check-then-create) refuse with the same words.
 */
import { isActive } from '../elasticsearch/api-keys';
import { type ApiKeyInfo } from '../elasticsearch/schemas';
import { apiKeyCarriesMark, apiKeyRunOf } from '../marks';

/** True when the key was made by another workflow than `workflowId` (keys without a run mark: unknown, treated as this one's). */
export function madeByAnotherRun(key: ApiKeyInfo, workflowId: string | undefined): boolean {
  const run = apiKeyRunOf(key.metadata);
  return !!run && !!workflowId && run.workflowId !== workflowId;
}

/** The first live key of the connection that another workflow made, if any. */
export function liveKeyOfAnotherRun(
  keys: readonly ApiKeyInfo[],
  connectionId: string,
  workflowId: string | undefined,
): ApiKeyInfo | undefined {
  return keys.find(
    (k) => isActive(k) && apiKeyCarriesMark(k.metadata, connectionId) && madeByAnotherRun(k, workflowId),
  );
}

export function heldElsewhereMessage(connectionId: string, key: ApiKeyInfo, remoteDeploymentId: string): string {
  const run = apiKeyRunOf(key.metadata);
  return `the connection ${connectionId} is already being made or held by workflow ${run?.workflowId ?? '?'}${run?.runId ? ` (run ${run.runId})` : ''}: its live cross-cluster API key "${key.name ?? ''}" (${key.id}) is on ${remoteDeploymentId}. One connection, one run: follow or disconnect that workflow instead of starting another`;
}
