import { ApplicationFailure } from '@temporalio/common';
import { type ConnectionRequest } from '../../domain/connection-request';
import { FailureType } from '../../domain/failures';
import { type DeploymentFacts, type PreflightResult, type ProxyCaFacts } from '../../domain/records';
import { type DecisionFacts, changeGates, decideConnect } from '../../domain/step-catalog';
import { directHoldsPem } from '../ece/deployments';
import { proxyCaEntryName } from '../marks';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { certificateFacts } from '../ece/platform';
import { proxyCaVisibility } from './proxy-ca-visibility';
import { type PreflightSnapshot, readPreflightSnapshot } from './preflight-reads';
import {
  REFUSAL_RULES,
  type RefusalRule,
  aliasSettingNames,
  assessVersions,
  connectionHeldElsewhere,
  expectedProxyAddress,
  keystoreHoldsAlias,
  pendingPlanNotes,
  rolesOfRun,
} from './preflight-rules';
import { connectionApprovals } from '../approvals/policy';
import { existingKeyOf } from './existing-key';
import { ownershipConflict } from './shared';

/**
 * Read both deployments and environments (preflight-reads.ts), refuse early (PreflightRefused,
 * every reason of every rule in preflight-rules.ts at once) when the connection cannot or must
 * not be made, and decide which steps apply and why.
 */
export async function preflight(
  deps: Deps,
  ctx: StepContext,
  input: { connectionId: string; request: ConnectionRequest },
): Promise<PreflightResult> {
  return (await assessConnection(deps, ctx, input, REFUSAL_RULES)).result;
}

/**
 * Preflight with the refusal rules of an operation (a connect's, or a migration's: the alias then
 * holds the certificate connection) and the facts each step's decision reads.
 */
export async function assessConnection(
  deps: Deps,
  ctx: StepContext,
  input: { connectionId: string; request: ConnectionRequest },
  rules: readonly RefusalRule[],
): Promise<{ result: PreflightResult; decisionFacts: DecisionFacts }> {
  const { connectionId, request } = input;
  // First, so a gate nobody may decide is refused before anything is read.
  connectionApprovals(deps.approvals, request, request.approval.gates);
  const snapshot = await readPreflightSnapshot(deps, ctx, request, connectionId);
  const heldBy = connectionHeldElsewhere(snapshot, request, connectionId, ctx.workflowId);
  if (heldBy) throw ownershipConflict(heldBy);
  const refusals = rules.flatMap((rule) => rule(snapshot, request, connectionId));
  if (refusals.length > 0) {
    throw ApplicationFailure.create({
      message: `preflight refused: ${refusals.join('; ')}`,
      type: FailureType.PreflightRefused,
      nonRetryable: true,
    });
  }

  const versions = assessVersions(request, snapshot.local.facts.version, snapshot.remote.facts.version);
  const proxyCa = proxyCaOf(deps, snapshot, request);
  const rolesBefore = rolesOfRun(snapshot, connectionId);
  const local: DeploymentFacts = { ...snapshot.local.facts, rolesBefore: rolesBefore.local };
  const remote: DeploymentFacts = { ...snapshot.remote.facts, rolesBefore: rolesBefore.remote };
  const aliasSettings = aliasSettingNames(snapshot, request);
  const keystoreHas = keystoreHoldsAlias(snapshot, request);
  const existingKey = existingKeyOf(snapshot, request, connectionId);
  const decisionFacts: DecisionFacts = {
    request,
    local,
    remote,
    ...(proxyCa ? { proxyCa } : {}),
    ...proxyCaEntry(request, local, proxyCa, connectionId),
    restartExpected: versions.restartExpected,
    versionNote: versions.note,
    notes: pendingPlanNotes(snapshot, deps.timing.planSlotWaitMs),
    expectedAddress: expectedProxyAddress(snapshot, request),
    ...(existingKey ? { existingKey } : {}),
  };
  // The gates of this change: the request's, the policy's, and those a change always waits at (an access change).
  const approvals = connectionApprovals(deps.approvals, request, [
    ...request.approval.gates,
    ...changeGates({ existingKey, request }),
  ]);
  const result: PreflightResult = {
    connectionId,
    model: request.securityModel,
    local,
    remote,
    localEnvironment: snapshot.localEnvironment,
    remoteEnvironment: snapshot.remoteEnvironment,
    proxyCa,
    localAliasBefore:
      aliasSettings.length > 0 || keystoreHas
        ? { settings: aliasSettings, keystoreCredentials: keystoreHas }
        : undefined,
    restartExpected: versions.restartExpected,
    ...(existingKey ? { existingKey } : {}),
    steps: decideConnect(decisionFacts),
    approvals,
    notify: deps.notify === true,
    attempt: ctx.attempt,
  };
  return { result, decisionFacts };
}

/** The proxy-ca step's entry name, and the entry that already holds the remote proxy root CA (the decision's facts). */
function proxyCaEntry(
  request: ConnectionRequest,
  local: DeploymentFacts,
  ca: ProxyCaFacts | undefined,
  connectionId: string,
): { proxyCaEntryName?: string; proxyCaTrustedAs?: string } {
  if (request.securityModel !== 'api_key' || !ca) return {};
  const existing = (local.trustBefore.direct ?? []).find((d) => directHoldsPem(d, ca.rootPem));
  return {
    proxyCaEntryName: proxyCaEntryName(request.remote.environment, connectionId),
    ...(existing ? { proxyCaTrustedAs: existing.name } : {}),
  };
}

/** The remote proxy's root CA (API key model), refused when the proxy presents no chain. */
function proxyCaOf(deps: Deps, snapshot: PreflightSnapshot, request: ConnectionRequest): ProxyCaFacts | undefined {
  const chain = snapshot.proxyChain;
  if (!chain) return undefined;
  const root = chain[chain.length - 1];
  if (!root) {
    throw ApplicationFailure.create({
      message: `ECE ${request.remote.environment}: the proxy certificate chain is empty: configure the proxy TLS certificate`,
      type: FailureType.PreflightRefused,
      nonRetryable: true,
    });
  }
  const c = certificateFacts(root);
  // The environment's `proxyCa` setting decides; `auto` looks at the chain (proxy-ca-visibility.ts).
  const { private: isPrivate } = proxyCaVisibility(chain, deps.registry.ece(request.remote.environment).proxyCa);
  return { rootPem: c.pem, fingerprintSha256: c.fingerprintSha256, subject: c.subject, private: isPrivate };
}

export const activities = { preflight } satisfies StepImplementations;
