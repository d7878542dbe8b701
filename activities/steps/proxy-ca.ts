import {
  type CreatedResource,
  type KeptResource,
  type StepInput,
  type StepRecord,
  type TrustSettings,
  type UndoReport,
} from '../../domain';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { isProxyCaEntryName, proxyCaEntryName } from '../marks';
import { directHoldsPem } from '../ece/deployments';
import { getKeystoreNames } from '../ece/keystore';
import { getPersistentSettings } from '../elasticsearch/cluster';
import { eceFor, esFor, modifyTrust } from './shared';
import { keepReason, proxyCaUsers, proxyDomain } from './shared-trust-users';
import { type StepDescribers, currentTrust, trustUpdateRequest } from '../changes';

type Direct = NonNullable<TrustSettings['direct']>[number];

function resource(
  input: StepInput,
  name = proxyCaEntryName(input.request.remote.environment, input.connectionId),
): CreatedResource {
  const local = input.preflight.local;
  return {
    step: 'proxy-ca',
    environment: local.environment,
    deploymentId: local.deploymentId,
    kind: 'proxy-ca-trust',
    id: name,
    description: `trust.direct "${name}" (type proxy) with the root CA of ${input.request.remote.environment}'s proxy (${input.preflight.proxyCa?.fingerprintSha256 ?? '?'})`,
  };
}

/**
 * The local deployment trusts the remote environment's private proxy root CA (`trust.direct`, type
 * proxy). The entry is shared by every connection into that environment; it counts as created by
 * this run only when this run's own write added it: the write succeeded here, or (a lost response)
 * the entry holding the CA carries this connection's mark in its name.
 */
export async function ensureProxyCaTrust(deps: Deps, ctx: StepContext, input: StepInput): Promise<StepRecord> {
  const ca = input.preflight.proxyCa;
  if (!ca || !ca.private) {
    return { attempt: ctx.attempt, created: [], detail: 'the remote proxy CA is public: nothing to trust' };
  }
  const name = proxyCaEntryName(input.request.remote.environment, input.connectionId);
  let found: Direct | undefined;
  const changed = await modifyTrust(deps, ctx, input.preflight.local, (trust) => {
    const direct = trust.direct ?? [];
    found = direct.find((d) => directHoldsPem(d, ca.rootPem));
    if (found) return undefined;
    const entry: Direct = { type: 'proxy', name, trust_all: false, certificates: [{ pem: ca.rootPem }] };
    return { ...trust, direct: [...direct, entry] };
  });
  const ours = changed || found?.name === name;
  return {
    attempt: ctx.attempt,
    created: ours ? [resource(input)] : [],
    detail: changed
      ? `added trust.direct "${name}"`
      : ours
        ? `trust.direct "${name}" already added by this connection`
        : `the local deployment already trusts the remote proxy root CA (entry "${String(found?.name)}")`,
  };
}

/**
 * Remove crosslink's proxy-CA entry for the remote environment when nothing on the local cluster
 * still needs it, decided now from its remote-cluster settings and keystore (see
 * shared-trust-users.ts); an entry crosslink did not name is never removed.
 */
export async function removeProxyCaTrust(deps: Deps, ctx: StepContext, input: StepInput): Promise<UndoReport> {
  const ca = input.preflight.proxyCa;
  const local = input.preflight.local;
  const environment = input.request.remote.environment;
  if (!ca?.private) return { attempt: ctx.attempt, removed: [], detail: 'no proxy CA entry of this run' };
  const [settings, keystore] = await Promise.all([
    getPersistentSettings(esFor(deps, local), ctx.signal),
    getKeystoreNames(eceFor(deps, local), local.deploymentId, local.refId, ctx.signal),
  ]);
  const reason = keepReason(
    proxyCaUsers(settings, keystore, proxyDomain(input.preflight.remote.endpoint), input.request.alias),
  );
  const removed: string[] = [];
  const kept: KeptResource[] = [];
  await modifyTrust(deps, ctx, local, (trust) => {
    removed.length = 0;
    kept.length = 0;
    const direct = trust.direct ?? [];
    const crosslinks = direct.filter((d) => isProxyCaEntryName(d.name, environment) && directHoldsPem(d, ca.rootPem));
    if (crosslinks.length === 0) return undefined;
    if (reason) {
      kept.push(...crosslinks.map((d) => ({ resource: resource(input, d.name), reason })));
      return undefined;
    }
    removed.push(...crosslinks.map((d) => d.name));
    const next = direct.filter((d) => !crosslinks.includes(d));
    const result: TrustSettings = { ...trust, direct: next };
    if (next.length === 0 && local.trustBefore.direct === undefined) delete result.direct;
    return result;
  });
  return {
    attempt: ctx.attempt,
    removed: removed.map((n) => resource(input, n)),
    ...(kept.length ? { kept } : {}),
    detail: removed.length
      ? `removed trust.direct ${removed.map((n) => `"${n}"`).join(', ')}`
      : kept.length
        ? `kept trust.direct "${kept[0]!.resource.id}": ${kept[0]!.reason}`
        : 'no crosslink proxy CA entry for this environment',
  };
}

export const activities = { ensureProxyCaTrust, removeProxyCaTrust } satisfies StepImplementations;

/** What ensureProxyCaTrust would write now: one `trust.direct` entry, or nothing when the CA is trusted. */
async function describeProxyCa(deps: Deps, ctx: StepContext, input: StepInput) {
  const ca = input.preflight.proxyCa;
  const local = input.preflight.local;
  if (!ca || !ca.private)
    return { summary: 'the remote proxy CA is public: nothing to trust', requests: [], changes: [] };
  const direct = (await currentTrust(deps, ctx, local)).direct ?? [];
  const found = direct.find((d) => directHoldsPem(d, ca.rootPem));
  if (found) {
    return {
      summary: `${local.deploymentId} already trusts the CA (entry "${String(found.name)}")`,
      requests: [],
      changes: [],
    };
  }
  const name = proxyCaEntryName(input.request.remote.environment, input.connectionId);
  const entry = {
    type: 'proxy',
    name,
    trust_all: false,
    certificates: [{ pem: `<${ca.subject}, SHA-256 ${ca.fingerprintSha256}>` }],
  };
  return {
    summary: `${local.deploymentId} trusts ${input.request.remote.environment}'s proxy root CA (${ca.subject}, SHA-256 ${ca.fingerprintSha256})`,
    requests: [trustUpdateRequest(local, { 'trust.direct': ['...', entry] })],
    changes: [{ what: `trust.direct of ${local.deploymentId}`, after: `+ "${name}"` }],
  };
}

export const changes = { ensureProxyCaTrust: describeProxyCa } satisfies StepDescribers;
