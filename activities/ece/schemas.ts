import { z } from 'zod';

/**
 * The ECE responses crosslink reads: only the fields it uses, loose objects (ECE returns many more).
 * Field names and shapes: the spec (ECE-OAS) definitions named in each comment.
 */

/** PlatformInfo */
export const PlatformInfo = z.looseObject({ version: z.string() });
export type PlatformInfo = z.infer<typeof PlatformInfo>;

/** TrustRelationshipGetResponse */
export const TrustRelationship = z.looseObject({
  id: z.string(),
  name: z.string(),
  local: z.boolean(),
  trust_by_default: z.boolean().optional(),
  account_ids: z.array(z.string()).optional(),
  installation_id: z.string().optional(),
  public_ca_cert: z.string().optional(),
});
export type TrustRelationship = z.infer<typeof TrustRelationship>;

/** TrustRelationshipsListResponse */
export const TrustRelationshipList = z.looseObject({ trust_relationships: z.array(TrustRelationship) });

/** TrustRelationshipCreateResponse */
export const TrustRelationshipCreated = z.looseObject({ id: z.string() });

/** TlsPublicCertChain */
export const TlsPublicCertChain = z.looseObject({ chain: z.array(z.string()) });

/** ElasticsearchClusterPlanInfo: plan_attempt_log steps and the error of a failed plan. */
const PlanStep = z.looseObject({ step_id: z.string(), status: z.string() });
const PlanInfo = z.looseObject({
  plan: z.record(z.string(), z.unknown()).optional(),
  plan_attempt_log: z.array(PlanStep).optional(),
  plan_attempt_id: z.string().optional(),
  error: z.looseObject({ message: z.string().optional() }).nullish(),
});
export type PlanInfo = z.infer<typeof PlanInfo>;

/** ElasticsearchResourceInfo (the parts crosslink reads). */
export const ElasticsearchResourceInfo = z.looseObject({
  ref_id: z.string(),
  id: z.string(),
  region: z.string(),
  info: z.looseObject({
    cluster_id: z.string().optional(),
    cluster_name: z.string().optional(),
    healthy: z.boolean(),
    status: z.string().optional(),
    metadata: z.looseObject({
      endpoint: z.string().optional(),
      service_url: z.string().optional(),
    }),
    plan_info: z.looseObject({
      pending: PlanInfo.nullish(),
      current: PlanInfo.nullish(),
    }),
    settings: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ElasticsearchResourceInfo = z.infer<typeof ElasticsearchResourceInfo>;

/** DeploymentGetResponse */
export const DeploymentGet = z.looseObject({
  id: z.string(),
  name: z.string(),
  healthy: z.boolean(),
  resources: z.looseObject({ elasticsearch: z.array(ElasticsearchResourceInfo) }),
});
export type DeploymentGet = z.infer<typeof DeploymentGet>;

/** KeystoreContents: names and `as_file` only; ECE never returns values. */
export const KeystoreContents = z.looseObject({
  secrets: z.record(z.string(), z.looseObject({ as_file: z.boolean().optional() })),
});
