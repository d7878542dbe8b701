/**
 * The fan-out's proxy-CA step: every `trust.direct` entry the pairs of a fan-out need on their one
 * local deployment, added in ONE deployment PUT (one plan, where one entry per remote environment
 * would cost a plan each). The pairs' own proxy-ca steps then find their CA trusted and add no plan.
 * Entries are named with the fan-out's id hash (marks.ts), so a retry after a lost response knows
 * which it added; the undo takes the step's own input (it works after a lost response too), finds
 * the entries by that name now and removes them only when nothing on the local cluster needs them
 * (shared-trust-users.ts), decided at undo time.
 */
import {
  type CreatedResource,
  type DeploymentFacts,
  type KeptResource,
  type ProxyCaBatch,
  type ProxyCaBatchInput,
  type TrustSettings,
  type UndoReport,
} from '../../domain';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { directHoldsPem, elasticsearchResource, getDeployment } from '../ece/deployments';
import { readDeploymentFacts } from './preflight-reads';
import { getKeystoreNames } from '../ece/keystore';
import { certificateFacts, getProxyChain } from '../ece/platform';
import { getPersistentSettings } from '../elasticsearch/cluster';
import { proxyCaEntryName } from '../marks';
import { proxyCaVisibility } from './proxy-ca-visibility';
import { eceFor, esFor, modifyTrust } from './shared';
import { keepReason, proxyCaUsers, proxyDomain } from './shared-trust-users';

type Direct = NonNullable<TrustSettings['direct']>[number];
type BatchInput = ProxyCaBatchInput;
type Batch = ProxyCaBatch;

interface Needed {
  environment: string;
  name: string;
  rootPem: string;
  fingerprint: string;
  proxyDomain: string;
}

async function readLocal(deps: Deps, ctx: StepContext, input: BatchInput): Promise<DeploymentFacts> {
  return (await readDeploymentFacts(deps, ctx, deps.registry.ece(input.local.environment), input.local)).facts;
}

/** Per remote environment: its proxy's root CA when private (public ones need no entry), and its proxy domain. */
async function neededEntries(deps: Deps, ctx: StepContext, input: BatchInput): Promise<Needed[]> {
  const byEnvironment = new Map<string, string>();
  for (const r of input.remotes)
    if (!byEnvironment.has(r.environment)) byEnvironment.set(r.environment, r.deploymentId);
  const entries = await Promise.all(
    [...byEnvironment].map(async ([environment, deploymentId]): Promise<Needed | undefined> => {
      const ece = deps.registry.ece(environment);
      const [chain, { deployment }] = await Promise.all([
        getProxyChain(ece, ctx.signal),
        getDeployment(ece, deploymentId, ctx.signal),
      ]);
      const root = chain[chain.length - 1];
      // An empty chain is the pair's preflight refusal to make, with its own reason.
      if (!root || !proxyCaVisibility(chain, ece.proxyCa).private) return undefined;
      const endpoint = elasticsearchResource(ece, deployment, undefined).info.metadata.endpoint ?? '';
      const c = certificateFacts(root);
      return {
        environment,
        name: proxyCaEntryName(environment, input.batchId),
        rootPem: c.pem,
        fingerprint: c.fingerprintSha256,
        proxyDomain: proxyDomain(endpoint),
      };
    }),
  );
  return entries.filter((e): e is Needed => e !== undefined);
}

