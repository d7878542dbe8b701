/**
 * A fan-out on a real Temporal server (the server-less harness runs no child workflows): one local
 * deployment, three remotes in two environments with private proxy CAs. The proxy-CA entries of
 * both environments cost the local deployment ONE plan; each pair runs as its own connection run
 * with its own approvals; the rejected pair rolls back only what is its own.
 */
import {
  FAN_OUT_WORKFLOW,
  FailureType,
  type FanOutRequest,
  type FanOutResult,
  FanOutRequest as FanOutSchema,
  fanOutId,
  pairRequests,
} from '../../domain';
import { fanOutStatusQuery } from '../../workflows/messages';
import { type TopologyInput } from '../../simulator/topology';
import { startCrosslinkSuite, type CrosslinkSuite, type Scenario } from './crosslink';
import { APPROVER, REQUESTER } from './requests';
import { approve, eventually, progress, reject, untilGateOrEnd } from './runs';
import { comparableState } from '../../simulator/api';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { describeIfServer } from './temporal-server';

const LOCAL = 'a1000000000000000000000000000001';
const B1 = 'b1000000000000000000000000000001';
const B2 = 'b2000000000000000000000000000002';
const C1 = 'c1000000000000000000000000000001';

function topology(): TopologyInput {
  const opsKey = { name: 'ops-automation', type: 'rest' as const };
  const dep = (id: string, name: string) => ({ id, name, version: '9.1.3', apiKeys: [opsKey] });
  return {
    environments: {
      'ece-a': { proxyCa: 'public', deployments: [dep(LOCAL, 'local')] },
      'ece-b': { proxyCa: 'private', deployments: [dep(B1, 'logs-b1'), dep(B2, 'logs-b2')] },
      'ece-c': { proxyCa: 'private', deployments: [dep(C1, 'logs-c1')] },
    },
  };
}

function fanOutRequest(): FanOutRequest {
  const pair = (environment: string, deploymentId: string, alias: string) => ({
    remote: { environment, deploymentId },
    alias,
    access: { search: [{ names: ['logs-*'] }] },
    roles: [
      {
        name: `${alias}-reader`,
        local: { remote_indices: [{ clusters: [alias], names: ['logs-*'], privileges: ['read'] }] },
      },
    ],
  });
  return FanOutSchema.parse({
    requestId: 'rollout-1',
    local: { environment: 'ece-a', deploymentId: LOCAL },
    remotes: [pair('ece-b', B1, 'logs-b1'), pair('ece-b', B2, 'logs-b2'), pair('ece-c', C1, 'logs-c1')],
    securityModel: 'api_key',
    approval: { gates: ['verify'], approvers: [APPROVER], deadline: '1h' },
    requestedBy: REQUESTER,
    verifyTimeout: '30s',
  });
}

/** Approves any gate before `verify` (the worker's policy may add some); returns at the verify gate. */
async function untilVerifyGate(child: WorkflowHandle): Promise<void> {
  for (;;) {
    const p = await eventually(`${child.workflowId} to start`, () => untilGateOrEnd(child));
    expect(p.state).toBe('awaiting-approval');
    if (p.pendingGate!.gate === 'verify') return;
    await approve(child, p.pendingGate!.gate);
  }
}

