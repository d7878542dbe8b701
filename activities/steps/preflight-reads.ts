import { type ConnectionRequest, type RoleSpec } from '../../domain/connection-request';
import { type DeploymentFacts, type EnvironmentFacts } from '../../domain/records';
import { type Side } from '../../domain/activities';
import { type Deps, type StepContext } from '../context';
import { type EceClient } from '../ece/client';
import { elasticsearchResource, getDeployment, planPending, trustOf, versionOf } from '../ece/deployments';
import { getKeystoreNames } from '../ece/keystore';
import { getPlatformInfo, getProxyChain } from '../ece/platform';
import { getApiKeysByName } from '../elasticsearch/api-keys';
import { type ApiKeyInfo } from '../elasticsearch/schemas';
import { getPersistentSettings } from '../elasticsearch/cluster';
import { type EsClient } from '../elasticsearch/client';
import { getRole } from '../elasticsearch/roles';
import { unexpectedResponse } from '../http/classify';
import { listTrustRelationships } from '../ece/trust-relationships';
import { apiKeyName } from '../marks';

export interface DeploymentRead {
  facts: DeploymentFacts;
  pendingPlan: boolean;
}

export interface RoleRead {
  role: RoleSpec;
  existing: Awaited<ReturnType<typeof getRole>>;
}

/** Everything preflight reads, once: the refusal rules (preflight-rules.ts) decide over it without I/O. */
export interface PreflightSnapshot {
  local: DeploymentRead;
  remote: DeploymentRead;
  localEnvironment: EnvironmentFacts;
  remoteEnvironment: EnvironmentFacts;
  /** Persistent cluster settings of the local deployment. */
  localSettings: Record<string, unknown>;
  /** Setting names in the local deployment's keystore. */
  localKeystore: string[];
  /** API keys on the remote named as this connection's (API key model only). */
  remoteKeysNamedForRun: ApiKeyInfo[];
  /** The request's roles as each side has them now (only the sides the model creates roles on). */
  roles: Record<Side, RoleRead[]>;
  /** The remote proxy's certificate chain, leaf first (API key model only). */
  proxyChain: string[] | undefined;
  /** How the worker authenticates to the remote Elasticsearch. */
  remoteCredentialKind: ReturnType<Deps['registry']['esCredentialKind']>;
}

/**
 * Every read preflight needs. Reads that do not need another one's answer start at once; the
 * Elasticsearch and keystore reads of a side start as soon as that side's deployment (its URL
 * and ref id) is known.
 */
export async function readPreflightSnapshot(
  deps: Deps,
  ctx: StepContext,
  request: ConnectionRequest,
  connectionId: string,
): Promise<PreflightSnapshot> {
  const model = request.securityModel;
  const eceLocal = deps.registry.ece(request.local.environment);
  const eceRemote = deps.registry.ece(request.remote.environment);
  const roleSides: Side[] = model === 'api_key' ? ['local'] : ['local', 'remote'];
  const esOf = (d: DeploymentFacts) => deps.registry.elasticsearch(d.environment, d.deploymentId, d.esUrl);
  const readRoles = (side: Side, es: EsClient): Promise<RoleRead[]> =>
    roleSides.includes(side)
      ? Promise.all(request.roles.map(async (role) => ({ role, existing: await getRole(es, role.name, ctx.signal) })))
      : Promise.resolve([]);
  const localSide = readDeployment(deps, ctx, eceLocal, request, 'local').then(async (dep) => {
    const es = esOf(dep.facts);
    const [settings, keystore, roles] = await Promise.all([
      getPersistentSettings(es, ctx.signal),
      getKeystoreNames(eceLocal, dep.facts.deploymentId, dep.facts.refId, ctx.signal),
      readRoles('local', es),
    ]);
    return { dep, settings, keystore, roles };
  });
  const remoteSide = readDeployment(deps, ctx, eceRemote, request, 'remote').then(async (dep) => {
    const es = esOf(dep.facts);
    const [ownKeys, roles] = await Promise.all([
      model === 'api_key'
        ? getApiKeysByName(es, apiKeyName(request.alias, connectionId), ctx.signal)
        : Promise.resolve([]),
      readRoles('remote', es),
    ]);
    return { dep, ownKeys, roles };
  });
  const [localRead, remoteRead, localEnvironment, remoteEnvironment, proxyChain] = await Promise.all([
    localSide,
    remoteSide,
    readEnvironment(ctx, eceLocal),
    readEnvironment(ctx, eceRemote),
    model === 'api_key' ? getProxyChain(eceRemote, ctx.signal) : Promise.resolve(undefined),
  ]);
  ctx.heartbeat({ step: 'preflight', read: 'ece' });
  return {
    local: localRead.dep,
    remote: remoteRead.dep,
    localEnvironment,
    remoteEnvironment,
    localSettings: localRead.settings,
    localKeystore: localRead.keystore,
    remoteKeysNamedForRun: remoteRead.ownKeys,
    roles: { local: localRead.roles, remote: remoteRead.roles },
    proxyChain,
    remoteCredentialKind: deps.registry.esCredentialKind(request.remote.environment, request.remote.deploymentId),
  };
}

/** What preflight reads from ECE about one side's deployment. */
async function readDeployment(
  deps: Deps,
  ctx: StepContext,
  ece: EceClient,
  request: ConnectionRequest,
  side: Side,
): Promise<DeploymentRead> {
  const { facts, es } = await readDeploymentFacts(deps, ctx, ece, request[side]);
  return { facts, pendingPlan: planPending(es) };
}

/** One deployment's facts as the steps use them (its Elasticsearch resource `ref.refId`, or the first). */
export async function readDeploymentFacts(
  deps: Deps,
  ctx: StepContext,
  ece: EceClient,
  ref: { environment: string; deploymentId: string; refId?: string },
): Promise<{ facts: DeploymentFacts; es: ReturnType<typeof elasticsearchResource> }> {
  const { deployment } = await getDeployment(ece, ref.deploymentId, ctx.signal);
  const es = elasticsearchResource(ece, deployment, ref.refId);
  const facts: DeploymentFacts = {
    environment: ref.environment,
    deploymentId: deployment.id,
    name: deployment.name,
    refId: es.ref_id,
    region: es.region,
    version: versionOf(es),
    clusterId: es.info.cluster_id ?? es.id,
    endpoint: es.info.metadata.endpoint ?? '',
    esUrl: deps.registry.elasticsearch(ref.environment, ref.deploymentId, es.info.metadata.service_url).url,
    healthy: deployment.healthy && es.info.healthy,
    trustBefore: trustOf(es),
    rolesBefore: [],
  };
  return { facts, es };
}

/**
 * Platform info and one list of all trust relationships: the local record (with its CA, which
 * platform-trust can then reuse) and the others.
 */
async function readEnvironment(ctx: StepContext, ece: EceClient): Promise<EnvironmentFacts> {
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
