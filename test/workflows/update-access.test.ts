/**
 * `crosslink update-access` (issue 12 part 3) on the simulator with the real activities: the
 * working key's access changes in place after the api-key gate, verified; a failure puts the
 * previous access back and the connection keeps working; roles named are created with the mark.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  type ConnectionInventory,
  FailureType,
  type LifecycleChangeReport,
  UPDATE_ACCESS_WORKFLOW,
  type UpdateAccessRequestInput,
  connectionId,
} from '../../domain';
import { DEFAULT_IDS } from '../../simulator/api';
import { signedApproval } from '../harness/approvers';
import { type HarnessRun } from '../harness/workflow-harness';
import {
  APPROVER,
  REQUESTER,
  apiKeyRequest,
  certificateRequest,
  failureProgress,
  progressOf,
  startConnection,
} from './fixtures';
import { useSimulatorWorld } from './simulator-world';

const t = useSimulatorWorld();
const WIDER = { search: [{ names: ['logs-*', 'metrics-*'] }] };

function ask(overrides: Partial<UpdateAccessRequestInput> = {}): UpdateAccessRequestInput {
  return {
    local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 },
    alias: 'logs-b',
    access: WIDER,
    requestedBy: REQUESTER,
    ...overrides,
  };
}

async function connect(request = apiKeyRequest()): Promise<void> {
  const run = await startConnection(t.harness, request, {
    activities: t.world.activities,
    workflowId: connectionId(request),
  });
  await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
}

function updateAccess(input: UpdateAccessRequestInput): Promise<HarnessRun> {
  return t.harness.start(UPDATE_ACCESS_WORKFLOW, [input], {
    activities: t.world.activities,
    workflowId: connectionId(input),
  });
}

/** Approves the pending gate; `meanwhile` runs first (a fault injected now spares the inspection's reads). */
async function approve(run: HarnessRun, gate = 'api-key', meanwhile = () => {}): Promise<void> {
  await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
  expect((await progressOf(run)).pendingGate?.gate).toBe(gate);
  meanwhile();
  await run.update('approve', await signedApproval(run, gate as 'api-key', APPROVER));
}

const remoteKeys = () =>
  t.world.state()['ece-b']!.deployments[DEFAULT_IDS.b9]!.apiKeys.filter((k) => k.type === 'cross_cluster');
const localDeployment = () => t.world.state()['ece-a']!.deployments[DEFAULT_IDS.a815]!;

async function theConnection() {
  const discover = t.world.activities.discoverConnections as (f: object) => Promise<ConnectionInventory>;
  const inventory: ConnectionInventory = await new MockActivityEnvironment().run(discover, {
    environment: 'ece-a',
    deploymentId: DEFAULT_IDS.a815,
  });
  return inventory.connections.find((c) => c.alias === 'logs-b')!;
}

it('changes the working key in place after the api-key gate: same key, keystore untouched, verified', async () => {
  await connect();
  const [key] = remoteKeys();
  const keystoreBefore = localDeployment().keystore;
  const run = await updateAccess(ask());
  await approve(run);
  const report = (await run.resultValue()) as LifecycleChangeReport;
  expect(report).toMatchObject({ operation: 'update-access', state: 'connected' });
  expect(report.changes.join(' ')).toMatch(new RegExp(`updated the access .*${key!.id}`));
  expect(remoteKeys()).toEqual([expect.objectContaining({ id: key!.id, invalidated: false })]);
  expect(localDeployment().keystore).toEqual(keystoreBefore);
  const connection = await theConnection();
  expect(connection.keys[0]!.access).toMatchObject(WIDER);
  expect(connection.health.status).toBe('connected');
  expect((await progressOf(run)).state).toBe('connected');
});

