import { z } from 'zod';
import { type EceClient } from './client';
import { getDeployment, trustOf } from './deployments';

/** DeploymentsListResponse: the ids (the listing carries no settings). */
const DeploymentsList = z.looseObject({ deployments: z.array(z.looseObject({ id: z.string() })) });

/** `GET /deployments`: the ids of every deployment of the environment. */
export async function listDeploymentIds(ece: EceClient, signal?: AbortSignal): Promise<string[]> {
  const res = await ece.http.request({ method: 'GET', path: '/deployments', schema: DeploymentsList, signal });
  return res.body.deployments.map((d) => d.id);
}

/**
 * Every deployment's `trust.external` entries, read now (one GET per deployment with settings): what
 * decides whether a platform trust relationship is still in use.
 */
export async function externalTrustOfAll(
  ece: EceClient,
  signal?: AbortSignal,
): Promise<Array<{ deploymentId: string; external: Array<{ trust_relationship_id: string }> }>> {
  const ids = await listDeploymentIds(ece, signal);
  return Promise.all(
    ids.map(async (id) => {
      const { deployment } = await getDeployment(ece, id, signal);
      const external = deployment.resources.elasticsearch.flatMap((r) => trustOf(r).external ?? []);
      return { deploymentId: id, external };
    }),
  );
}
