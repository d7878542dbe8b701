import { ApplicationFailure } from '@temporalio/common';
import {
  type EnvironmentConfig,
  type EnvironmentsFile,
  type EsCredentials as EsCredentialsConfig,
} from '../domain/environment-config';
import { FailureType } from '../domain/failures';
import { EceClient } from './ece/client';
import { type EsCredentials, EsClient } from './elasticsearch/client';
import { parseSealingKey } from './secrets/sealing';
import { type ReferenceOptions, referenceReader } from './secret-refs';

/** One environment with every secret and CA bundle read: lives only in the worker process. */
export interface ResolvedEnvironment {
  name: string;
  coordinatorUrl: string;
  region: string;
  apiKey: string;
  caCert?: string;
  proxyCa: EnvironmentConfig['proxyCa'];
  defaultCredentials?: EsCredentials;
  deployments: Record<string, { url?: string; credentials?: EsCredentials }>;
}

export interface ResolvedEnvironments {
  environments: Record<string, ResolvedEnvironment>;
  /** 32-byte sealing key (from `sealingKey` or CROSSLINK_SEALING_KEY), when configured. */
  sealingKey?: Buffer;
}

type ResolveOptions = ReferenceOptions;

/**
 * Read every SecretRef and CaBundleRef of the file. A missing variable or file is an Error naming
 * the field, e.g. `environments.ece-a.apiKey: environment variable ECE_A_KEY is not set`.
 */
export function resolveEnvironments(file: EnvironmentsFile, opts: ResolveOptions = {}): ResolvedEnvironments {
  const env = opts.env ?? process.env;
  const { secret, caBundle } = referenceReader(opts);
  const credentials = (c: EsCredentialsConfig, field: string): EsCredentials =>
    'username' in c
      ? { kind: 'basic', username: c.username, password: secret(c.password, `${field}.password`) }
      : { kind: 'apiKey', apiKey: secret(c.apiKey, `${field}.apiKey`) };

  const environments: Record<string, ResolvedEnvironment> = {};
  for (const [name, cfg] of Object.entries(file.environments) as Array<[string, EnvironmentConfig]>) {
    const base = `environments.${name}`;
    const deployments: ResolvedEnvironment['deployments'] = {};
    for (const [id, access] of Object.entries(cfg.elasticsearch.deployments)) {
      const field = `${base}.elasticsearch.deployments.${id}`;
      deployments[id] = {
        url: access.url,
        credentials: access.credentials ? credentials(access.credentials, `${field}.credentials`) : undefined,
      };
    }
    environments[name] = {
      name,
      coordinatorUrl: cfg.coordinatorUrl,
      region: cfg.region,
      apiKey: secret(cfg.apiKey, `${base}.apiKey`),
      caCert: cfg.caCert ? caBundle(cfg.caCert, `${base}.caCert`) : undefined,
      proxyCa: cfg.proxyCa,
      defaultCredentials: cfg.elasticsearch.default
        ? credentials(cfg.elasticsearch.default.credentials, `${base}.elasticsearch.default.credentials`)
        : undefined,
      deployments,
    };
  }
  const sealingRef = file.sealingKey ?? (env.CROSSLINK_SEALING_KEY ? { env: 'CROSSLINK_SEALING_KEY' } : undefined);
  const sealingKey = sealingRef ? parseSealingKey(secret(sealingRef, 'sealingKey'), 'sealingKey') : undefined;
  return { environments, sealingKey };
}

/** Per environment an ECE client, per deployment an Elasticsearch client; clients are reused. */
export interface EnvironmentRegistry {
  names(): string[];
  ece(environment: string): EceClient;
  /** `serviceUrl`: the deployment's `service_url` from ECE, used unless the configuration overrides it. */
  elasticsearch(environment: string, deploymentId: string, serviceUrl?: string): EsClient;
  /** Kind of Elasticsearch credential configured for a deployment (preflight refuses API keys where a user is needed). */
  esCredentialKind(environment: string, deploymentId: string): EsCredentials['kind'] | undefined;
}

function configurationError(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: FailureType.ConfigurationError, nonRetryable: true });
}

export function createEnvironmentRegistry(resolved: ResolvedEnvironments): EnvironmentRegistry {
  const eceClients = new Map<string, EceClient>();
  const esClients = new Map<string, EsClient>();

  const environment = (name: string): ResolvedEnvironment => {
    const e = resolved.environments[name];
    if (!e) {
      const known = Object.keys(resolved.environments).join(', ') || 'none';
      throw configurationError(
        `environment "${name}" is not in this worker's environment configuration (known: ${known}): add it to the environments file`,
      );
    }
    return e;
  };
  const esCredentials = (e: ResolvedEnvironment, deploymentId: string) =>
    e.deployments[deploymentId]?.credentials ?? e.defaultCredentials;

  return {
    names: () => Object.keys(resolved.environments),
    ece(name) {
      let client = eceClients.get(name);
      if (!client) {
        const e = environment(name);
        client = new EceClient({
          name,
          coordinatorUrl: e.coordinatorUrl,
          region: e.region,
          apiKey: e.apiKey,
          caCert: e.caCert,
          proxyCa: e.proxyCa,
        });
        eceClients.set(name, client);
      }
      return client;
    },
    elasticsearch(name, deploymentId, serviceUrl) {
      const e = environment(name);
      const access = e.deployments[deploymentId];
      const url = access?.url ?? serviceUrl;
      const key = `${name}/${deploymentId}/${url ?? ''}`;
      let client = esClients.get(key);
      if (client) return client;
      const base = `environments.${name}.elasticsearch`;
      if (!url) {
        throw configurationError(
          `deployment ${deploymentId} in ${name} has no service_url in ECE: set ${base}.deployments.${deploymentId}.url`,
        );
      }
      const credentials = esCredentials(e, deploymentId);
      if (!credentials) {
        throw configurationError(
          `no Elasticsearch credentials for deployment ${deploymentId} in ${name}: set ${base}.deployments.${deploymentId}.credentials or ${base}.default.credentials`,
        );
      }
      const credentialField = access?.credentials
        ? `${base}.deployments.${deploymentId}.credentials`
        : `${base}.default.credentials`;
      client = new EsClient(
        name,
        deploymentId,
        url,
        credentials,
        credentialField,
        `environments.${name}.caCert`,
        e.caCert,
      );
      esClients.set(key, client);
      return client;
    },
    esCredentialKind(name, deploymentId) {
      return esCredentials(environment(name), deploymentId)?.kind;
    },
  };
}
