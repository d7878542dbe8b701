/**
 * Deployments whose `settings.trust` ECE does not return (never written): crosslink's trust writes
 * keep the default same-account trust, and each undo restores the exact prior state, absence
 * included (docs/sources.md §2). The returned shape is covered by certificate-model and
 * api-key-model tests; here a9 (ece-a) and b9 (ece-b) start without trust.
 */
import {
  getDeployment,
  planPending,
  trustOf,
  trustUpdatePayload,
  updateDeployment,
} from '../../activities/ece/deployments';
import { type SideStepInput, type StepInput } from '../../domain/activities';
import { connectionId } from '../../domain/connection-request';
import { comparableState } from '../../simulator/api';
import { DEFAULT_ACCOUNTS, DEFAULT_TOPOLOGY } from '../../simulator/default-topology';
import { type TopologyInput } from '../../simulator/topology';
import {
  DEFAULT_IDS,
  type Harness,
  apiKeyRequest,
  certificateRequest,
  runPreflight,
  startHarness,
} from './support/harness';

let h: Harness;
beforeAll(async () => {
  const topology = structuredClone(DEFAULT_TOPOLOGY) as TopologyInput;
  for (const [env, id] of [
    ['ece-a', DEFAULT_IDS.a9],
    ['ece-b', DEFAULT_IDS.b9],
  ] as const) {
    topology.environments[env]!.deployments.find((d) => d.id === id)!.trustAbsent = true;
  }
  h = await startHarness({ topology });
});
afterAll(() => h.close());

const state = () => comparableState(h.sim.snapshot());
const dep = (env: 'ece-a' | 'ece-b', id: string) => h.sim.snapshot()[env]!.deployments[id]!;
const ownAccount = (env: 'ece-a' | 'ece-b') => ({ account_id: DEFAULT_ACCOUNTS[env], trust_all: true });

describe('absent trust', () => {
  it('certificate model: the external entry is written beside the default account trust; undo makes trust absent again', async () => {
    const request = certificateRequest();
    const preflight = await runPreflight(h, request);
    expect(preflight.local.trustBefore).toEqual({});
    const input: StepInput = { connectionId: connectionId(request), request, preflight };
    const local: SideStepInput = { ...input, side: 'local' };
    const platform = await h.run('ensurePlatformTrust', local);
    const before = state();

    await h.run('ensureDeploymentTrust', { ...local, trustRelationshipId: platform.trustRelationshipId });
    const after = dep('ece-a', DEFAULT_IDS.a9);
    expect(after.trustAbsent).toBe(false);
    expect(after.trust.accounts).toEqual([ownAccount('ece-a')]);
    expect(after.trust.external).toEqual([
      {
        trust_relationship_id: platform.trustRelationshipId,
        trust_all: false,
        trust_allowlist: [preflight.remote.clusterId],
      },
    ]);

    // Retried (lost response): nothing more is written.
    await h.run('ensureDeploymentTrust', { ...local, trustRelationshipId: platform.trustRelationshipId });
    expect(dep('ece-a', DEFAULT_IDS.a9).trust).toEqual(after.trust);

    await h.run('removeDeploymentTrust', local);
    expect(dep('ece-a', DEFAULT_IDS.a9).trustAbsent).toBe(true);
    expect(state()).toEqual(before);
    await h.run('removePlatformTrust', local);
  });

  it('API key model: the proxy CA entry keeps the default account trust; undo makes trust absent again', async () => {
    const request = apiKeyRequest();
    const preflight = await runPreflight(h, request);
    expect(preflight.proxyCa?.private).toBe(true);
    const input: StepInput = { connectionId: connectionId(request), request, preflight };
    const before = state();

    await h.run('ensureProxyCaTrust', input);
    const after = dep('ece-a', DEFAULT_IDS.a9);
    expect(after.trustAbsent).toBe(false);
    expect(after.trust.accounts).toEqual([ownAccount('ece-a')]);
    expect(after.trust.direct).toEqual([expect.objectContaining({ type: 'proxy', trust_all: false })]);

    await h.run('removeProxyCaTrust', input);
    expect(dep('ece-a', DEFAULT_IDS.a9).trustAbsent).toBe(true);
    expect(state()).toEqual(before);
  });

  it('undo keeps an explicit trust when the account trust was changed meanwhile', async () => {
    const request = apiKeyRequest();
    const preflight = await runPreflight(h, request);
    const input: StepInput = { connectionId: connectionId(request), request, preflight };
    await h.run('ensureProxyCaTrust', input);

    // While the run is in flight, someone narrows the account trust: undo must not revert that.
    const ece = h.registry.ece('ece-a');
    const read = await getDeployment(ece, DEFAULT_IDS.a9);
    const current = trustOf(read.deployment.resources.elasticsearch[0]!);
    const narrowed = {
      account_id: DEFAULT_ACCOUNTS['ece-a'],
      trust_all: false,
      trust_allowlist: [preflight.local.clusterId],
    };
    const payload = trustUpdatePayload(read.deployment, preflight.local.refId, { ...current, accounts: [narrowed] });
    await updateDeployment(ece, DEFAULT_IDS.a9, payload, read.version);
    for (;;) {
      const again = await getDeployment(ece, DEFAULT_IDS.a9);
      if (!planPending(again.deployment.resources.elasticsearch[0]!)) break;
      await new Promise((r) => setTimeout(r, 20));
    }

    await h.run('removeProxyCaTrust', input);
    const after = dep('ece-a', DEFAULT_IDS.a9);
    expect(after.trustAbsent).toBe(false);
    expect(after.trust.accounts).toEqual([narrowed]);
    expect(after.trust.direct).toEqual([]);
  });
});
