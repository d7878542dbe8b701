/**
 * The request bodies the coordinator accepts, after the spec's definitions (TrustRelationshipCreateRequest,
 * TrustRelationshipUpdateRequest, DeploymentUpdateRequest, KeystoreContents). Known fields are checked;
 * the large plan objects pass through beyond their required parts.
 */
import { z } from 'zod';
import { type NullListsReading } from './unconfirmed';

const PemCertificate = z
  .string()
  .regex(/^\s*-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/, 'must be a PEM encoded certificate');

export const TrustRelationshipCreateRequest = z
  .object({
    name: z.string().min(1, 'must not be empty'),
    public_ca_cert: PemCertificate,
    trust_by_default: z.boolean().optional(),
    account_ids: z.array(z.string().min(1)).optional(),
    installation_id: z.string().optional(),
  })
  .strict();

export const TrustRelationshipUpdateRequest = z
  .object({
    name: z.string().min(1, 'must not be empty').optional(),
    public_ca_cert: PemCertificate.optional(),
    trust_by_default: z.boolean().optional(),
    account_ids: z.array(z.string().min(1)).optional(),
    installation_id: z.string().optional(),
  })
  .strict();

const KeystoreSecret = z
  .object({
    value: z.union([z.string(), z.record(z.string(), z.unknown()), z.null()]).optional(),
    as_file: z.boolean().optional(),
  })
  .strict();

export const KeystoreContents = z.object({ secrets: z.record(z.string().min(1), KeystoreSecret.nullable()) }).strict();
export type KeystoreContents = z.infer<typeof KeystoreContents>;

/**
 * An optional list of the update request. A `null` there is what Elastic's Go SDK sends for an
 * empty list or an omitted resource; whether ECE takes it is UNCONFIRMED (`nullListsInDeploymentUpdate`):
 * 'accepted' reads it as the field omitted, 'refused' fails the schema.
 */
function optionalList<T extends z.ZodType>(item: T, reading: NullListsReading) {
  const list = z.array(item);
  return reading === 'accepted' ? list.nullish().transform((v) => v ?? undefined) : list.optional();
}

function trustSettings(reading: NullListsReading) {
  const AccountTrustRelationship = z
    .object({
      account_id: z.string().min(1),
      trust_all: z.boolean(),
      trust_allowlist: optionalList(z.string(), reading),
      name: z.string().optional(),
    })
    .strict();

  const ExternalTrustRelationship = z
    .object({
      trust_relationship_id: z.string().min(1),
      trust_all: z.boolean(),
      trust_allowlist: optionalList(z.string(), reading),
      /** Retrieved from the trust relationship and ignored on write (spec). */
      name: z.string().optional(),
    })
    .strict();

  const DirectTrustRelationship = z
    .object({
      uid: z.string().optional(),
      name: z.string().min(1),
      type: z.enum(['ECE', 'ESS', 'generic', 'proxy']).optional(),
      trust_all: z.boolean(),
      trust_allowlist: optionalList(z.string(), reading),
      scope_id: z
        .string()
        .regex(/^[a-z0-9]{1,32}$/, 'must be up to 32 lowercase letters and digits')
        .optional(),
      additional_node_names: optionalList(z.string(), reading),
      certificates: z
        .array(z.object({ pem: PemCertificate, metadata: z.record(z.string(), z.unknown()).optional() }).strict())
        .min(1, 'must hold at least one certificate'),
    })
    .strict()
    .superRefine((d, ctx) => {
      // Spec: "If proxy is specified, trust_all should be false and trust_allowlist, scope_id and
      // additional_node_names should be omitted."
      if (d.type !== 'proxy') return;
      if (d.trust_all) ctx.addIssue({ code: 'custom', path: ['trust_all'], message: 'must be false for type proxy' });
      for (const k of ['trust_allowlist', 'scope_id', 'additional_node_names'] as const) {
        if (d[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'must be omitted for type proxy' });
      }
    });

  return z
    .object({
      accounts: optionalList(AccountTrustRelationship, reading),
      external: optionalList(ExternalTrustRelationship, reading),
      direct: optionalList(DirectTrustRelationship, reading),
    })
    .strict();
}

const ElasticsearchClusterPlan = z.looseObject({
  cluster_topology: z.array(z.record(z.string(), z.unknown())),
  elasticsearch: z.looseObject({
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, 'must be a stack version such as "8.15.1"')
      .optional(),
  }),
});

function deploymentUpdateSchema(reading: NullListsReading) {
  const ElasticsearchClusterSettings = z.looseObject({
    trust: trustSettings(reading).nullable().optional(),
    keystore_contents: KeystoreContents.optional(),
  });

  const ElasticsearchPayload = z
    .object({
      ref_id: z.string().min(1),
      display_name: z.string().optional(),
      region: z.string().min(1),
      plan: ElasticsearchClusterPlan,
      settings: ElasticsearchClusterSettings.optional(),
    })
    .strict();

  return z
    .object({
      name: z.string().min(1).optional(),
      alias: z.string().optional(),
      prune_orphans: z.boolean(),
      resources: z
        .object({
          elasticsearch: optionalList(ElasticsearchPayload, reading),
          kibana: optionalList(z.unknown(), reading),
          apm: optionalList(z.unknown(), reading),
          appsearch: optionalList(z.unknown(), reading),
          enterprise_search: optionalList(z.unknown(), reading),
          integrations_server: optionalList(z.unknown(), reading),
        })
        .strict()
        .optional(),
      settings: z.record(z.string(), z.unknown()).optional(),
      metadata: z.record(z.string(), z.unknown()).optional(),
    })
    .strict();
}

const DEPLOYMENT_UPDATE = {
  accepted: deploymentUpdateSchema('accepted'),
  refused: deploymentUpdateSchema('refused'),
} as const;

/** The `DeploymentUpdateRequest` schema under a reading of `null` lists. */
export const deploymentUpdateRequest = (reading: NullListsReading) => DEPLOYMENT_UPDATE[reading];
export type DeploymentUpdateRequest = z.infer<(typeof DEPLOYMENT_UPDATE)['accepted']>;
export type TrustSettings = z.infer<ReturnType<typeof trustSettings>>;