describeIfServer('fan-out: one local deployment, many remotes (real server)', () => {
  let suite: CrosslinkSuite;
  let stack: Scenario;

  beforeAll(async () => {
    suite = await startCrosslinkSuite('fan-out');
  });
  beforeEach(async () => {
    stack = await suite.scenario({ topology: topology() });
  });
  afterAll(async () => {
    await suite?.close();
  });

  const localState = () => stack.simulator.snapshot()['ece-a']!.deployments[LOCAL]!;
  const proxyCaNames = () =>
    ((localState().trust.direct ?? []) as Array<{ name?: unknown }>)
      .map((d) => String(d.name))
      .filter((n) => n.startsWith('crosslink proxy CA'));

  it('3 pairs into 2 environments: one plan for the proxy CAs; a rejected pair rolls back only its own', async () => {
    const client = suite.server.client;
    const request = fanOutRequest();
    const plansBefore = localState().plans.length;
    const handle = await client.workflow.start(FAN_OUT_WORKFLOW, {
      workflowId: fanOutId(request),
      taskQueue: stack.taskQueue,
      args: [request],
    });
    const pairs = pairRequests(request);
    const children = pairs.map((p) => client.workflow.getHandle(`crosslink.ece-a.${LOCAL}.${p.alias}`));

    // Each pair waits at its own verify gate (approving any gate the worker's policy adds first).
    for (const child of children) await untilVerifyGate(child);
    // Everything on the local deployment is done up to verify: one plan, both environments' CAs.
    expect(localState().plans.length - plansBefore).toBe(1);
    expect(proxyCaNames().sort()).toEqual(
      [`crosslink proxy CA ece-b`, `crosslink proxy CA ece-c`].map((n) =>
        expect.stringMatching(new RegExp(`^${n} [0-9a-f]{8}$`)),
      ),
    );
    const status = await handle.query(fanOutStatusQuery);
    expect(status.map((s) => [s.alias, s.state])).toEqual([
      ['logs-b1', 'running'],
      ['logs-b2', 'running'],
      ['logs-c1', 'running'],
    ]);
    expect((await progress(children[0]!)).state).toBe('awaiting-approval');

    await approve(children[0]!, 'verify');
    await approve(children[1]!, 'verify');
    await reject(children[2]!, 'verify', 'not this one');
    const result = (await handle.result()) as FanOutResult;

    expect(result.pairs.map((s) => [s.alias, s.state, s.reason?.type])).toEqual([
      ['logs-b1', 'connected', undefined],
      ['logs-b2', 'connected', undefined],
      ['logs-c1', 'rolled-back', FailureType.ApprovalRejected],
    ]);
    const local = localState();
    for (const alias of ['logs-b1', 'logs-b2']) {
      expect(local.persistentSettings[`cluster.remote.${alias}.mode`]).toBe('proxy');
      expect(local.keystore[`cluster.remote.${alias}.credentials`]).toBeDefined();
    }
    expect(Object.keys(local.persistentSettings).filter((k) => k.includes('logs-c1'))).toEqual([]);
    expect(local.keystore['cluster.remote.logs-c1.credentials']).toBeUndefined();
    expect(Object.keys(local.roles)).not.toContain('logs-c1-reader');
    // ece-c's entry is needed by nothing now; ece-b's is needed by the two connected pairs.
    expect(proxyCaNames()).toEqual([expect.stringMatching(/^crosslink proxy CA ece-b [0-9a-f]{8}$/)]);
    const c1 = stack.simulator.snapshot()['ece-c']!.deployments[C1]!;
    expect(c1.apiKeys.filter((k) => k.type === 'cross_cluster' && !k.invalidated)).toEqual([]);
    for (const b of [B1, B2]) {
      const remote = stack.simulator.snapshot()['ece-b']!.deployments[b]!;
      expect(remote.apiKeys.filter((k) => k.type === 'cross_cluster' && !k.invalidated)).toHaveLength(1);
    }
  });

  it('cancelling the fan-out cancels every pair; all roll back and the batch entries go', async () => {
    const client = suite.server.client;
    const before = comparableState(stack.simulator.snapshot());
    const request = fanOutRequest();
    const handle = await client.workflow.start(FAN_OUT_WORKFLOW, {
      workflowId: fanOutId(request),
      taskQueue: stack.taskQueue,
      args: [request],
    });
    const children = pairRequests(request).map((p) => client.workflow.getHandle(`crosslink.ece-a.${LOCAL}.${p.alias}`));
    for (const child of children) await untilVerifyGate(child);
    expect(proxyCaNames()).toHaveLength(2);

    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    const status = await handle.query(fanOutStatusQuery);
    expect(status.map((s) => [s.alias, s.state, s.reason?.type])).toEqual([
      ['logs-b1', 'rolled-back', 'Cancelled'],
      ['logs-b2', 'rolled-back', 'Cancelled'],
      ['logs-c1', 'rolled-back', 'Cancelled'],
    ]);
    for (const child of children) expect((await progress(child)).state).toBe('rolled-back');
    // Nothing of the fan-out is left: every system is as it was (plan history and invalidated keys aside).
    expect(comparableState(stack.simulator.snapshot())).toEqual(before);
  });
});
