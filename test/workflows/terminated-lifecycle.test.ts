/**
 * Lifecycle runs cut short (issue 12's terminate cases), simulated by running a run's activities
 * directly and then nothing more, as a terminated workflow leaves things: the working connection is
 * never left broken, a later operation says clearly what it finds, and `disconnect` removes the
 * leftovers.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  type ApiKeyRecord,
  type ConnectionInventory,
  type DisconnectReport,
  DISCONNECT_WORKFLOW,
  FailureType,
  type InspectedConnection,
  type LifecycleChangeReport,
  ROTATE_WORKFLOW,
  type SealedSecret,
  UPDATE_ACCESS_WORKFLOW,
  connectionId,
} from '../../domain';
import { DEFAULT_IDS } from '../../simulator/api';
import { signedApproval } from '../harness/approvers';
import { APPROVER, REQUESTER, apiKeyRequest, progressOf } from './fixtures';
import { connectKeepingCredential, useSimulatorWorld } from './simulator-world';

const t = useSimulatorWorld();
const request = apiKeyRequest();
const id = connectionId(request);
const target = {
  local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 },
  alias: 'logs-b',
  requestedBy: REQUESTER,
};
const WIDER = { search: [{ names: ['logs-*', 'metrics-*'] }] };
let previous: SealedSecret;

beforeEach(async () => {
  previous = await connectKeepingCredential(t, request);
});

/** Runs one activity the way a worker would for the run `runId`. */
function activity<T>(name: string, input: unknown, runId: string): Promise<T> {
  const env = new MockActivityEnvironment({ workflowExecution: { workflowId: id, runId } } as never);
  const a = t.world.activities as unknown as Record<string, (input: unknown) => Promise<unknown>>;
  return env.run(a[name]!, input) as unknown as Promise<T>;
}

const liveRemoteKeys = () =>
  t.world.state()['ece-b']!.deployments[DEFAULT_IDS.b9]!.apiKeys.filter((k) => k.type === 'cross_cluster');

async function theConnection() {
  const inventory = await activity<ConnectionInventory>(
    'discoverConnections',
    { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 },
    'discovery',
  );
  return inventory.connections.find((c) => c.alias === 'logs-b')!;
}

it('a rotation cut short after the keystore write: rotate refuses (two live keys), disconnect removes everything', async () => {
  const inspected = await activity<InspectedConnection>(
    'inspectConnection',
    { connectionId: id, requestedBy: REQUESTER, gates: ['restart'], deadline: '1h', change: {} },
    'rotate-run',
  );
  const rotateInput = {
    connectionId: id,
    request: inspected.request,
    preflight: inspected.preflight,
    previousCredential: previous,
  };
  const newKey = await activity<ApiKeyRecord>('createRotatedApiKey', rotateInput, 'rotate-run');
  await activity('writeKeystoreCredentials', { ...rotateInput, apiKey: newKey }, 'rotate-run');
  // Terminated here: no reload, no verify, no invalidation, no undo.
  expect(liveRemoteKeys()).toHaveLength(2);
  // Both keys are valid, so the connection still works whichever credential the nodes hold.
  expect((await theConnection()).health.status).toBe('connected');

  const before = t.world.state();
  const rotate = await t.harness.start(ROTATE_WORKFLOW, [{ ...target, previousCredential: previous }], {
    activities: t.world.activities,
    workflowId: id,
  });
  const outcome = await rotate.outcome();
  expect(outcome).toMatchObject({ status: 'failed', failure: { type: FailureType.PreflightRefused } });
  const message = String((outcome as { failure: Error }).failure.message);
  expect(message).toContain('several live keys');
  expect(message).toContain('crosslink disconnect');
  expect(t.world.state()).toEqual(before);

  const disconnect = await t.harness.start(DISCONNECT_WORKFLOW, [{ connectionId: id, requestedBy: REQUESTER }], {
    activities: t.world.activities,
    workflowId: id,
  });
  await disconnect.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
  await disconnect.update('approve', await signedApproval(disconnect, 'register-remote', APPROVER));
  const report = (await disconnect.resultValue()) as DisconnectReport;
  expect(report.state).toBe('disconnected');
  expect(
    report.removed
      .filter((r) => r.kind === 'api-key')
      .map((r) => r.id)
      .sort(),
  ).toEqual([newKey.keyId, inspected.preflight.existingKey!.keyId].sort());
  expect(t.world.state()).toEqual(t.world.before);
});

it('an update-access cut short after the in-place update: the connection works, and a re-run converges', async () => {
  const inspected = await activity<InspectedConnection>(
    'inspectConnection',
    {
      connectionId: id,
      requestedBy: REQUESTER,
      gates: ['api-key', 'roles'],
      deadline: '1h',
      change: { access: WIDER },
    },
    'update-run',
  );
  const input = { connectionId: id, request: inspected.request, preflight: inspected.preflight };
  await activity('createCrossClusterApiKey', input, 'update-run');
  // Terminated here: verify never ran, no undo.
  const [key] = liveRemoteKeys();
  const cut = await theConnection();
  expect(cut.health.status).toBe('connected');
  expect(cut.keys.filter((k) => k.active).map((k) => k.id)).toEqual([key!.id]);
  expect(cut.keys.find((k) => k.active)?.access).toMatchObject(WIDER);

  const rerun = await t.harness.start(UPDATE_ACCESS_WORKFLOW, [{ ...target, access: WIDER }], {
    activities: t.world.activities,
    workflowId: id,
  });
  const report = (await rerun.resultValue()) as LifecycleChangeReport;
  expect(report).toMatchObject({ operation: 'update-access', state: 'connected' });
  expect(report.changes).toEqual([`nothing to change: key ${key!.id} already grants the requested access`]);
  expect((await progressOf(rerun)).state).toBe('connected');
  expect(liveRemoteKeys().map((k) => k.id)).toEqual([key!.id]);
  expect((await theConnection()).health.status).toBe('connected');
});
