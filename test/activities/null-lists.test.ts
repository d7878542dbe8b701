/**
 * UNCONFIRMED (docs/simulator.md): whether ECE accepts `null` for an empty list or an omitted
 * resource in a deployment update (Elastic's Go SDK sends such nulls). crosslink must not rely on
 * either answer: its trust writes and their undos are run here under both readings, and none of
 * its deployment updates is refused.
 */
import { type SideStepInput, type StepInput, preflightFacts } from '../../domain/activities';
import { type ConnectionRequest, connectionId } from '../../domain/connection-request';
import { comparableState } from '../../simulator/api';
import { type NullListsReading } from '../../simulator/unconfirmed';
import {
  DEFAULT_IDS,
  type Harness,
  apiKeyRequest,
  certificateRequest,
  runPreflight,
  startHarness,
} from './support/harness';

describe.each<NullListsReading>(['accepted', 'refused'])('null lists in a deployment update %s', (reading) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ readings: { nullListsInDeploymentUpdate: reading } });
  });
  afterAll(() => h.close());

  const state = () => comparableState(h.sim.snapshot());
  const refusedUpdates = () => h.sim.calls.filter((c) => c.route === 'update-deployment' && c.status >= 400);

  async function stepInput(request: ConnectionRequest): Promise<StepInput> {
    const preflight = await runPreflight(h, request);
    return { connectionId: connectionId(request), request, preflight: preflightFacts(preflight) };
  }

  it('certificate model: deployment trust written and removed on both sides', async () => {
    const input = await stepInput(
      certificateRequest({ remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 } }),
    );
    const local: SideStepInput = { ...input, side: 'local' };
    const remote: SideStepInput = { ...input, side: 'remote' };
    const before = state();
    const [trustA, trustB] = [await h.run('ensurePlatformTrust', local), await h.run('ensurePlatformTrust', remote)];
    await h.run('ensureDeploymentTrust', { ...local, trustRelationshipId: trustA.trustRelationshipId });
    await h.run('ensureDeploymentTrust', { ...remote, trustRelationshipId: trustB.trustRelationshipId });
    await h.run('removeDeploymentTrust', local);
    await h.run('removeDeploymentTrust', remote);
    await h.run('removePlatformTrust', local);
    await h.run('removePlatformTrust', remote);
    expect(refusedUpdates()).toEqual([]);
    expect(state()).toEqual(before);
  });

  it('API key model: the private proxy CA entry written and removed', async () => {
    const input = await stepInput(apiKeyRequest());
    const before = state();
    expect((await h.run('ensureProxyCaTrust', input)).created).toHaveLength(1);
    expect((await h.run('removeProxyCaTrust', input)).removed).toHaveLength(1);
    expect(refusedUpdates()).toEqual([]);
    expect(state()).toEqual(before);
  });
});
