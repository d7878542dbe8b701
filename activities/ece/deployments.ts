import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../domain/failures';
import { type TrustSettings } from '../../domain/records';
import { firstHeader } from '../http/client';
import { sameCertificate } from './platform';
import { type EceClient } from './client';
import { DeploymentGet, type ElasticsearchResourceInfo } from './schemas';

export interface DeploymentRead {
  deployment: DeploymentGet;
  /** `x-cloud-resource-version`, for the optimistic lock of the next PUT. */
  version?: string;
}

/** `GET /deployments/{id}` with settings, plans and plan logs (what preflight and plan tracking read). */
export async function getDeployment(
  ece: EceClient,
  deploymentId: string,
  signal?: AbortSignal,
): Promise<DeploymentRead> {
  const res = await ece.http.request({
    method: 'GET',
    path: `/deployments/${encodeURIComponent(deploymentId)}`,
    query: { show_settings: true, show_plans: true, show_plan_logs: true },
    schema: DeploymentGet,
    signal,
  });
  return { deployment: res.body, version: firstHeader(res.headers['x-cloud-resource-version']) };
}

/** The Elasticsearch resource named by ref_id, or the only/first one when none is named. */
export function elasticsearchResource(
  ece: EceClient,
  deployment: DeploymentGet,
  refId?: string,
): ElasticsearchResourceInfo {
  const all = deployment.resources.elasticsearch;
  const found = refId && refId !== '_main' ? all.find((r) => r.ref_id === refId) : all[0];
  if (!found) {
    throw ApplicationFailure.create({
      message: `ECE ${ece.environment}: deployment ${deployment.id} has no Elasticsearch resource${refId ? ` with ref_id "${refId}"` : ''}: check the ref_id in the request`,
      type: FailureType.NotFound,
      nonRetryable: true,
    });
  }
  return found;
}

/** The resource's `trust` object; `{}` when ECE returns none (see default-trust.ts). */
export function trustOf(resource: ElasticsearchResourceInfo): TrustSettings {
  return (resource.info.settings?.trust as TrustSettings | undefined) ?? {};
}

export function versionOf(resource: ElasticsearchResourceInfo): string {
  const plan = resource.info.plan_info.current?.plan as { elasticsearch?: { version?: string } } | undefined;
  return plan?.elasticsearch?.version ?? '0.0.0';
}

/**
 * The full update payload that changes nothing but the `trust` object of one Elasticsearch
 * resource, built from a GET like cloud-sdk-go's NewUpdateRequest: every ES resource with its
 * current plan and settings (read-only `metadata` dropped), `prune_orphans: false` so resources
 * left out (Kibana...) are kept. The whole trust object is sent: ECE replaces it. `null` reverts the
 * trust to the default (ECE-OAS, ElasticsearchClusterSettings.trust).
 */
export function trustUpdatePayload(deployment: DeploymentGet, refId: string, trust: TrustSettings | null): unknown {
  return {
    prune_orphans: false,
    resources: {
      elasticsearch: deployment.resources.elasticsearch.map((r) => {
        const { metadata: _readOnly, ...settings } = r.info.settings ?? {};
        return {
          ref_id: r.ref_id,
          region: r.region,
          ...(r.info.cluster_name ? { display_name: r.info.cluster_name } : {}),
          plan: r.info.plan_info.current?.plan ?? {},
          settings: r.ref_id === refId ? { ...settings, trust } : settings,
        };
      }),
    },
  };
}

/** `PUT /deployments/{id}?version=` (the lock fails with a Conflict when someone else wrote first). */
export async function updateDeployment(
  ece: EceClient,
  deploymentId: string,
  payload: unknown,
  version: string | undefined,
  signal?: AbortSignal,
): Promise<void> {
  await ece.http.request({
    method: 'PUT',
    path: `/deployments/${encodeURIComponent(deploymentId)}`,
    query: { version },
    body: payload,
    signal,
  });
}

export function planPending(resource: ElasticsearchResourceInfo): boolean {
  return resource.info.plan_info.pending != null;
}

/** Whether a `trust.direct` entry holds the certificate (compared by fingerprint). */
export function directHoldsPem(entry: Record<string, unknown>, pem: string): boolean {
  const certs = (entry.certificates as Array<{ pem?: string }> | undefined) ?? [];
  return certs.some((c) => typeof c.pem === 'string' && sameCertificate(c.pem, pem));
}
