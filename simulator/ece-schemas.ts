/**
 * The request bodies the coordinator accepts, after the spec's definitions (TrustRelationshipCreateRequest,
 * TrustRelationshipUpdateRequest, DeploymentUpdateRequest, KeystoreContents). Known fields are checked;
 * the large plan objects pass through beyond their required parts.
 */
import { z } from 'zod';

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

const AccountTrustRelationship = z
  .object({
    account_id: z.string().min(1),
    trust_all: z.boolean(),
    trust_allowlist: z.array(z.string()).optional(),
    name: z.string().optional(),
  })
  .strict();

const ExternalTrustRelationship = z
  .object({
    trust_relationship_id: z.string().min(1),
    trust_all: z.boolean(),
    trust_allowlist: z.array(z.string()).optional(),
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
    trust_allowlist: z.array(z.string()).optional(),
    scope_id: z
      .string()
      .regex(/^[a-z0-9]{1,32}$/, 'must be up to 32 lowercase letters and digits')
      .optional(),
    additional_node_names: z.array(z.string()).optional(),
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

export const TrustSettings = z
  .object({
    accounts: z.array(AccountTrustRelationship).optional(),
    external: z.array(ExternalTrustRelationship).optional(),
    direct: z.array(DirectTrustRelationship).optional(),
  })
  .strict();
export type TrustSettings = z.infer<typeof TrustSettings>;

const KeystoreSecret = z
  .object({
    value: z.union([z.string(), z.record(z.string(), z.unknown()), z.null()]).optional(),
    as_file: z.boolean().optional(),
  })
  .strict();

export const KeystoreContents = z.object({ secrets: z.record(z.string().min(1), KeystoreSecret.nullable()) }).strict();
export type KeystoreContents = z.infer<typeof KeystoreContents>;

const ElasticsearchClusterPlan = z.looseObject({
  cluster_topology: z.array(z.record(z.string(), z.unknown())),
  elasticsearch: z.looseObject({
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, 'must be a stack version such as "8.15.1"')
      .optional(),
  }),
});

const ElasticsearchClusterSettings = z.looseObject({
  trust: TrustSettings.nullable().optional(),
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

export const DeploymentUpdateRequest = z
  .object({
    name: z.string().min(1).optional(),
    alias: z.string().optional(),
    prune_orphans: z.boolean(),
    resources: z
      .object({
        elasticsearch: z.array(ElasticsearchPayload).optional(),
        kibana: z.array(z.unknown()).optional(),
        apm: z.array(z.unknown()).optional(),
        appsearch: z.array(z.unknown()).optional(),
        enterprise_search: z.array(z.unknown()).optional(),
        integrations_server: z.array(z.unknown()).optional(),
      })
      .strict()
      .optional(),
    settings: z.record(z.string(), z.unknown()).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type DeploymentUpdateRequest = z.infer<typeof DeploymentUpdateRequest>;
