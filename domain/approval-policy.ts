/**
 * Who may decide approval gates, and how a decision is proven. The policy is the operator's
 * (worker-side configuration, `approvals` in the environments file); the request never names
 * approvers. A decision counts only with a compact JWS (RFC 7515/7519) signed by the approver's own
 * key, whose public half is in the policy. Only schemas here: verification runs in an activity.
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import { DeploymentId, Duration, EnvironmentName, Identity } from './ids';
import { StepId } from './step-catalog';

/** `aud` of every decision token. */
export const DECISION_AUDIENCE = 'crosslink';
/** JOSE `typ` header of a decision token: a token made for anything else is refused. */
export const DECISION_TOKEN_TYPE = 'crosslink-decision+jwt';
/** Signature algorithms accepted (RFC 8037 EdDSA with Ed25519, RFC 7518 ES256 with P-256). */
export const DECISION_ALGORITHMS = ['EdDSA', 'ES256'] as const;

/** An approver's public key as a JWK (RFC 7517): Ed25519 (OKP) or P-256 (EC). Never a private key. */
export const ApproverPublicKey = lazySchema(() =>
  z.union(
    [
      z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string().min(43) }).strip(),
      z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string().min(43), y: z.string().min(43) }).strip(),
    ],
    {
      error:
        'must be a public JWK: {"kty":"OKP","crv":"Ed25519","x":...} or {"kty":"EC","crv":"P-256","x":...,"y":...}',
    },
  ),
);
export type ApproverPublicKey = z.infer<typeof ApproverPublicKey>;

/** One rule of the policy: for the connections it covers, these gates need these approvers. */
export const ApprovalRule = lazySchema(() =>
  z
    .object({
      /** The rule covers a connection whose local or remote side is in one of these environments... */
      environments: z.array(EnvironmentName).optional(),
      /** ...or is one of these deployments. Neither set: every connection. */
      deployments: z.array(DeploymentId).optional(),
      /** Gates every covered connection waits at, whatever the request says. */
      gates: z.array(StepId).default([]),
      /** Who may decide those gates (and gates the request adds), by the ids in `approvers`. */
      approvers: z.array(Identity).min(1, 'must name at least one approver'),
      /** Distinct approvals each gate needs (never counting the requester). */
      required: z.number().int().min(1).default(1),
    })
    .strict(),
);
export type ApprovalRule = z.infer<typeof ApprovalRule>;

/** The `approvals` section of the environments file. */
export const ApprovalPolicyConfig = lazySchema(() =>
  z
    .object({
      /** Every approver the rules name, with the public key their decisions are checked against. */
      approvers: z.record(Identity, z.object({ publicKey: ApproverPublicKey }).strict()),
      rules: z.array(ApprovalRule).default([]),
      /** Longest lifetime (exp - iat) a decision token may have. */
      decisionMaxAge: Duration.default('10m'),
    })
    .strict()
    .superRefine((p, ctx) => {
      p.rules.forEach((rule, i) =>
        rule.approvers.forEach((a, j) => {
          if (!p.approvers[a]) {
            ctx.addIssue({
              code: 'custom',
              path: ['rules', i, 'approvers', j],
              message: `"${a}" has no entry (public key) in approvals.approvers`,
            });
          }
        }),
      );
    }),
);
export type ApprovalPolicyConfig = z.infer<typeof ApprovalPolicyConfig>;
export type ApprovalPolicyConfigInput = z.input<typeof ApprovalPolicyConfig>;

/** Who decides one gate of one connection: every group must reach its `required` count. */
export const GateApprovers = lazySchema(() =>
  z.object({
    gate: StepId,
    groups: z.array(
      z.object({
        /** Which rule this is, for people: "environment ece-b", "every connection". */
        scope: z.string(),
        approvers: z.array(z.string()),
        required: z.number().int(),
      }),
    ),
  }),
);
export type GateApprovers = z.infer<typeof GateApprovers>;

/** The policy as it applies to one connection (what preflight reports to the workflow). */
export const ConnectionApprovals = lazySchema(() =>
  z.object({
    /** Gates the policy requires, added to the request's own. */
    gates: z.array(StepId),
    approvers: z.array(GateApprovers),
  }),
);
export type ConnectionApprovals = z.infer<typeof ConnectionApprovals>;

export const DecisionKind = lazySchema(() => z.enum(['approve', 'reject']));
export type DecisionKind = z.infer<typeof DecisionKind>;

/** The claims a decision token carries: each binds the decision to one gate of one run. */
export const DecisionClaims = lazySchema(() =>
  z.object({
    iss: Identity,
    aud: z.union([z.literal(DECISION_AUDIENCE), z.array(z.string())]),
    /** Workflow id. */
    sub: z.string().min(1),
    /** Run id: a token for an earlier run of the same connection does not count. */
    run: z.string().min(1),
    gate: StepId,
    decision: DecisionKind,
    /** The approval's comment or the rejection's reason, as recorded. */
    text: z.string().max(2000).optional(),
    /** The digest of the change the decision is about (domain/changes.ts); required where the gate shows one. */
    change: z.string().max(100).optional(),
    iat: z.number().int(),
    exp: z.number().int(),
    jti: z.string().min(8).max(200),
  }),
);
export type DecisionClaims = z.infer<typeof DecisionClaims>;

/** Input of the `verifyApprovalDecision` activity. */
export interface VerifyDecisionInput {
  workflowId: string;
  runId: string;
  connection: {
    local: { environment: string; deploymentId: string };
    remote: { environment: string; deploymentId: string };
    requestedBy: string;
  };
  gate: StepId;
  decision: DecisionKind;
  /** Who the sender says decided; the token must be theirs. */
  approver: string;
  text?: string;
  token?: string;
  /** Approvers whose approvals of this gate already counted in this run. */
  approvedBy: string[];
  /** Token ids already used in this run. */
  usedTokenIds: string[];
  /** The digest of the change the pending gate guards: the token must be signed for it (absent in older runs). */
  changeDigest?: string;
}

/** Result of `verifyApprovalDecision`: a refusal is a result, not a failure, so it is recorded. */
export type VerifyDecisionResult =
  | {
      accepted: true;
      approver: string;
      tokenId: string;
      /** Approve only: whether every group of the gate has reached its count with this approval. */
      satisfied: boolean;
      /** What is still missing, for the audit trail ("1 more of [bob, carol] (environment ece-b)"). */
      remaining?: string;
      approvers: GateApprovers;
    }
  | { accepted: false; reason: string; approvers?: GateApprovers };
