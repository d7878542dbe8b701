import { type StepInput } from '../../domain/activities';
import { type CreatedResource, type StepRecord, type TrustSettings, type UndoReport } from '../../domain/records';
import { type Deps, type StepContext } from '../context';
import { proxyCaEntryName } from '../marks';
import { directHoldsPem } from '../ece/deployments';
import { modifyTrust } from './shared';

type Direct = NonNullable<TrustSettings['direct']>[number];

function resource(input: StepInput): CreatedResource {
  const local = input.preflight.local;
  return {
    step: 'proxy-ca',
    environment: local.environment,
    deploymentId: local.deploymentId,
    kind: 'proxy-ca-trust',
    id: proxyCaEntryName(input.request.remote.environment),
    description: `trust.direct "${proxyCaEntryName(input.request.remote.environment)}" (type proxy) with the root CA of ${input.request.remote.environment}'s proxy (${input.preflight.proxyCa?.fingerprintSha256 ?? '?'})`,
  };
}

/** The local deployment trusts the remote environment's private proxy root CA (`trust.direct`, type proxy). */
export async function ensureProxyCaTrust(deps: Deps, ctx: StepContext, input: StepInput): Promise<StepRecord> {
  const ca = input.preflight.proxyCa;
  if (!ca || !ca.private) {
    return { attempt: ctx.attempt, created: [], detail: 'the remote proxy CA is public: nothing to trust' };
  }
  const name = proxyCaEntryName(input.request.remote.environment);
  const changed = await modifyTrust(deps, ctx, input.preflight.local, (trust) => {
    const direct = trust.direct ?? [];
    if (direct.some((d) => directHoldsPem(d, ca.rootPem))) return undefined;
    const entry: Direct = { type: 'proxy', name, trust_all: false, certificates: [{ pem: ca.rootPem }] };
    return { ...trust, direct: [...direct, entry] };
  });
  const before = (input.preflight.local.trustBefore.direct ?? []).some((d) => directHoldsPem(d, ca.rootPem));
  return {
    attempt: ctx.attempt,
    created: before ? [] : [resource(input)],
    detail: changed ? `added trust.direct "${name}"` : 'the local deployment already trusts the remote proxy root CA',
  };
}

/** Remove exactly the entry this step adds, unless it was there before the run. */
export async function removeProxyCaTrust(deps: Deps, ctx: StepContext, input: StepInput): Promise<UndoReport> {
  const ca = input.preflight.proxyCa;
  const local = input.preflight.local;
  const name = proxyCaEntryName(input.request.remote.environment);
  const before = local.trustBefore.direct ?? [];
  let removed = false;
  if (ca?.private && !before.some((d) => d.name === name || directHoldsPem(d, ca.rootPem))) {
    removed = await modifyTrust(deps, ctx, local, (trust) => {
      const direct = trust.direct ?? [];
      const next = direct.filter((d) => !(d.name === name && directHoldsPem(d, ca.rootPem)));
      if (next.length === direct.length) return undefined;
      const result: TrustSettings = { ...trust, direct: next };
      if (next.length === 0 && local.trustBefore.direct === undefined) delete result.direct;
      return result;
    });
  }
  return {
    attempt: ctx.attempt,
    removed: removed ? [resource(input)] : [],
    detail: removed ? `removed trust.direct "${name}"` : 'no proxy CA entry of this run',
  };
}
