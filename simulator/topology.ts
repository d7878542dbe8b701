/**
 * The topology file `npm run simulator [topology.json]` loads: environments, their deployments and
 * everything that exists before crosslink runs. Defaults make a small file enough.
 */
import { z } from 'zod';
import { DeploymentId, EnvironmentName, RefId } from '../domain/ids';
import { parseOrThrow } from '../domain/validation';
import { invalidIndexName } from './index-names';

const Hex32 = z.string().regex(/^[a-f0-9]{32}$/, 'must be 32 lowercase hexadecimal characters');
const Version = z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a stack version such as "8.15.1"');
const Pem = z.string().regex(/-----BEGIN CERTIFICATE-----/, 'must be a PEM certificate');

/** `trust.accounts[]` / `trust.external[]` / `trust.direct[]`, as in ECE's ElasticsearchClusterTrustSettings. */
const AccountTrust = z.looseObject({
  account_id: z.string().min(1),
  trust_all: z.boolean(),
  trust_allowlist: z.array(z.string()).optional(),
  name: z.string().optional(),
});
const ExternalTrust = z.looseObject({
  trust_relationship_id: z.string().min(1),
  trust_all: z.boolean(),
  trust_allowlist: z.array(z.string()).optional(),
});
const DirectTrust = z.looseObject({
  name: z.string().min(1),
  type: z.enum(['ECE', 'ESS', 'generic', 'proxy']).optional(),
  trust_all: z.boolean(),
  trust_allowlist: z.array(z.string()).optional(),
  scope_id: z.string().optional(),
  additional_node_names: z.array(z.string()).optional(),
  uid: z.string().optional(),
  /** Omit to have the simulator generate an unrelated CA certificate for this entry. */
  certificates: z.array(z.object({ pem: Pem })).optional(),
});
export const TrustSpec = z
  .object({
    accounts: z.array(AccountTrust).optional(),
    external: z.array(ExternalTrust).optional(),
    direct: z.array(DirectTrust).optional(),
  })
  .strict();

const ApiKeySpec = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 characters: letters, digits, _ -')
      .optional(),
    name: z.string().min(1),
    type: z.enum(['rest', 'cross_cluster']).default('rest'),
    /** The secret; generated when omitted (tests read it from the handle's `secrets`). */
    key: z.string().min(8).optional(),
    metadata: z.record(z.string(), z.unknown()).default({}),
    invalidated: z.boolean().default(false),
    /** Epoch milliseconds. */
    expiration: z.number().int().positive().optional(),
  })
  .strict();

/** An index that exists before any run: a leader for followers to replicate (docs/simulator.md). */
const IndexSeed = z
  .object({
    name: z.string().superRefine((n, ctx) => {
      const invalid = invalidIndexName(n);
      if (invalid) ctx.addIssue({ code: 'custom', message: `must be a valid index name: ${invalid}` });
    }),
    /** Documents already indexed (sequence numbers 0..documents-1). */
    documents: z.number().int().min(0).default(0),
  })
  .strict();
/** Transform and datafeed ids: lowercase alphanumerics, `-` and `_`, starting and ending alphanumeric. */
const JobId = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/, 'must be lowercase alphanumerics, - and _ (at most 64)');
const SourceIndices = z.array(z.string().min(1)).min(1);
const TransformSeed = z
  .object({
    id: JobId,
    source: z
      .object({
        index: z.union([
          z
            .string()
            .min(1)
            .transform((i) => [i]),
          SourceIndices,
        ]),
      })
      .strict(),
    dest: z.object({ index: z.string().min(1) }).strict(),
    state: z.enum(['started', 'stopped']).default('stopped'),
  })
  .strict();
const DatafeedSeed = z
  .object({
    datafeed_id: JobId,
    job_id: JobId,
    indices: SourceIndices,
    state: z.enum(['started', 'stopped']).default('stopped'),
  })
  .strict();

