import { type SideStepInput, type StepInput, preflightFacts } from '../../domain/activities';
import { connectionId } from '../../domain/connection-request';
import { comparableState } from '../../simulator/api';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { listTrustRelationships } from '../../activities/ece/trust-relationships';
import { createEnvironmentRegistry, resolveEnvironments } from '../../activities/environments';
import { trustRelationshipName } from '../../activities/marks';
import { EnvironmentsFile } from '../../domain/environment-config';
import { type PlatformTrustRecord, type PreflightResult } from '../../domain/records';
import {
  DEFAULT_IDS,
  type Harness,
  TEST_TIMING,
  certificateRequest,
  runPreflight,
  startHarness,
} from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const state = () => comparableState(h.sim.snapshot());
const snap = () => h.sim.snapshot();

async function stepInput(
  overrides: Parameters<typeof certificateRequest>[0] = {},
): Promise<StepInput & { steps: PreflightResult['steps'] }> {
  const request = certificateRequest(overrides);
  const preflight = await runPreflight(h, request);
  // As the workflow passes it: preflight's facts; the step decisions kept apart for the assertions.
  return { connectionId: connectionId(request), request, preflight: preflightFacts(preflight), steps: preflight.steps };
}
const sides = (input: StepInput): [SideStepInput, SideStepInput] => [
  { ...input, side: 'local' },
  { ...input, side: 'remote' },
];