export async function ensureProxyCaTrustForMany(deps: Deps, ctx: StepContext, input: BatchInput): Promise<Batch> {
  const [local, needed] = await Promise.all([readLocal(deps, ctx, input), neededEntries(deps, ctx, input)]);
  let added: Needed[] = [];
  let ownFound: Needed[] = [];
  const planned = await modifyTrust(deps, ctx, local, (trust) => {
    const direct = trust.direct ?? [];
    const holding = (n: Needed) => direct.find((d) => directHoldsPem(d, n.rootPem));
    // An entry holding the CA under this batch's name is ours from an attempt whose response was lost.
    ownFound = needed.filter((n) => holding(n)?.name === n.name);
    added = needed.filter((n) => !holding(n));
    if (added.length === 0) return undefined;
    const entries: Direct[] = added.map((n) => ({
      type: 'proxy',
      name: n.name,
      trust_all: false,
      certificates: [{ pem: n.rootPem }],
    }));
    return { ...trust, direct: [...direct, ...entries] };
  });
  const created = [...(planned ? added : []), ...ownFound];
  const names = created.map((n) => n.name);
  return {
    attempt: ctx.attempt,
    local,
    created: created.map(({ environment, name, rootPem, proxyDomain: domain }) => ({
      environment,
      name,
      rootPem,
      proxyDomain: domain,
    })),
    alreadyTrusted: [...new Set(input.remotes.map((r) => r.environment))].filter(
      (e) => !created.some((n) => n.environment === e),
    ),
    planned,
    detail: planned
      ? `added ${names.map((n) => `trust.direct "${n}"`).join(', ')} in one deployment change`
      : names.length
        ? `${names.join(', ')} already added by this fan-out`
        : 'the local deployment already trusts every remote proxy CA (or they are public)',
  };
}

function resource(local: DeploymentFacts, entry: { environment: string; name: string }): CreatedResource {
  return {
    step: 'proxy-ca',
    environment: local.environment,
    deploymentId: local.deploymentId,
    kind: 'proxy-ca-trust',
    id: entry.name,
    description: `trust.direct "${entry.name}" (type proxy) with the root CA of ${entry.environment}'s proxy`,
  };
}

export async function removeProxyCaTrustForMany(deps: Deps, ctx: StepContext, input: BatchInput): Promise<UndoReport> {
  const [local, needed] = await Promise.all([readLocal(deps, ctx, input), neededEntries(deps, ctx, input)]);
  // This batch's entries, by the name that marks them, as the local deployment holds them now.
  const candidates = needed.filter((n) =>
    (local.trustBefore.direct ?? []).some((d) => d.name === n.name && directHoldsPem(d, n.rootPem)),
  );
  if (candidates.length === 0) return { attempt: ctx.attempt, removed: [], detail: 'no entry of this batch is there' };
  const [settings, keystore] = await Promise.all([
    getPersistentSettings(esFor(deps, local), ctx.signal),
    getKeystoreNames(eceFor(deps, local), local.deploymentId, local.refId, ctx.signal),
  ]);
  // No alias is the fan-out's own: every pair that still dials the environment (connected, or in flight) keeps it.
  const reasons = new Map(
    candidates.map((e) => [e.name, keepReason(proxyCaUsers(settings, keystore, e.proxyDomain, ''))]),
  );
  const removed: Needed[] = [];
  const kept: KeptResource[] = [];
  await modifyTrust(deps, ctx, local, (trust) => {
    removed.length = 0;
    kept.length = 0;
    const direct = trust.direct ?? [];
    const ours = candidates.filter((e) => direct.some((d) => d.name === e.name && directHoldsPem(d, e.rootPem)));
    for (const e of ours) {
      const reason = reasons.get(e.name);
      if (reason) kept.push({ resource: resource(local, e), reason });
      else removed.push(e);
    }
    if (removed.length === 0) return undefined;
    const next = direct.filter((d) => !removed.some((e) => e.name === d.name));
    const result: TrustSettings = { ...trust, direct: next };
    // The batch added the list when it made the first entry: an empty list goes with its last entry.
    if (next.length === 0) delete result.direct;
    return result;
  });
  return {
    attempt: ctx.attempt,
    removed: removed.map((e) => resource(local, e)),
    ...(kept.length ? { kept } : {}),
    detail: removed.length
      ? `removed ${removed.map((e) => `trust.direct "${e.name}"`).join(', ')}`
      : kept.length
        ? `kept ${kept.map((k) => `"${k.resource.id}": ${k.reason}`).join('; ')}`
        : 'no entry of this batch is left',
  };
}

export const activities = { ensureProxyCaTrustForMany, removeProxyCaTrustForMany } satisfies StepImplementations;