export const DeploymentSpec = z
  .object({
    id: DeploymentId,
    name: z.string().min(1),
    version: Version,
    /** Elasticsearch cluster id (`resources.elasticsearch[0].id`); default `c1` + the first 30 characters of `id`. */
    clusterId: Hex32.optional(),
    refId: RefId.default('main-elasticsearch'),
    healthy: z.boolean().default(true),
    /** Password of the `elastic` superuser; generated when omitted. */
    elasticPassword: z.string().min(8).optional(),
    /** `settings.trust` before any run; default: trust every deployment of the own account, returned explicitly. */
    trust: TrustSpec.optional(),
    /** Trust never written: ECE returns no `trust` object and the own-account default applies. */
    trustAbsent: z.boolean().default(false),
    /** Keystore secrets that exist before any run (name -> value). */
    keystore: z.record(z.string().min(1), z.string()).default({}),
    /** Persistent cluster settings, flat (`cluster.remote.x.mode`). */
    persistentSettings: z.record(z.string().min(1), z.unknown()).default({}),
    roles: z.record(z.string().min(1), z.record(z.string(), z.unknown())).default({}),
    apiKeys: z.array(ApiKeySpec).default([]),
    /** Indices with documents (leaders for cross-cluster replication). */
    indices: z.array(IndexSeed).default([]),
    /** Transforms (read-only: GET _transform), with the indices they read. */
    transforms: z.array(TransformSeed).default([]),
    /** Machine learning datafeeds (read-only: GET _ml/datafeeds), with the indices they read. */
    datafeeds: z.array(DatafeedSeed).default([]),
  })
  .strict();

const TrustRelationshipSpec = z
  .object({
    id: Hex32,
    name: z.string().min(1),
    account_ids: z.array(z.string().min(1)).default([]),
    installation_id: z.string().optional(),
    trust_by_default: z.boolean().default(false),
    /** The trusted environment's CA; or `environment` to copy the CA of an environment of this topology. */
    public_ca_cert: Pem.optional(),
    environment: EnvironmentName.optional(),
  })
  .strict();

export const EnvironmentSpec = z
  .object({
    accountId: Hex32.optional(),
    installationId: z.string().min(1).optional(),
    eceVersion: Version.default('3.8.1'),
    region: z.string().min(1).default('ece-region'),
    proxyCa: z.enum(['private', 'public']).default('private'),
    /** ECE API key; generated when omitted. */
    apiKey: z.string().min(8).optional(),
    /** Non-local trust relationships that exist before any run. */
    trustRelationships: z.array(TrustRelationshipSpec).default([]),
    deployments: z.array(DeploymentSpec).min(1, 'must list at least one deployment'),
  })
  .strict();

export const Topology = z
  .object({
    environments: z
      .record(EnvironmentName, EnvironmentSpec)
      .refine((e) => Object.keys(e).length > 0, 'must define at least one environment'),
  })
  .strict()
  .superRefine((topology, ctx) => {
    const seen = new Map<string, string>();
    for (const [env, spec] of Object.entries(topology.environments)) {
      spec.deployments.forEach((d, i) => {
        const other = seen.get(d.id);
        if (other) {
          ctx.addIssue({
            code: 'custom',
            path: ['environments', env, 'deployments', i, 'id'],
            message: `deployment id ${d.id} is already used in ${other}`,
          });
        }
        seen.set(d.id, env);
      });
      spec.deployments.forEach((d, i) => {
        d.indices.forEach((index, j) => {
          if (d.indices.findIndex((other) => other.name === index.name) !== j) {
            ctx.addIssue({
              code: 'custom',
              path: ['environments', env, 'deployments', i, 'indices', j, 'name'],
              message: `index ${index.name} is listed twice`,
            });
          }
        });
        if (d.trustAbsent && d.trust) {
          ctx.addIssue({
            code: 'custom',
            path: ['environments', env, 'deployments', i, 'trustAbsent'],
            message: 'a deployment with trustAbsent has no trust',
          });
        }
      });
      spec.trustRelationships.forEach((t, i) => {
        if (t.environment && !topology.environments[t.environment]) {
          ctx.addIssue({
            code: 'custom',
            path: ['environments', env, 'trustRelationships', i, 'environment'],
            message: `names no environment of this topology`,
          });
        }
      });
    }
  });
export type Topology = z.infer<typeof Topology>;
export type TopologyInput = z.input<typeof Topology>;
export type EnvironmentSpec = z.infer<typeof EnvironmentSpec>;
export type DeploymentSpec = z.infer<typeof DeploymentSpec>;

/** Parses a topology; throws a ValidationError naming every bad field. */
export function parseTopology(input: unknown): Topology {
  return parseOrThrow(Topology, input, 'topology');
}
