import { AUDIT_WORKFLOW, AuditReport, LIST_CONNECTIONS_WORKFLOW, OPERATION_SEARCH_ATTRIBUTES } from '../../domain';
import { type DiscoveryFilter } from '../../domain/inventory';
import { WorkflowHarness } from '../harness/workflow-harness';
import { NOW, apiKeyConnection, days, inventory } from '../lifecycle/fixtures';
import { WORKFLOWS_PATH } from './fixtures';

let harness: WorkflowHarness;
beforeAll(async () => {
  harness = await WorkflowHarness.create(WORKFLOWS_PATH);
});
afterAll(() => harness.destroy());

const key = apiKeyConnection().keys[0]!;
const found = inventory([
  apiKeyConnection(),
  apiKeyConnection({
    connectionId: 'crosslink.ece-a.a9.other',
    alias: 'other',
    keys: [{ ...key, expiresAt: days(2) }],
  }),
]);

describe('listConnections', () => {
  it("returns the discovery activity's inventory for the filter it was given", async () => {
    const filters: DiscoveryFilter[] = [];
    const run = await harness.start(LIST_CONNECTIONS_WORKFLOW, [{ environment: 'ece-a' }], {
      activities: {
        discoverConnections: async (filter: unknown) => {
          filters.push(filter as DiscoveryFilter);
          return found;
        },
      },
    });
    expect(await run.resultValue()).toEqual(found);
    expect(filters).toEqual([{ environment: 'ece-a' }]);
  });

  it('refuses a filter with an unknown field without running discovery', async () => {
    let calls = 0;
    const run = await harness.start(LIST_CONNECTIONS_WORKFLOW, [{ env: 'ece-a' }], {
      activities: { discoverConnections: async () => ((calls += 1), found) },
    });
    const outcome = await run.outcome();
    expect(outcome.status).toBe('failed');
    expect(outcome.status === 'failed' && outcome.failure).toMatchObject({ type: 'BadRequest' });
    expect(calls).toBe(0);
  });
});

describe('auditConnections', () => {
  it('reports drift per connection, records the operation and the worst finding, and changes nothing', async () => {
    const called: string[] = [];
    const run = await harness.start(AUDIT_WORKFLOW, [{ expiryWarning: '7d' }], {
      startTime: NOW,
      activities: {
        discoverConnections: async () => (called.push('discoverConnections'), found),
      },
    });
    const report = AuditReport.parse(await run.resultValue());
    expect(called).toEqual(['discoverConnections']);
    expect(report.auditedAt).toBe(new Date(NOW).toISOString());
    expect(report.driftCount).toBe(1);
    const drifted = report.connections.find((c) => c.alias === 'other');
    expect(drifted?.drift).toEqual([expect.objectContaining({ kind: 'key-expiring', repair: ['rotate'] })]);
    const upserts = run.entries('search-attributes').map((e) => e.values);
    expect(upserts).toEqual([
      { [OPERATION_SEARCH_ATTRIBUTES.operation]: 'audit', [OPERATION_SEARCH_ATTRIBUTES.drift]: 'running' },
      { [OPERATION_SEARCH_ATTRIBUTES.drift]: 'drift' },
    ]);
  });
});
