/**
 * The operator's approval policy applied to one connection: which rules cover it, which gates they
 * require, who decides each gate. Pure functions of the worker's configuration and the request.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  type ApprovalPolicyConfig,
  type ApprovalRule,
  type ConnectionApprovals,
  FailureType,
  type GateApprovers,
  type StepId,
} from '../../domain';

export interface ConnectionSides {
  local: { environment: string; deploymentId: string };
  remote: { environment: string; deploymentId: string };
}

function covers(rule: ApprovalRule, c: ConnectionSides): boolean {
  if (!rule.environments && !rule.deployments) return true;
  return [c.local, c.remote].some(
    (side) => rule.environments?.includes(side.environment) || rule.deployments?.includes(side.deploymentId),
  );
}

function scopeOf(rule: ApprovalRule): string {
  const parts = [
    ...(rule.environments ?? []).map((e) => `environment ${e}`),
    ...(rule.deployments ?? []).map((d) => `deployment ${d}`),
  ];
  return parts.length > 0 ? parts.join(', ') : 'every connection';
}

/**
 * Who decides `gate`: every covering rule that requires the gate; for a gate only the request added,
 * every covering rule (the request cannot choose a laxer set of approvers than the policy's).
 */
export function gateApprovers(
  policy: ApprovalPolicyConfig | undefined,
  c: ConnectionSides,
  gate: StepId,
): GateApprovers {
  const rules = (policy?.rules ?? []).filter((r) => covers(r, c));
  const own = rules.filter((r) => r.gates.includes(gate));
  return {
    gate,
    groups: (own.length > 0 ? own : rules).map((r) => ({
      scope: scopeOf(r),
      approvers: [...r.approvers],
      required: r.required,
    })),
  };
}

/**
 * The gates this connection waits at (the policy's and the request's) and who decides each. A gate
 * nobody may decide is refused now (ConfigurationError), not after the run waited for its deadline.
 */
export function connectionApprovals(
  policy: ApprovalPolicyConfig | undefined,
  c: ConnectionSides,
  requestGates: readonly StepId[],
): ConnectionApprovals {
  const policyGates = (policy?.rules ?? []).filter((r) => covers(r, c)).flatMap((r) => r.gates);
  const gates = [...new Set([...policyGates, ...requestGates])];
  const approvers = gates.map((gate) => gateApprovers(policy, c, gate));
  const orphan = approvers.filter((a) => a.groups.length === 0).map((a) => a.gate);
  if (orphan.length > 0) {
    throw ApplicationFailure.create({
      type: FailureType.ConfigurationError,
      message:
        `gates [${orphan.join(', ')}] have no approvers: the worker's approval policy (approvals.rules in the ` +
        `environments file) covers neither ${c.local.environment}/${c.local.deploymentId} nor ` +
        `${c.remote.environment}/${c.remote.deploymentId}`,
      nonRetryable: true,
    });
  }
  return { gates, approvers };
}

/** Whether `approvedBy` satisfies every group; else what is missing, for people. */
export function remainingApprovals(approvers: GateApprovers, approvedBy: readonly string[]): string | undefined {
  const missing = approvers.groups
    .map((g) => ({ g, have: g.approvers.filter((a) => approvedBy.includes(a)).length }))
    .filter(({ g, have }) => have < g.required)
    .map(({ g, have }) => `${g.required - have} more of [${g.approvers.join(', ')}] (${g.scope})`);
  return missing.length > 0 ? missing.join('; ') : undefined;
}
