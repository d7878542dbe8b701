/** Turns a parsed topology into the simulator's state (certificates included); no listeners yet. */
import { createHash } from 'node:crypto';
import { createCa, createProxyChain, createServerCert, type ServerIdentity } from './certs';
import { apiKeyId, hexId, secret } from './ids';
import { createIndex, emptyCcrState } from './ccr-model';
import { initialAttempt } from './plans';
import { flattenSettings } from './settings';
import { type Topology, type DeploymentSpec, type EnvironmentSpec } from './topology';
import { type Deployment, type Environment, type JsonObject, type Keystore, type Json, clone, nowIso } from './state';

export interface BuiltEnvironment {
  env: Environment;
  coordinatorIdentity: ServerIdentity;
  deploymentIdentities: Map<string, ServerIdentity>;
}

/** The ElasticsearchClusterPlan a simulated deployment runs. */
export function initialPlan(version: string): JsonObject {
  return {
    cluster_topology: [
      {
        id: 'hot_content',
        node_roles: ['master', 'ingest', 'data_hot', 'data_content', 'remote_cluster_client', 'transform'],
        zone_count: 1,
        instance_configuration_id: 'data.default',
        size: { value: 4096, resource: 'memory' },
      },
    ],
    elasticsearch: { version },
    deployment_template: { id: 'default' },
  };
}

export function defaultTrust(accountId: string): JsonObject {
  return { accounts: [{ account_id: accountId, trust_all: true }], external: [], direct: [] };
}

export async function buildEnvironments(topology: Topology): Promise<BuiltEnvironment[]> {
  const names = Object.keys(topology.environments);
  // CAs first: trust relationships may copy another environment's CA.
  const cas = await Promise.all(names.map((n) => createCa(`${n} environment CA`)));
  const caByName = new Map(names.map((n, i) => [n, cas[i]!]));
  return Promise.all(names.map((name) => buildEnvironment(name, topology.environments[name]!, caByName, topology)));
}

async function buildEnvironment(
  name: string,
  spec: EnvironmentSpec,
  cas: Map<string, Awaited<ReturnType<typeof createCa>>>,
  topology: Topology,
): Promise<BuiltEnvironment> {
  const ca = cas.get(name)!;
  const accountId = spec.accountId ?? hexId();
  const installationId = spec.installationId ?? hexId();
  const created = nowIso();
  const [proxyChain, coordinatorIdentity] = await Promise.all([
    createProxyChain(name, spec.proxyCa),
    createServerCert(ca, `coordinator.${name}.ece.local`, [`coordinator.${name}.ece.local`]),
  ]);
  const env: Environment = {
    name,
    accountId,
    installationId,
    eceVersion: spec.eceVersion,
    region: spec.region,
    proxyCa: spec.proxyCa,
    apiKey: spec.apiKey ?? secret(24),
    elasticPassword: secret(),
    ca,
    proxyChain,
    trustRelationships: [
      {
        id: hexId(),
        name,
        local: true,
        account_ids: [accountId],
        installation_id: installationId,
        trust_by_default: true,
        public_ca_cert: ca.certPem,
        version: 1,
        created,
        lastModified: created,
      },
    ],
    deployments: new Map(),
    coordinatorUrl: '',
  };
  for (const t of spec.trustRelationships) {
    const other = t.environment ? topology.environments[t.environment] : undefined;
    const pem = t.public_ca_cert ?? (t.environment ? cas.get(t.environment)?.certPem : undefined);
    env.trustRelationships.push({
      id: t.id,
      name: t.name,
      local: false,
      account_ids: t.account_ids.length > 0 ? t.account_ids : other?.accountId ? [other.accountId] : [],
      installation_id: t.installation_id ?? other?.installationId,
      trust_by_default: t.trust_by_default,
      public_ca_cert: pem ?? (await createCa(`${t.name} CA`)).certPem,
      version: 1,
      created,
      lastModified: created,
    });
  }
  const deploymentIdentities = new Map<string, ServerIdentity>();
  await Promise.all(
    spec.deployments.map(async (d) => {
      const dep = await buildDeployment(env, d);
      env.deployments.set(d.id, dep);
      deploymentIdentities.set(d.id, await createServerCert(ca, `${d.name}.${name}.ece.local`, [dep.endpoint]));
    }),
  );
  // Keep the topology's order (Promise.all completes in any order).
  env.deployments = new Map(spec.deployments.map((d) => [d.id, env.deployments.get(d.id)!]));
  return { env, coordinatorIdentity, deploymentIdentities };
}

async function buildDeployment(env: Environment, d: DeploymentSpec): Promise<Deployment> {
  const dep = await newDeployment(env, d);
  initialAttempt(dep);
  for (const index of d.indices) createIndex(dep, index.name, index.documents);
  dep.ccr.transforms = clone(d.transforms);
  dep.ccr.datafeeds = clone(d.datafeeds);
  return dep;
}

async function newDeployment(env: Environment, d: DeploymentSpec): Promise<Deployment> {
  // Derived from the whole deployment id, so ids that differ anywhere get distinct clusters and endpoints.
  const clusterId = d.clusterId ?? `c1${createHash('sha256').update(d.id).digest('hex').slice(0, 30)}`;
  const created = nowIso();
  const accountDefaultTrust = defaultTrust(env.accountId);
  const trust = d.trustAbsent
    ? null
    : d.trust
      ? await materializeTrust(d.trust as JsonObject)
      : clone(accountDefaultTrust);
  const keystore: Keystore = Object.fromEntries(
    Object.entries(d.keystore).map(([k, value]) => [k, { value, as_file: false }]),
  );
  return {
    id: d.id,
    name: d.name,
    environment: env.name,
    refId: d.refId,
    clusterId,
    region: env.region,
    healthy: d.healthy,
    version: d.version,
    endpoint: `${clusterId}.${env.name}.ece.local`,
    serviceUrl: '',
    port: 0,
    resourceVersion: 1,
    created,
    lastModified: created,
    plan: initialPlan(d.version),
    trust,
    accountDefaultTrust,
    effectiveTrust: clone(trust ?? accountDefaultTrust),
    keystore,
    nodeKeystore: clone(keystore),
    loadedKeystore: clone(keystore),
    history: [],
    planCounter: 0,
    persistentSettings: flattenSettings(d.persistentSettings as Record<string, Json>),
    transientSettings: {},
    roles: clone(d.roles) as Record<string, JsonObject>,
    apiKeys: d.apiKeys.map((k) => ({
      id: k.id ?? apiKeyId(),
      name: k.name,
      type: k.type,
      secret: k.key ?? secret(),
      invalidated: k.invalidated,
      creation: Date.now(),
      expiration: k.expiration,
      metadata: k.metadata,
      username: 'elastic',
    })),
    users: { elastic: { password: d.elasticPassword ?? env.elasticPassword, roles: ['superuser'] } },
    ccr: emptyCcrState(),
  };
}

/** Topology trust with generated certificates where a `direct` entry gave none, and uids. */
async function materializeTrust(trust: JsonObject): Promise<JsonObject> {
  const out = clone(trust);
  out.accounts ??= [];
  out.external ??= [];
  out.direct ??= [];
  for (const entry of out.direct as JsonObject[]) {
    entry.uid ??= hexId();
    entry.certificates ??= [{ pem: (await createCa(`${String(entry.name)} CA`)).certPem }];
  }
  return out;
}
