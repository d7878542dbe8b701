/**
 * The inventory workflow (workflows/inventory.ts) in the server-less harness: it answers the
 * `inventory` query from memory, refreshes on the `refresh` signal (requests arriving during a
 * discovery share the next one), keeps the previous inventory when a discovery fails, continues
 * as new carrying what it holds, and is asked to refresh by other workflows (the audit) through
 * `requestInventoryRefresh`, which tolerates its absence.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  AUDIT_WORKFLOW,
  type ConnectionInventory,
  INVENTORY_WORKFLOW,
  INVENTORY_WORKFLOW_ID,
  type InventoryView,
  OPERATION_SEARCH_ATTRIBUTES,
} from '../../domain';
import { type HarnessRun, WorkflowHarness } from '../harness/workflow-harness';
import { NOW, apiKeyConnection, inventory } from '../lifecycle/fixtures';
import { WORKFLOWS_PATH } from './fixtures';

let harness: WorkflowHarness;
beforeAll(async () => {
  harness = await WorkflowHarness.create(WORKFLOWS_PATH);
});
afterAll(() => harness.destroy());

const other = apiKeyConnection({
  connectionId: 'crosslink.ece-c.c1.far',
  alias: 'far',
  local: { environment: 'ece-c', deploymentId: 'c1' },
  remote: { environment: 'ece-d', deploymentId: 'd1' },
});

/** A discovery activity that answers the inventories given, one per call, and counts the calls. */
function discoveries(...answers: Array<ConnectionInventory | Error>) {
  const calls: unknown[] = [];
  const gates: Array<() => void> = [];
  let held = false;
  return {
    calls,
    /** Makes the next discoveries wait until `release()`. */
    hold() {
      held = true;
    },
    release() {
      held = false;
      gates.splice(0).forEach((open) => open());
    },
    discoverConnections: async (filter: unknown) => {
      calls.push(filter);
      if (held) await new Promise<void>((resolve) => gates.push(resolve));
      const answer = answers[Math.min(calls.length - 1, answers.length - 1)]!;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

const view = (run: HarnessRun, filter?: unknown) =>
  filter === undefined ? run.query<InventoryView>('inventory') : run.query<InventoryView>('inventory', filter);
const resolved = (run: HarnessRun) => run.entries('activity-resolved').length;

describe('crosslinkInventory', () => {
  it('answers before its first discovery, then from memory after a refresh, with the reasons and served ids', async () => {
    const first = inventory([apiKeyConnection(), other]);
    const d = discoveries(first);
    const run = await harness.start(INVENTORY_WORKFLOW, [{}], {
      workflowId: INVENTORY_WORKFLOW_ID,
      startTime: NOW,
      activities: { discoverConnections: d.discoverConnections },
    });
    expect(await view(run)).toEqual({ generation: 0, reasons: [], pending: 0, served: [] });
    expect(run.entries('search-attributes').map((e) => e.values)).toEqual([
      { [OPERATION_SEARCH_ATTRIBUTES.operation]: 'inventory' },
    ]);

    await run.signal('refresh', { reason: 'crosslink connections', requestId: 'req-1' });
    await run.until((r) => resolved(r) === 1);
    expect(d.calls).toEqual([{}]);
    const after = await view(run);
    expect(after).toMatchObject({
      inventory: first,
      generation: 1,
      reasons: ['crosslink connections'],
      served: ['req-1'],
      pending: 0,
    });
    expect(after.refreshing).toBeUndefined();

    // Queries read memory: no discovery runs for them.
    expect((await view(run, { environment: 'ece-c' })).inventory?.connections).toEqual([other]);
    expect((await view(run, { deploymentId: 'a9' })).inventory?.connections).toEqual([apiKeyConnection()]);
    expect(d.calls).toHaveLength(1);
    await run.dispose();
  });

  it('requests arriving during a discovery share the next one; a failed discovery keeps the previous inventory', async () => {
    const first = inventory([apiKeyConnection()]);
    const d = discoveries(first, first, ApplicationFailure.nonRetryable('ece-a unreachable', 'Unavailable'));
    const run = await harness.start(INVENTORY_WORKFLOW, [{}], {
      workflowId: INVENTORY_WORKFLOW_ID,
      activities: { discoverConnections: d.discoverConnections },
    });
    d.hold();
    await run.signal('refresh', { reason: 'disconnect', connectionId: 'crosslink.ece-a.a9.logs', requestId: 'a' });
    await run.until(() => d.calls.length === 1);
    await run.signal('refresh', { reason: 'crosslink connections', requestId: 'b' });
    await run.signal('refresh', { reason: 'crosslink connections', requestId: 'c' });
    const during = await view(run);
    expect(during).toMatchObject({
      generation: 0,
      pending: 2,
      refreshing: { reasons: ['disconnect (crosslink.ece-a.a9.logs)'] },
    });
    d.release();
    await run.until((r) => resolved(r) === 2);
    expect(d.calls).toHaveLength(2);
    expect(await view(run)).toMatchObject({
      generation: 2,
      reasons: ['crosslink connections'],
      served: ['a', 'b', 'c'],
    });

    await run.signal('refresh', { reason: 'audit', requestId: 'd' });
    await run.until((r) => resolved(r) === 3);
    const failed = await view(run);
    expect(failed.inventory).toEqual(first);
    expect(failed.error?.message).toContain('ece-a unreachable');
    expect(failed.served).toEqual(['a', 'b', 'c', 'd']);
    await run.dispose();
  });

  it('ignores a malformed request', async () => {
    const d = discoveries(inventory([]));
    const run = await harness.start(INVENTORY_WORKFLOW, [{}], {
      workflowId: INVENTORY_WORKFLOW_ID,
      activities: { discoverConnections: d.discoverConnections },
    });
    await run.signal('refresh', { why: 'no reason field' });
    expect(await view(run)).toMatchObject({ pending: 0, generation: 0 });
    expect(d.calls).toEqual([]);
    await run.dispose();
  });

  it('continues as new after its refreshes, carrying the inventory, so the next run answers at once', async () => {
    const latest = inventory([apiKeyConnection()]);
    const d = discoveries(inventory([]), latest);
    const run = await harness.start(INVENTORY_WORKFLOW, [{ refreshesPerRun: 2 }], {
      workflowId: INVENTORY_WORKFLOW_ID,
      activities: { discoverConnections: d.discoverConnections },
    });
    await run.signal('refresh', { reason: 'one', requestId: '1' });
    await run.until((r) => resolved(r) === 1);
    await run.signal('refresh', { reason: 'two', requestId: '2' });
    await run.until((r) => r.status === 'continued-as-new');
    const args = run.continuedAsNewWith!;
    expect(args).toEqual([
      {
        refreshesPerRun: 2,
        carried: { inventory: latest, generation: 2, reasons: ['two'], served: ['1', '2'], pending: [] },
      },
    ]);

    const next = await harness.start(INVENTORY_WORKFLOW, args, {
      workflowId: INVENTORY_WORKFLOW_ID,
      activities: { discoverConnections: d.discoverConnections },
    });
    expect(await view(next)).toMatchObject({ inventory: latest, generation: 2, served: ['1', '2'] });
    expect(d.calls).toHaveLength(2);
    await run.dispose();
    await next.dispose();
  });
});

describe('requestInventoryRefresh (from the audit)', () => {
  it('the audit asks the inventory workflow to refresh, and completes when none exists', async () => {
    const found = inventory([apiKeyConnection()]);
    const inventoryRun = await harness.start(INVENTORY_WORKFLOW, [{}], {
      workflowId: INVENTORY_WORKFLOW_ID,
      activities: { discoverConnections: async () => found },
    });
    const audit = await harness.start(AUDIT_WORKFLOW, [{}], {
      workflowId: 'crosslink-audit-2026',
      startTime: NOW,
      activities: { discoverConnections: async () => found },
      externalWorkflows: { [INVENTORY_WORKFLOW_ID]: inventoryRun },
    });
    await audit.resultValue();
    expect(audit.entries('signal-external')).toEqual([
      expect.objectContaining({
        workflowId: INVENTORY_WORKFLOW_ID,
        name: 'refresh',
        args: [{ reason: 'audit crosslink-audit-2026' }],
        delivered: true,
      }),
    ]);
    expect(await inventoryRun.deliverSignals()).toBe(1);
    await inventoryRun.until((r) => r.entries('activity-resolved').length === 1);
    expect(await view(inventoryRun)).toMatchObject({ generation: 1, reasons: ['audit crosslink-audit-2026'] });

    const alone = await harness.start(AUDIT_WORKFLOW, [{}], {
      startTime: NOW,
      activities: { discoverConnections: async () => found },
    });
    await expect(alone.resultValue()).resolves.toMatchObject({ driftCount: 0 });
    expect(alone.entries('signal-external')).toEqual([expect.objectContaining({ delivered: false })]);
    await inventoryRun.dispose();
  });
});
