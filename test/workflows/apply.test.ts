/**
 * `crosslink apply` in the harness with the real activities on the simulator: the apply parent
 * (workflows/apply-desired-state.ts) checks its plan against the estate, then runs each action as
 * the operation's own workflow under the connection id (a child run with its own gates), limited
 * per deployment; a plan the estate no longer matches is refused, saying what changed.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  APPLY_WORKFLOW,
  type ApplyStatus,
  type ConnectionInventory,
  type DescribePlanInput,
  type DescribedAction,
  type DesiredPlan,
  DesiredState,
  type DesiredStateInput,
  FailureType,
  applyId,
  connectionId,
  planDesiredState,
} from '../../domain';
import { withPlanId } from '../../client/plan-id';
import { updateCrossClusterApiKey } from '../../activities/elasticsearch/api-keys';
import { DEFAULT_IDS } from '../../simulator/api';
import { signedApproval } from '../harness/approvers';
import { type HarnessRun } from '../harness/workflow-harness';
import { APPROVER } from './fixtures';
import { useSimulatorWorld } from './simulator-world';

const t = useSimulatorWorld();

const LOCAL = { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 };
const declared = (alias: string, remote: string, names: string[]): DesiredStateInput['connections'][number] => ({
  local: LOCAL,
  remote: { environment: 'ece-b', deploymentId: remote },
  alias,
  model: 'api_key',
  access: { search: [{ names }] },
  gates: [],
});

const certificate = (alias: string, remote: string): DesiredStateInput['connections'][number] => ({
  local: LOCAL,
  remote: { environment: 'ece-b', deploymentId: remote },
  alias,
  model: 'certificate',
  gates: [],
});

function desired(connections: DesiredStateInput['connections']): DesiredState {
  return DesiredState.parse({ version: 1, requestedBy: 'alice', connections });
}

const FILE = () =>
  desired([declared('logs-b', DEFAULT_IDS.b9, ['logs-*']), declared('metrics-b', DEFAULT_IDS.b815, ['metrics-*'])]);

async function inventoryNow(): Promise<ConnectionInventory> {
  const discover = t.world.activities.discoverConnections as (f: object) => Promise<ConnectionInventory>;
  return new MockActivityEnvironment().run(discover, {});
}

async function plan(state: DesiredState, prune = false): Promise<DesiredPlan> {
  const inventory = await inventoryNow();
  return withPlanId(
    planDesiredState(state, inventory, { prune, now: Date.now(), requestedBy: 'alice', source: 'connections.yaml' }),
  );
}

function apply(p: DesiredPlan, maxPerDeployment = 2): Promise<HarnessRun> {
  return t.harness.start(APPLY_WORKFLOW, [{ plan: p, requestedBy: 'alice', maxPerDeployment }], {
    activities: t.world.activities,
    workflowId: applyId(p.id),
  });
}

const kinds = (p: DesiredPlan) => p.entries.flatMap((e) => e.actions.map((a) => `${a.kind} ${e.alias}`));

/** Runs the apply, approving each gate a child run waits at as bob, until the apply ends. */
async function applyApprovingGates(run: HarnessRun): Promise<ApplyStatus> {
  for (;;) {
    try {
      return (await run.resultValue()) as ApplyStatus;
    } catch (err) {
      if (!/waiting for input/.test((err as Error).message)) throw err;
    }
    const waiting = t.harness
      .runsWaiting()
      .filter((r) => r !== run)
      .map(async (child) => {
        const progress = await child.query<{ pendingGate?: { gate: string } }>('progress');
        if (!progress.pendingGate) return false;
        await child.update('approve', await signedApproval(child, progress.pendingGate.gate as never, APPROVER));
        return true;
      });
    if (!(await Promise.all(waiting)).some(Boolean)) throw new Error('the apply waits, and no child waits at a gate');
  }
}