it('the Web UI current details at the api-key gate show the access before → after, then the steps', async () => {
  await connect();
  const [key] = remoteKeys();
  const run = await updateAccess(ask());
  await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
  const { currentDetails } = await run.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  const lines = (currentDetails ?? '').split('\n');
  expect(lines).toContain(
    `  - \`PUT /_security/cross_cluster/api_key/${key!.id}\` (elasticsearch ece-b/${DEFAULT_IDS.b9})`,
  );
  // Both sides as Elasticsearch means them: only the names differ.
  expect(lines).toContain(
    `  - access of cross-cluster API key ${key!.id}: ` +
      '`{"search":[{"names":["logs-*"],"allow_restricted_indices":false}]}` → ' +
      '`{"search":[{"names":["logs-*","metrics-*"],"allow_restricted_indices":false}]}`',
  );
  // The steps are their own list, after a paragraph of their own (not items of the change's list).
  const steps = lines.indexOf('**steps**');
  expect(steps).toBeGreaterThan(0);
  expect([lines[steps - 1], lines[steps + 1], lines[steps + 2]]).toEqual([
    '',
    '',
    expect.stringMatching(/^- `preflight`: succeeded/),
  ]);
  await run.update('approve', await signedApproval(run, 'api-key', APPROVER));
  await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
});

it('the same access again changes nothing and says so, without a gate', async () => {
  await connect();
  const before = t.world.state();
  const run = await updateAccess(ask({ access: { search: [{ names: ['logs-*'] }] } }));
  const report = (await run.resultValue()) as LifecycleChangeReport;
  expect(report.changes).toEqual([expect.stringMatching(/nothing to change/)]);
  expect(t.world.state()).toEqual(before);
});

it('a failed verify puts the previous access back; the connection keeps working', async () => {
  await connect();
  const [key] = remoteKeys();
  const run = await updateAccess(ask());
  await approve(run, 'api-key', () =>
    t.world.simulator.inject({
      route: 'indices.resolve_cluster',
      kind: 'status',
      status: 403,
      message: 'injected',
      times: 1,
    }),
  );
  const outcome = await run.outcome();
  expect(outcome.status).toBe('failed');
  if (outcome.status !== 'failed') return;
  expect(failureProgress(outcome.failure)).toMatchObject({
    state: 'rolled-back',
    reason: { type: FailureType.Forbidden, step: 'verify' },
  });
  expect(remoteKeys()).toEqual([expect.objectContaining({ id: key!.id, invalidated: false })]);
  const connection = await theConnection();
  expect(connection.keys[0]!.access).toMatchObject({ search: [{ names: ['logs-*'] }] });
  expect(connection.health.status).toBe('connected');
});

it('roles named are created with the connection mark, under the same approval', async () => {
  await connect();
  const role = {
    name: 'crosslink-metrics-reader',
    local: { remote_indices: [{ clusters: ['logs-b'], names: ['metrics-*'], privileges: ['read'] }] },
  };
  const run = await updateAccess(ask({ roles: [role] }));
  await approve(run);
  await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
  expect(localDeployment().roles['crosslink-metrics-reader']).toMatchObject({
    metadata: { crosslink_connection_id: connectionId(ask()) },
  });
});

it('a failure after the roles were created removes them and restores the access', async () => {
  await connect();
  const [key] = remoteKeys();
  const rolesBefore = Object.keys(localDeployment().roles).sort();
  t.world.simulator.inject({
    route: 'security.put_role',
    kind: 'status',
    status: 500,
    message: 'injected',
    times: 100,
  });
  const run = await updateAccess(
    ask({
      roles: [
        {
          name: 'crosslink-new-reader',
          local: { remote_indices: [{ clusters: ['logs-b'], names: ['x-*'], privileges: ['read'] }] },
        },
      ],
    }),
  );
  await approve(run);
  const outcome = await run.outcome();
  expect(outcome.status).toBe('failed');
  expect(Object.keys(localDeployment().roles).sort()).toEqual(rolesBefore);
  expect(remoteKeys()).toEqual([expect.objectContaining({ id: key!.id, invalidated: false })]);
  expect((await theConnection()).keys[0]!.access).toMatchObject({ search: [{ names: ['logs-*'] }] });
});

it('refuses a certificate connection, changing nothing', async () => {
  const request = certificateRequest();
  await connect(request);
  const before = t.world.state();
  const run = await updateAccess(ask({ alias: 'metrics-b' }));
  const outcome = await run.outcome();
  expect(outcome).toMatchObject({ status: 'failed', failure: { cause: { type: 'PreflightRefused' } } });
  if (outcome.status === 'failed')
    expect(String((outcome.failure.cause as Error | undefined)?.message)).toMatch(/certificate model/);
  expect(t.world.state()).toEqual(before);
});
