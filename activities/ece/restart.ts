import { type EceClient } from './client';

/**
 * `POST .../_restart` without `cancel_pending`: ECE answers 422 plan_change_error while another
 * plan is pending, which classify.ts makes Transient; crosslink never cancels other plans.
 */
export async function restartElasticsearchResource(
  ece: EceClient,
  deploymentId: string,
  refId: string,
  signal?: AbortSignal,
): Promise<void> {
  await ece.http.request({
    method: 'POST',
    path: `/deployments/${encodeURIComponent(deploymentId)}/elasticsearch/${encodeURIComponent(refId)}/_restart`,
    query: { cancel_pending: false },
    signal,
  });
}