describe('certificate model', () => {
  it('connects with platform and deployment trust both ways; each undo restores the state before its step', async () => {
    const input = await stepInput({ remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 } });
    const [local, remote] = sides(input);
    expect(input.preflight.proxyCa).toBeUndefined();
    expect(input.steps.find((s) => s.id === 'preflight')?.reason).toContain('deprecated');
    const before: Record<string, ReturnType<typeof state>> = {};

    before.platform = state();
    const [trustA, trustB] = await Promise.all([
      h.run('ensurePlatformTrust', local),
      h.run('ensurePlatformTrust', remote),
    ]);
    expect(trustA).toMatchObject({ environment: 'ece-a', createdByRun: true });
    expect(trustB).toMatchObject({ environment: 'ece-b', createdByRun: true });
    const relA = snap()['ece-a']!.trustRelationships.find((t) => t.id === trustA.trustRelationshipId);
    expect(relA).toMatchObject({
      name: trustRelationshipName('ece-b', input.connectionId),
      account_ids: [input.preflight.remoteEnvironment.accountId],
      installation_id: input.preflight.remoteEnvironment.installationId,
      local: false,
      trust_by_default: false,
    });

    before.deployment = state();
    await Promise.all([
      h.run('ensureDeploymentTrust', { ...local, trustRelationshipId: trustA.trustRelationshipId }),
      h.run('ensureDeploymentTrust', { ...remote, trustRelationshipId: trustB.trustRelationshipId }),
    ]);
    expect(snap()['ece-a']!.deployments[DEFAULT_IDS.a9]!.trust.external).toEqual([
      {
        trust_relationship_id: trustA.trustRelationshipId,
        trust_all: false,
        trust_allowlist: [input.preflight.remote.clusterId],
      },
    ]);
    expect(snap()['ece-a']!.deployments[DEFAULT_IDS.a9]!.trust.accounts).toEqual(
      input.preflight.local.trustBefore.accounts,
    );

    before.register = state();
    await h.run('registerRemoteCluster', input);
    expect(
      snap()['ece-a']!.deployments[DEFAULT_IDS.a9]!.persistentSettings[
        `cluster.remote.${input.request.alias}.proxy_address`
      ],
    ).toBe(`${input.preflight.remote.endpoint}:9400`);
    expect((await h.run('verifyRemoteConnection', input)).connected).toBe(true);

    before.roles = state();
    const roleName = input.request.roles[0]!.name;
    await Promise.all([h.run('createRoles', local), h.run('createRoles', remote)]);
    expect(snap()['ece-a']!.deployments[DEFAULT_IDS.a9]!.roles[roleName]).toBeDefined();
    expect(snap()['ece-b']!.deployments[DEFAULT_IDS.b815]!.roles[roleName]).toMatchObject({
      indices: [{ names: ['logs-*'], privileges: ['read', 'read_cross_cluster'] }],
      metadata: { crosslink_connection_id: input.connectionId },
    });

    await Promise.all([h.run('deleteRoles', local), h.run('deleteRoles', remote)]);
    expect(state()).toEqual(before.roles);
    await h.run('unregisterRemoteCluster', input);
    expect(state()).toEqual(before.register);
    await Promise.all([h.run('removeDeploymentTrust', local), h.run('removeDeploymentTrust', remote)]);
    expect(state()).toEqual(before.deployment);
    // Nothing to do: no PUT (no new plan).
    const plans = snap()['ece-a']!.deployments[DEFAULT_IDS.a9]!.plans.length;
    expect((await h.run('removeDeploymentTrust', local)).removed).toEqual([]);
    expect(snap()['ece-a']!.deployments[DEFAULT_IDS.a9]!.plans.length).toBe(plans);
    await Promise.all([h.run('removePlatformTrust', local), h.run('removePlatformTrust', remote)]);
    expect(state()).toEqual(before.platform);
  });

  it('trusts the peer CA as ECE serves it now, whichever worker runs the step', async () => {
    const input = await stepInput();
    const [local] = sides(input);
    const before = state();
    const peerCa = async () =>
      (await listTrustRelationships(h.registry.ece('ece-b'), 'local', { includeCertificate: true }))[0]?.public_ca_cert;
    const createdCa = async (id: string) =>
      (await listTrustRelationships(h.registry.ece('ece-a'), 'all', { includeCertificate: true })).find(
        (t) => t.id === id,
      )?.public_ca_cert;

    // The worker that ran preflight.
    const same = await h.run('ensurePlatformTrust', local);
    expect(await createdCa(same.trustRelationshipId)).toEqual(await peerCa());
    await h.run('removePlatformTrust', local);
    expect(state()).toEqual(before);

    // Another worker (its own clients).
    const other = createActivities({
      registry: createEnvironmentRegistry(
        resolveEnvironments(EnvironmentsFile.parse(structuredClone(h.sim.config)), { env: {} }),
      ),
      sealer: h.sealer,
      timing: TEST_TIMING,
    });
    const env = new MockActivityEnvironment({ attempt: 1 });
    const fresh = (await env.run(other.ensurePlatformTrust, local)) as PlatformTrustRecord;
    expect(fresh.createdByRun).toBe(true);
    expect(await createdCa(fresh.trustRelationshipId)).toEqual(await peerCa());
    await env.run(other.removePlatformTrust, local);
    expect(state()).toEqual(before);
  });

  it('a lost create response makes no second relationship; a second run is a no-op', async () => {
    const input = await stepInput();
    const [local] = sides(input);
    const before = state();
    h.sim.inject({ route: 'create-trust-relationship', kind: 'drop-response', environment: 'ece-a' });
    await expect(h.run('ensurePlatformTrust', local)).rejects.toMatchObject({ type: 'Transient' });
    const again = await h.run('ensurePlatformTrust', local, { attempt: 2 });
    expect(again.createdByRun).toBe(true);
    expect(again.created).toHaveLength(1);
    await h.run('ensurePlatformTrust', local, { attempt: 3 });
    const ours = snap()['ece-a']!.trustRelationships.filter(
      (t) => t.name === trustRelationshipName('ece-b', input.connectionId),
    );
    expect(ours).toHaveLength(1);

    h.sim.inject({ route: 'update-deployment', kind: 'drop-response', environment: 'ece-a' });
    await expect(
      h.run('ensureDeploymentTrust', { ...local, trustRelationshipId: again.trustRelationshipId }),
    ).rejects.toMatchObject({ type: 'Transient' });
    await h.run('ensureDeploymentTrust', { ...local, trustRelationshipId: again.trustRelationshipId });
    await h.run('ensureDeploymentTrust', { ...local, trustRelationshipId: again.trustRelationshipId });
    expect(snap()['ece-a']!.deployments[DEFAULT_IDS.a9]!.trust.external).toHaveLength(1);

    await h.run('removeDeploymentTrust', local);
    await h.run('removePlatformTrust', local);
    expect(state()).toEqual(before);
  });

  it('reuses an existing relationship for the other environment and never deletes it', async () => {
    const first = await stepInput();
    const [firstLocal] = sides(first);
    const created = await h.run('ensurePlatformTrust', firstLocal);
    // Another connection between the same environments finds the relationship in place.
    const second = await stepInput({ local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 } });
    const [secondLocal] = sides(second);
    const before = state();
    const reused = await h.run('ensurePlatformTrust', secondLocal);
    expect(reused).toMatchObject({
      createdByRun: false,
      created: [],
      trustRelationshipId: created.trustRelationshipId,
    });
    expect((await h.run('removePlatformTrust', secondLocal)).removed).toEqual([]);
    expect(state()).toEqual(before);

    // The a815 deployment's pre-existing trust entries survive a change and its undo.
    const depBefore = state();
    await h.run('ensureDeploymentTrust', { ...secondLocal, trustRelationshipId: reused.trustRelationshipId });
    const external = snap()['ece-a']!.deployments[DEFAULT_IDS.a815]!.trust.external as unknown[];
    expect(external).toHaveLength(2);
    await h.run('removeDeploymentTrust', secondLocal);
    expect(state()).toEqual(depBefore);
    await h.run('removePlatformTrust', firstLocal);
  });

  it('retries a version conflict, and gives up with Conflict when it persists', async () => {
    const input = await stepInput();
    const [local] = sides(input);
    const before = state();
    const trust = await h.run('ensurePlatformTrust', local);
    const conflict = {
      route: 'update-deployment' as const,
      kind: 'status' as const,
      status: 409,
      code: 'deployments.deployment_version_conflict',
    };
    h.sim.inject({ ...conflict, times: 1 });
    await h.run('ensureDeploymentTrust', { ...local, trustRelationshipId: trust.trustRelationshipId });
    expect(snap()['ece-a']!.deployments[DEFAULT_IDS.a9]!.trust.external).toHaveLength(1);

    h.sim.inject({ ...conflict, times: 20 });
    const error = await h.run('removeDeploymentTrust', local).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'Conflict', nonRetryable: true });
    h.sim.clearFaults();
    await h.run('removeDeploymentTrust', local);
    await h.run('removePlatformTrust', local);
    expect(state()).toEqual(before);
  });
});