it('applies an empty estate: N creates, each a connect run under its connection id; then the plan is empty', async () => {
  const first = await plan(FILE());
  expect(kinds(first)).toEqual(['create logs-b', 'create metrics-b']);
  const run = await apply(first);
  const status = await applyApprovingGates(run);
  expect(status.connections).toEqual([
    {
      connectionId: connectionId({ local: LOCAL, alias: 'logs-b' }),
      actions: [expect.objectContaining({ kind: 'create', workflowType: 'connectRemoteCluster', state: 'done' })],
    },
    {
      connectionId: connectionId({ local: LOCAL, alias: 'metrics-b' }),
      actions: [expect.objectContaining({ kind: 'create', workflowType: 'connectRemoteCluster', state: 'done' })],
    },
  ]);
  const children = run.entries('child-started');
  expect(children.map((c) => [c.workflowType, c.workflowId, c.outcome])).toEqual([
    ['connectRemoteCluster', connectionId({ local: LOCAL, alias: 'logs-b' }), 'started'],
    ['connectRemoteCluster', connectionId({ local: LOCAL, alias: 'metrics-b' }), 'started'],
  ]);
  const again = await plan(FILE());
  expect(again.entries.map((e) => e.status)).toEqual(['unchanged', 'unchanged']);
});

it('one changed access is one update-access, behind the api-key gate; --prune of a removed one is one disconnect', async () => {
  await applyApprovingGates(await apply(await plan(FILE())));
  const edited = desired([
    declared('logs-b', DEFAULT_IDS.b9, ['logs-*', 'metrics-*']),
    declared('metrics-b', DEFAULT_IDS.b815, ['metrics-*']),
  ]);
  const update = await plan(edited);
  expect(kinds(update)).toEqual(['update-access logs-b']);
  expect(update.entries[0]!.actions[0]!.changes).toEqual([
    { field: 'access.search[0].names', before: ['logs-*'], after: ['logs-*', 'metrics-*'] },
  ]);
  const run = await apply(update);
  await run.until((r) => r.entries('child-started').length === 1);
  const child = t.harness.runOf(connectionId({ local: LOCAL, alias: 'logs-b' }))!;
  await child.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
  expect((await child.query<{ pendingGate?: { gate: string } }>('progress')).pendingGate?.gate).toBe('api-key');
  const status = await applyApprovingGates(run);
  expect(status.connections[0]!.actions[0]).toMatchObject({ kind: 'update-access', state: 'done' });
  expect((await plan(edited)).entries.map((e) => e.status)).toEqual(['unchanged', 'unchanged']);

  const pruned = desired([declared('logs-b', DEFAULT_IDS.b9, ['logs-*', 'metrics-*'])]);
  expect(kinds(await plan(pruned))).toEqual([]);
  const removal = await plan(pruned, true);
  expect(kinds(removal)).toEqual(['disconnect metrics-b']);
  const gone = await applyApprovingGates(await apply(removal));
  expect(gone.connections[0]!.actions[0]).toMatchObject({ kind: 'disconnect', state: 'done' });
  const after = await inventoryNow();
  expect(after.connections.filter((c) => c.class === 'connection').map((c) => c.alias)).toEqual(['logs-b']);
});

it('refuses a plan the estate no longer matches, naming what changed, and starts nothing', async () => {
  await applyApprovingGates(await apply(await plan(FILE())));
  const update = await plan(
    desired([
      declared('logs-b', DEFAULT_IDS.b9, ['logs-*', 'x-*']),
      declared('metrics-b', DEFAULT_IDS.b815, ['metrics-*']),
    ]),
  );
  // A hand-made change after the plan: the key's access, edited directly in Elasticsearch.
  const key = t.world.state()['ece-b']!.deployments[DEFAULT_IDS.b9]!.apiKeys.find((k) => k.type === 'cross_cluster')!;
  const es = await t.world.elasticsearch('ece-b', DEFAULT_IDS.b9);
  await updateCrossClusterApiKey(es, key.id, { access: { search: [{ names: ['hand-*'] }] } });
  const run = await apply(update);
  const outcome = await run.outcome();
  expect(outcome).toMatchObject({ status: 'failed', failure: { type: FailureType.PlanStale } });
  if (outcome.status !== 'failed') return;
  expect(outcome.failure.message).toMatch(/the estate changed since the plan was made; nothing was started/);
  expect(outcome.failure.message).toMatch(
    /keys\[0\]\.access\.search\[0\]\.names\[0\]: "logs-\*" when planned, "hand-\*" now/,
  );
  expect(run.entries('child-started')).toEqual([]);
});

