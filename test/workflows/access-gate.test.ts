/**
 * One rule for access changes (issue 19 item 4): changing what a connection's working key grants
 * always waits at the `api-key` gate, whichever operation asks for it. A `connect` started again
 * with wider access and an `update-access` both stop there, before the key changes, with the
 * policy's approvers shown; the same access again changes nothing and waits for nothing, in both.
 * (The apply and the intake start these same workflows.)
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  type ConnectionInventory,
  type ConnectionRequest,
  type Progress,
  UPDATE_ACCESS_WORKFLOW,
  type UpdateAccessRequestInput,
  connectionId,
} from '../../domain';
import { DEFAULT_IDS } from '../../simulator/api';
import { signedApproval } from '../harness/approvers';
import { type HarnessRun } from '../harness/workflow-harness';
import { APPROVER, REQUESTER, apiKeyRequest, progressOf, startConnection } from './fixtures';
import { useSimulatorWorld } from './simulator-world';

const t = useSimulatorWorld();
const WIDER = { search: [{ names: ['logs-*', 'metrics-*'] }] };

/** The connection's working key as discovery reads it (id and access, as Elasticsearch returns them). */
async function workingKey(): Promise<{ id: string; access?: unknown }> {
  const discover = t.world.activities.discoverConnections as (f: object) => Promise<ConnectionInventory>;
  const inventory: ConnectionInventory = await new MockActivityEnvironment().run(discover, {
    environment: 'ece-a',
    deploymentId: DEFAULT_IDS.a815,
  });
  return inventory.connections.find((c) => c.alias === 'logs-b')!.keys.find((k) => k.active)!;
}

function connect(request: ConnectionRequest): Promise<HarnessRun> {
  return startConnection(t.harness, request, { activities: t.world.activities, workflowId: connectionId(request) });
}

function updateAccess(access: UpdateAccessRequestInput['access']): Promise<HarnessRun> {
  const input: UpdateAccessRequestInput = {
    local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 },
    alias: 'logs-b',
    access,
    requestedBy: REQUESTER,
  };
  return t.harness.start(UPDATE_ACCESS_WORKFLOW, [input], {
    activities: t.world.activities,
    workflowId: connectionId(input),
  });
}

/** Runs until the run waits for a decision (a gate's deadline timer) or ends; the pending gate, if any. */
async function pendingGate(run: HarnessRun): Promise<Progress['pendingGate']> {
  await run
    .until((r) => r.status !== 'running' || r.timeline.some((e) => e.kind === 'timer-started'))
    .catch(() => undefined);
  return run.status === 'running' ? (await progressOf(run)).pendingGate : undefined;
}

beforeEach(async () => {
  // The connection, made without gates: the request asks for none and the test policy adds none.
  await expect((await connect(apiKeyRequest())).resultValue()).resolves.toMatchObject({ state: 'connected' });
});

describe.each([
  ['connect started again with wider access', () => connect(apiKeyRequest({ access: WIDER }))],
  ['update-access with wider access', () => updateAccess(WIDER)],
])('%s', (_name, start) => {
  it('waits at the api-key gate before the key changes, then changes it once approved', async () => {
    const before = await workingKey();
    const run = await start();
    const gate = await pendingGate(run);
    expect(gate).toMatchObject({
      gate: 'api-key',
      approvers: { gate: 'api-key', groups: [expect.objectContaining({ approvers: ['bob', 'carol', 'alice'] })] },
    });
    expect((await workingKey()).access).toEqual(before.access);
    await run.update('approve', await signedApproval(run, 'api-key', APPROVER));
    await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
    expect(await workingKey()).toMatchObject({
      id: before.id,
      access: { search: [{ names: ['logs-*', 'metrics-*'] }] },
    });
  });
});

describe.each([
  ['connect started again with the same access', () => connect(apiKeyRequest())],
  ['update-access with the same access', () => updateAccess({ search: [{ names: ['logs-*'] }] })],
])('%s', (_name, start) => {
  it('changes nothing and waits at no gate', async () => {
    const before = t.world.state();
    const run = await start();
    expect(await pendingGate(run)).toBeUndefined();
    await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
    expect(t.world.state()).toEqual(before);
  });
});
