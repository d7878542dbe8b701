/**
 * The scheduled reconcile (workflows/reconcile-desired-state.ts) in the harness with the real
 * activities on the simulator: a hand-made change to a declared connection becomes a drift record
 * (kind `declared`, with the plan that repairs it) on the inventory workflow and a notification,
 * and nothing is applied without the operator's policy; with `autoApply` naming the action's kind,
 * the reconcile starts an apply whose run still waits at its gate, changing nothing before approval.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  type ActionKind,
  type ConnectionInventory,
  DesiredStateConfig,
  INVENTORY_WORKFLOW,
  INVENTORY_WORKFLOW_ID,
  type InventoryView,
  RECONCILE_WORKFLOW,
  connectionId,
} from '../../domain';
import { readDesiredState } from '../../activities/lifecycle/desired-state';
import { updateCrossClusterApiKey } from '../../activities/elasticsearch/api-keys';
import { DEFAULT_IDS } from '../../simulator/api';
import { type HarnessRun } from '../harness/workflow-harness';
import { inventoryQuery } from '../../workflows/messages';
import { apiKeyRequest, progressOf, startConnection } from './fixtures';
import { useSimulatorWorld } from './simulator-world';
import { type ReconcileReport } from '../../workflows/reconcile-desired-state';

const t = useSimulatorWorld();
const ID = connectionId(apiKeyRequest());
let dir: string;
let file: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crosslink-reconcile-'));
  file = join(dir, 'connections.yaml');
  writeFileSync(
    file,
    [
      'version: 1',
      'connections:',
      `  - local: { environment: ece-a, deploymentId: ${DEFAULT_IDS.a815} }`,
      `    remote: { environment: ece-b, deploymentId: ${DEFAULT_IDS.b9} }`,
      '    alias: logs-b',
      '    model: api_key',
      '    access: { search: [ { names: [ "logs-*" ] } ] }',
      '',
    ].join('\n'),
  );
  const request = apiKeyRequest({ roles: [] });
  const run = await startConnection(t.harness, request, { activities: t.world.activities, workflowId: ID });
  await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The connection's key, changed by hand in Elasticsearch (outside crosslink). */
async function changeAccessByHand(): Promise<void> {
  const discover = t.world.activities.discoverConnections as (f: object) => Promise<ConnectionInventory>;
  const inventory: ConnectionInventory = await new MockActivityEnvironment().run(discover, {});
  const key = inventory.connections.find((c) => c.connectionId === ID)!.keys.find((k) => k.active)!;
  await updateCrossClusterApiKey(await t.world.elasticsearch('ece-b', DEFAULT_IDS.b9), key.id, {
    access: { search: [{ names: ['by-hand-*'] }] },
  });
}

/** The reconcile as the schedule starts it, with the operator's policy, the inventory workflow and a notification sink. */
async function reconcile(autoApply: ActionKind[] = []) {
  const sent: Array<{ kind: string }> = [];
  const config = DesiredStateConfig.parse({ source: { file }, autoApply });
  const activities = {
    ...t.world.activities,
    readDesiredState: () => readDesiredState(config, true),
    sendNotification: async (n: unknown) => void sent.push(n as { kind: string }),
  };
  const inventory = await t.harness.start(INVENTORY_WORKFLOW, [{}], { activities, workflowId: INVENTORY_WORKFLOW_ID });
  const run = await t.harness.start(RECONCILE_WORKFLOW, [], {
    activities,
    workflowId: 'crosslink-reconcile-2026-01-01T00:00:00Z',
    externalWorkflows: { [INVENTORY_WORKFLOW_ID]: inventory },
  });
  return { run, inventory, sent };
}

async function ended(run: HarnessRun): Promise<ReconcileReport> {
  await run.until((r) => r.status !== 'running');
  return (await run.resultValue()) as ReconcileReport;
}

it('records drift of a hand-made change on the inventory, with the plan that repairs it, notifies, and applies nothing', async () => {
  await changeAccessByHand();
  const before = t.world.state();
  const { run, inventory, sent } = await reconcile();
  const report = await ended(run);

  expect(report.record.connections).toEqual([
    expect.objectContaining({
      connectionId: ID,
      status: 'change',
      drift: expect.objectContaining({ kind: 'declared', repair: ['apply'] }),
      plan: [
        expect.objectContaining({
          kind: 'update-access',
          changes: [{ field: 'access.search[0].names[0]', before: 'by-hand-*', after: 'logs-*' }],
        }),
      ],
    }),
  ]);
  expect(report.notApplied).toMatch(/applies nothing by itself/);
  expect(run.entries('child-started')).toEqual([]);
  expect(t.world.state()).toEqual(before);

  expect(await inventory.deliverSignals()).toBe(1);
  const view = await inventory.query<InventoryView>(inventoryQuery.name, {});
  expect(view.declared?.connections.map((c) => [c.connectionId, c.drift.kind])).toEqual([[ID, 'declared']]);
  expect(sent).toEqual([
    expect.objectContaining({
      kind: 'declared-drift',
      connections: [expect.objectContaining({ connectionId: ID, actions: ['update-access'] })],
    }),
  ]);
  expect(run.entries('search-attributes').at(-1)?.values).toMatchObject({ CrosslinkDrift: 'drift' });
});

it('an estate as declared is no drift, and no notification', async () => {
  const { run, sent } = await reconcile();
  const report = await ended(run);
  expect(report.record.connections).toEqual([]);
  expect(report.notApplied).toBeUndefined();
  expect(sent).toEqual([]);
});

it('with autoApply for the kind, it starts an apply whose run still waits at its gate; nothing changes before approval', async () => {
  await changeAccessByHand();
  const before = t.world.state();
  const { run } = await reconcile(['update-access']);
  const report = await ended(run);
  expect(report.record.applied).toMatchObject({ kinds: ['update-access'], actions: 1 });
  expect(run.entries('child-started').map((c) => c.workflowType)).toEqual(['applyDesiredState']);

  const apply = t.harness.runOf(report.record.applied!.applyId)!;
  await apply.until((r) => r.entries('child-started').length === 1).catch(() => undefined);
  const update = t.harness.runOf(ID)!;
  expect(update).not.toBeUndefined();
  await update.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
  expect((await progressOf(update)).pendingGate?.gate).toBe('api-key');
  expect(t.world.state()).toEqual(before);
});