it('runs at most maxPerDeployment child runs on one deployment at once', async () => {
  const run = await apply(await plan(FILE()), 1);
  await applyApprovingGates(run);
  const order = run.timeline
    .filter((e) => e.kind === 'child-started' || e.kind === 'child-resolved')
    .map((e) => `${e.kind} ${'workflowId' in e ? e.workflowId.split('.').pop() : ''}`);
  expect(order).toEqual([
    'child-started logs-b',
    'child-resolved logs-b',
    'child-started metrics-b',
    'child-resolved metrics-b',
  ]);
});

it('a connection held by another run is a conflict, and nothing else of it starts', async () => {
  const p = await plan(FILE());
  // Another run on logs-b's connection id, open while the apply starts.
  const holder = await t.harness.start('connectRemoteCluster', [p.entries[0]!.actions[0]!.request], {
    activities: t.world.activities,
    workflowId: connectionId({ local: LOCAL, alias: 'logs-b' }),
  });
  expect(holder.status).toBe('running');
  const status = await applyApprovingGates(await apply(p));
  expect(status.connections[0]!.actions[0]).toMatchObject({
    state: 'conflict',
    reason: expect.stringMatching(/another run holds/),
  });
  expect(status.connections[1]!.actions[0]).toMatchObject({ state: 'done' });
  // The run that held the connection goes on to its own end.
  await expect(holder.resultValue()).resolves.toMatchObject({ state: 'connected' });
});

it('a model migration back to certificates is planned and shown; the apply refuses it with why, starting nothing for it', async () => {
  await applyApprovingGates(await apply(await plan(desired([declared('logs-b', DEFAULT_IDS.b9, ['logs-*'])]))));
  const migrate = await plan(desired([certificate('logs-b', DEFAULT_IDS.b9)]));
  expect(kinds(migrate)).toEqual(['migrate-model logs-b']);
  expect(migrate.entries[0]!.actions[0]!.changes).toEqual([
    { field: 'model', before: 'api_key', after: 'certificate' },
  ]);
  const run = await apply(migrate);
  const status = (await run.resultValue()) as ApplyStatus;
  expect(status.connections[0]!.actions[0]).toMatchObject({
    kind: 'migrate-model',
    state: 'refused',
    reason: expect.stringMatching(/certificate connections to the API key model only/),
  });
  expect(run.entries('child-started')).toEqual([]);
});

it('a certificate connection declared as api_key is migrated in place by a migrate run; then the plan is empty', async () => {
  await applyApprovingGates(await apply(await plan(desired([certificate('logs-b', DEFAULT_IDS.b9)]))));
  const target = desired([declared('logs-b', DEFAULT_IDS.b9, ['logs-*'])]);
  const migrate = await plan(target);
  expect(kinds(migrate)).toEqual(['migrate-model logs-b']);
  // What its gates would approve, read now (the plan's describePlan), with nothing written.
  const before = t.world.state();
  const action = migrate.entries[0]!.actions[0]!;
  const describe = t.world.activities.describePlannedActions as (i: DescribePlanInput) => Promise<DescribedAction[]>;
  const [described] = await new MockActivityEnvironment().run<[DescribePlanInput], DescribedAction[], typeof describe>(
    describe,
    {
      actions: [{ connectionId: migrate.entries[0]!.connectionId, kind: action.kind, request: action.request }],
    },
  );
  expect(described!.note ?? '').not.toMatch(/refused/);
  expect(described!.gates!.map((g) => g.gate)).toEqual(expect.arrayContaining(['api-key', 'retire-certificate']));
  expect(t.world.state()).toEqual(before);
  const run = await apply(migrate);
  const status = await applyApprovingGates(run);
  expect(status.connections[0]!.actions[0]).toMatchObject({
    kind: 'migrate-model',
    workflowType: 'migrateConnection',
    state: 'done',
  });
  expect(run.entries('child-started').map((c) => [c.workflowType, c.workflowId])).toEqual([
    ['migrateConnection', connectionId({ local: LOCAL, alias: 'logs-b' })],
  ]);
  // What exists now is the API key connection the file declares.
  const inventory = await inventoryNow();
  expect(inventory.connections.find((c) => c.alias === 'logs-b')).toMatchObject({ model: 'api_key' });
  expect((await plan(target)).entries.map((e) => e.status)).toEqual(['unchanged']);
});
