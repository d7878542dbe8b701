import { type ConnectionRequest } from '../../domain/connection-request';
import { type DeploymentFacts, type EnvironmentFacts } from '../../domain/records';
import { type Deps, type StepContext } from '../context';
import { type EceClient } from '../ece/client';
import { elasticsearchResource, getDeployment, planPending, trustOf, versionOf } from '../ece/deployments';
import { getPlatformInfo } from '../ece/platform';
import { unexpectedResponse } from '../http/classify';
import { listTrustRelationships } from '../ece/trust-relationships';

type Side = 'local' | 'remote';

/** What preflight reads from ECE about one side's deployment, and about one environment. */
export async function readDeployment(
  deps: Deps,
  ctx: StepContext,
  ece: EceClient,
  request: ConnectionRequest,
  side: Side,
): Promise<{ facts: DeploymentFacts; pendingPlan: boolean }> {
  const ref = request[side];
  const { deployment } = await getDeployment(ece, ref.deploymentId, ctx.signal);
  const es = elasticsearchResource(ece, deployment, ref.refId);
  const endpoint = es.info.metadata.endpoint ?? '';
  const esUrl = deps.registry.elasticsearch(ref.environment, ref.deploymentId, es.info.metadata.service_url).url;
  return {
    facts: {
      environment: ref.environment,
      deploymentId: deployment.id,
      name: deployment.name,
      refId: es.ref_id,
      region: es.region,
      version: versionOf(es),
      clusterId: es.info.cluster_id ?? es.id,
      endpoint,
      esUrl,
      healthy: deployment.healthy && es.info.healthy,
      trustBefore: trustOf(es),
      rolesBefore: [],
    },
    pendingPlan: planPending(es),
  };
}

/**
 * Platform info and one list of all trust relationships: the local record (with its CA, which
 * platform-trust can then reuse) and the others.
 */
export async function readEnvironment(ctx: StepContext, ece: EceClient): Promise<EnvironmentFacts> {
  const [platform, all] = await Promise.all([
    getPlatformInfo(ece, ctx.signal),
    listTrustRelationships(ece, 'all', { includeCertificate: true, signal: ctx.signal }),
  ]);
  const localRecord = all.find((r) => r.local);
  if (!localRecord) {
    throw unexpectedResponse(ece.http.target, 'GET', '/platform/configuration/trust-relationships', 'no local record');
  }
  const others = all.filter((r) => !r.local);
  return {
    environment: ece.environment,
    accountId: localRecord.account_ids?.[0] ?? '',
    installationId: localRecord.installation_id,
    localTrustRelationshipId: localRecord.id,
    eceVersion: platform.version,
    trustRelationshipsBefore: others.filter((r) => !r.local).map((r) => r.id),
  };
}
