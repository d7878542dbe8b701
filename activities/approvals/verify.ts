/**
 * `verifyApprovalDecision`: a gate decision counts only when its token is a JWS signed by the
 * named approver's own key (from the worker's policy, never from the request or the sender), bound
 * to this run, gate, decision and text, not expired, and the approver may decide this gate and is
 * not the requester. Every refusal is returned with its reason so the workflow records it.
 */
import { errors, importJWK, jwtVerify } from 'jose';
import {
  type ApprovalPolicyConfig,
  DECISION_ALGORITHMS,
  DECISION_AUDIENCE,
  DECISION_TOKEN_TYPE,
  DecisionClaims,
  type VerifyDecisionInput,
  type VerifyDecisionResult,
  durationToMs,
} from '../../domain';
import { gateApprovers, remainingApprovals } from './policy';

/** Clock skew allowed between the approver's machine and the worker. */
const CLOCK_TOLERANCE_S = 30;

export async function verifyApprovalDecision(
  policy: ApprovalPolicyConfig | undefined,
  input: VerifyDecisionInput,
  now: Date = new Date(),
): Promise<VerifyDecisionResult> {
  const approvers = gateApprovers(policy, input.connection, input.gate);
  const refuse = (reason: string): VerifyDecisionResult => ({ accepted: false, reason, approvers });
  const who = input.approver;
  const allowed = [...new Set(approvers.groups.flatMap((g) => g.approvers))];

  if (!policy)
    return refuse('the worker has no approval policy (approvals in the environments file): nobody may decide');
  if (!allowed.includes(who)) {
    return refuse(`${who} may not decide gate "${input.gate}" (approvers: ${allowed.join(', ') || 'none'})`);
  }
  const entry = policy.approvers[who];
  if (!entry) return refuse(`${who} has no public key in the approval policy`);
  if (!input.token) return refuse(`unsigned decision: a decision by ${who} needs a token signed with their key`);

  let claims: DecisionClaims;
  try {
    const key = await importJWK({ ...entry.publicKey }, entry.publicKey.kty === 'OKP' ? 'EdDSA' : 'ES256');
    const { payload } = await jwtVerify(input.token, key, {
      algorithms: [...DECISION_ALGORITHMS],
      typ: DECISION_TOKEN_TYPE,
      audience: DECISION_AUDIENCE,
      issuer: who,
      subject: input.workflowId,
      requiredClaims: ['iat', 'exp', 'jti'],
      maxTokenAge: Math.floor(durationToMs(policy.decisionMaxAge) / 1000),
      clockTolerance: CLOCK_TOLERANCE_S,
      currentDate: now,
    });
    const parsed = DecisionClaims.safeParse(payload);
    if (!parsed.success) return refuse(`decision token claims are malformed: ${parsed.error.issues[0]?.message}`);
    claims = parsed.data;
  } catch (err) {
    return refuse(tokenRefusal(err, who));
  }

  const maxAgeS = Math.floor(durationToMs(policy.decisionMaxAge) / 1000);
  if (claims.exp - claims.iat > maxAgeS) {
    return refuse(`the decision token is valid for longer than the policy allows (${policy.decisionMaxAge})`);
  }
  if (claims.run !== input.runId) return refuse('the decision token was signed for another run of this connection');
  if (claims.gate !== input.gate) return refuse(`the decision token was signed for gate "${claims.gate}"`);
  if (claims.decision !== input.decision) return refuse(`the decision token was signed to ${claims.decision}`);
  if ((claims.text ?? '') !== (input.text ?? '')) return refuse('the comment or reason differs from the signed one');
  if (input.changeDigest !== undefined && claims.change !== input.changeDigest) {
    return refuse(
      claims.change
        ? `the decision token was signed for another change (${claims.change}); the gate guards ${input.changeDigest}: review the change shown by crosslink status and sign again`
        : `the decision token names no change; the gate guards ${input.changeDigest}: sign the change shown by crosslink status (crosslink approve does)`,
    );
  }
  if (input.usedTokenIds.includes(claims.jti)) return refuse('this decision token was already used');
  if (who === input.connection.requestedBy) {
    return refuse(`${who} requested this connection and may not decide on it (four-eyes rule)`);
  }
  if (input.decision === 'approve' && input.approvedBy.includes(who)) {
    return refuse(`${who} already approved gate "${input.gate}"; it needs distinct approvers`);
  }
  const approvedBy = input.decision === 'approve' ? [...input.approvedBy, who] : input.approvedBy;
  const remaining = remainingApprovals(approvers, approvedBy);
  return {
    accepted: true,
    approver: who,
    tokenId: claims.jti,
    satisfied: remaining === undefined,
    ...(remaining !== undefined ? { remaining } : {}),
    approvers,
  };
}

/** Why jose refused the token, in words an approver can act on (never the token itself). */
function tokenRefusal(err: unknown, who: string): string {
  if (err instanceof errors.JWTExpired) {
    const exp = typeof err.payload.exp === 'number' ? ` at ${new Date(err.payload.exp * 1000).toISOString()}` : '';
    return `the decision token expired${exp}; sign a new decision`;
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return `the signature is not ${who}'s: it does not verify with ${who}'s public key in the approval policy`;
  }
  if (err instanceof errors.JWTClaimValidationFailed)
    return `decision token claim "${err.claim}" is invalid: ${err.reason}`;
  if (err instanceof errors.JOSEAlgNotAllowed)
    return 'the decision token uses a signature algorithm crosslink does not accept';
  if (err instanceof errors.JOSEError) return `the decision token is invalid: ${err.message}`;
  return `the decision token could not be checked: ${(err as Error).message}`;
}
