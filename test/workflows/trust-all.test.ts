/**
 * The trust level the documented procedure offers (issue 19 item 6), on the simulator with the real
 * activities: a certificate connection asking for `all` deployments of the other environment waits
 * at its own `trust-all` gate (whatever the policy), shows the approver the trust_all it writes, and
 * connects with `trust_all: true` on both deployments instead of an allowlist entry; `specific` (the
 * default) stays as it was. A disconnect sets trust_all back only when no other connection relies
 * on it; a rejection at the gate changes nothing.
 */
import {
  type ConnectionRequest,
  DISCONNECT_WORKFLOW,
  type Progress,
  type TrustSettings,
  connectionId,
} from '../../domain';
import { DEFAULT_IDS } from '../../simulator/api';
import { signedApproval, sign } from '../harness/approvers';
import { type HarnessRun } from '../harness/workflow-harness';
import { APPROVER, REQUESTER, certificateRequest, progressOf, startConnection } from './fixtures';
import { useSimulatorWorld } from './simulator-world';

const t = useSimulatorWorld();

/** A certificate connection trusting every deployment of ece-b; its role is its mark (a disconnect finds it by it). */
const all = (alias = 'metrics-b'): ConnectionRequest =>
  certificateRequest({
    alias,
    deploymentTrust: 'all',
    roles: [
      {
        name: `crosslink-${alias}-reader`,
        local: { remote_indices: [{ clusters: [alias], names: ['metrics-*'], privileges: ['read'] }] },
        remote: { indices: [{ names: ['metrics-*'], privileges: ['read'] }] },
      },
    ],
    approval: { gates: [], approvers: [APPROVER] },
  });

function trustOf(environment: string, deploymentId: string): TrustSettings {
  const d = t.world.simulator.snapshot()[environment]!.deployments[deploymentId]!;
  return (d as unknown as { trust: TrustSettings }).trust;
}

/** The trust.external entries that trust every deployment (of any relationship). */
const trustingAll = (environment: string, deploymentId: string) =>
  (trustOf(environment, deploymentId).external ?? []).filter((e) => e.trust_all === true);

async function gate(run: HarnessRun): Promise<Progress['pendingGate']> {
  await run.until((r) => r.status !== 'running' || r.timeline.some((e) => e.kind === 'timer-started'));
  return run.status === 'running' ? (await progressOf(run)).pendingGate : undefined;
}

async function connectApproving(request: ConnectionRequest): Promise<HarnessRun> {
  const run = await startConnection(t.harness, request, {
    activities: t.world.activities,
    workflowId: connectionId(request),
  });
  for (;;) {
    const pending = await gate(run);
    if (!pending) return run;
    await run.update('approve', await signedApproval(run, pending.gate, APPROVER));
  }
}

async function disconnect(request: ConnectionRequest): Promise<HarnessRun> {
  const id = connectionId(request);
  const run = await t.harness.start(DISCONNECT_WORKFLOW, [{ connectionId: id, requestedBy: REQUESTER }], {
    activities: t.world.activities,
    workflowId: id,
  });
  await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
  await run.update('approve', await signedApproval(run, 'register-remote', APPROVER));
  return run;
}

it('all deployments: its own trust-all gate, showing the trust_all it writes, then trust_all on both sides', async () => {
  const request = all();
  const run = await startConnection(t.harness, request, {
    activities: t.world.activities,
    workflowId: connectionId(request),
  });
  const pending = await gate(run);
  expect(pending?.gate).toBe('trust-all');
  const change = JSON.stringify(pending?.change);
  expect(change).toContain('EVERY deployment of ece-b');
  expect(change).toContain('"trust_all":true');
  expect(trustingAll('ece-a', DEFAULT_IDS.a815)).toEqual([]);

  await run.update('approve', await signedApproval(run, 'trust-all', APPROVER));
  await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
  const b815 = await t.world.simulator.snapshot()['ece-b']!.deployments[DEFAULT_IDS.b815]!;
  expect(trustingAll('ece-a', DEFAULT_IDS.a815)).toHaveLength(1);
  expect(trustingAll('ece-b', DEFAULT_IDS.b815)).toHaveLength(1);
  // The other deployment's cluster id is not allowlisted: the connection works through trust_all.
  const local = trustingAll('ece-a', DEFAULT_IDS.a815)[0]!;
  expect((local.trust_allowlist as string[] | undefined) ?? []).not.toContain(
    (b815 as { clusterId: string }).clusterId,
  );
  const steps = (await progressOf(run)).steps;
  expect(steps.find((s) => s.id === 'trust-all')?.status).toBe('succeeded');
  expect(steps.find((s) => s.id === 'deployment-trust')?.detail).toMatch(/already trusts/);
});

it('specific deployments (the default): no trust-all gate, the cluster id allowlisted as before', async () => {
  const request = certificateRequest({ roles: [], approval: { gates: [], approvers: [APPROVER] } });
  const run = await connectApproving(request);
  await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
  expect(run.entries('timer-started')).toEqual([]);
  expect(trustingAll('ece-a', DEFAULT_IDS.a815)).toEqual([]);
  expect((await progressOf(run)).steps.find((s) => s.id === 'trust-all')?.status).toBe('skipped');
});

it('a rejection at the trust-all gate changes nothing', async () => {
  const request = all();
  const before = t.world.state();
  const run = await startConnection(t.harness, request, {
    activities: t.world.activities,
    workflowId: connectionId(request),
  });
  expect((await gate(run))?.gate).toBe('trust-all');
  const token = await sign(APPROVER, {
    workflowId: run.workflowId,
    runId: run.runId,
    gate: 'trust-all',
    decision: 'reject',
    text: 'too wide',
  });
  await run.update('reject', { gate: 'trust-all', approver: APPROVER, reason: 'too wide', token });
  expect((await run.outcome()).status).toBe('failed');
  expect(t.world.state()).toEqual(before);
});

it('a disconnect sets trust_all back only once no other connection relies on it', async () => {
  const first = all('metrics-b');
  const second = all('metrics-c');
  await expect((await connectApproving(first)).resultValue()).resolves.toMatchObject({ state: 'connected' });
  await expect((await connectApproving(second)).resultValue()).resolves.toMatchObject({ state: 'connected' });

  const one = await disconnect(first);
  const report = (await one.resultValue()) as { kept: Array<{ reason: string }> };
  expect(report.kept.map((k) => k.reason).join(' ')).toContain(`still needed by connection ${connectionId(second)}`);
  expect(trustingAll('ece-a', DEFAULT_IDS.a815)).toHaveLength(1);
  expect(trustingAll('ece-b', DEFAULT_IDS.b815)).toHaveLength(1);

  await (await disconnect(second)).resultValue();
  expect(trustingAll('ece-a', DEFAULT_IDS.a815)).toEqual([]);
  expect(trustingAll('ece-b', DEFAULT_IDS.b815)).toEqual([]);
});
