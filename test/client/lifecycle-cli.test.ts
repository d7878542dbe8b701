import { runCli } from '../../client/cli/program';
import { renderAuditReport } from '../../client/cli/render/audit';
import { renderConnections } from '../../client/cli/render/connections';
import { AuditOptions, auditReport } from '../../domain/drift';
import { NOW, apiKeyConnection, days, inventory } from '../lifecycle/fixtures';
import { WorkflowNotFoundError } from '@temporalio/client';
import { type InventoryView } from '../../domain/inventory';
import { recordingContext } from './cli-context';

const now = new Date(NOW);
const key = apiKeyConnection().keys[0]!;

describe('crosslink connections', () => {
  it('renders each connection with access, key age, creating run and health, then the diagnosis', () => {
    const broken = apiKeyConnection({
      connectionId: 'crosslink.ece-a.a9.gone',
      alias: 'gone',
      keys: [{ ...key, id: 'key-2', active: false, invalidated: true }],
      health: {
        status: 'broken',
        causes: ['key invalid: the cross-cluster API key of this connection is invalidated'],
      },
    });
    const text = renderConnections(
      inventory([apiKeyConnection(), broken], {
        unmanaged: [
          {
            environment: 'ece-a',
            deploymentId: 'a815',
            alias: 'legacy-remote',
            mode: 'sniff',
            address: '10.20.30.40:9300',
          },
        ],
        errors: [{ environment: 'ece-b', deploymentId: 'b813', message: 'elasticsearch access: no credentials' }],
      }),
      now,
    );
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^LOCAL\s+ALIAS\s+REMOTE\s+MODEL\s+ACCESS\s+KEY AGE\s+CREATED BY RUN\s+HEALTH$/);
    expect(lines[2]).toMatch(
      /^ece-a\/search-a-9\s+logs\s+ece-b\/logs-b-9\s+api_key\s+search: logs-\*\s+40d \(expires in 50d\)\s+run-1\s+connected$/,
    );
    expect(lines[3]).toMatch(/gone .* broken$/);
    expect(text).toContain('ece-a/search-a-9 gone (broken): key invalid');
    expect(text).toContain('ece-a/a815 legacy-remote sniff 10.20.30.40:9300');
    expect(text).toContain('ece-b/b813: elasticsearch access: no credentials');
  });

  it('says when nothing is managed', () => {
    expect(renderConnections(inventory([]), now)).toBe('No connections managed by crosslink found.');
  });

  it('lists a leftover with its run, what is left and the cleanup command; in-progress apart; residue only with --all', () => {
    const leftover = apiKeyConnection({
      connectionId: 'crosslink.ece-a.a9.cut',
      alias: 'cut',
      class: 'leftover',
      run: { workflowId: 'crosslink.ece-a.a9.cut', runId: 'run-9', operation: 'connect', status: 'terminated' },
      leftover: {
        left: [
          'cluster.remote.cut.* (4 settings) on ece-a/a9',
          'keystore credential cluster.remote.cut.credentials on ece-a/a9',
        ],
        cleanup: 'crosslink disconnect ece-a a9 cut --as <you>',
      },
    });
    const open = apiKeyConnection({
      connectionId: 'crosslink.ece-a.a9.busy',
      alias: 'busy',
      class: 'in-progress',
      run: { workflowId: 'crosslink.ece-a.a9.busy', runId: 'run-7', operation: 'rotate', status: 'running' },
    });
    const residue = apiKeyConnection({
      connectionId: 'crosslink.ece-a.a9.gone',
      alias: 'gone',
      class: 'residue',
      keys: [{ ...key, id: 'old-key', active: false, invalidated: true }],
      settings: undefined,
      health: { status: 'broken', causes: ['the alias is not registered on the local cluster'] },
    });
    const found = inventory([apiKeyConnection(), leftover, open, residue]);
    const text = renderConnections(found, now);
    const table = text.split('\n\n')[0]!;
    expect(table.split('\n')).toHaveLength(3); // header, rule, the one connection
    expect(text).not.toContain('broken');
    expect(text).toContain(
      [
        'Leftovers of runs that ended without undoing (not connections; each needs its clean-up):',
        '  ece-a/search-a-9 cut -> ece-b/logs-b-9: connect run run-9 ended terminated without undoing what it created; still there:',
        '    - cluster.remote.cut.* (4 settings) on ece-a/a9',
        '    - keystore credential cluster.remote.cut.credentials on ece-a/a9',
        '    clean up: crosslink disconnect ece-a a9 cut --as <you>',
      ].join('\n'),
    );
    expect(text).toContain(
      '  ece-a/search-a-9 busy -> ece-b/logs-b-9: rotate run run-7 is open (crosslink status crosslink.ece-a.a9.busy)',
    );
    expect(text).toContain('1 residue entry hidden');
    expect(text).not.toContain('old-key');
    const all = renderConnections(found, now, { all: true });
    expect(all).toContain('Residue (not connections, never audited');
    expect(all).toMatch(/ece-a\/search-a-9 gone: invalidated key old-key \(Elasticsearch keeps invalidated keys/);
  });
});

describe('crosslink connections reads the inventory workflow', () => {
  /** A namespace with the inventory workflow (or not) and a worker that answers its query. */
  function inventoryNamespace(opts: { running: boolean; views: InventoryView[] }) {
    const calls: string[] = [];
    const signals: unknown[] = [];
    const queries: unknown[] = [];
    let started = opts.running;
    const views = [...opts.views];
    const client = {
      withDeadline: <R>(_deadline: number, fn: () => Promise<R>) => fn(),
      workflow: {
        getHandle: (id: string) => ({
          describe: async () => {
            calls.push(`describe ${id}`);
            if (!started) throw new WorkflowNotFoundError('not found', id, undefined);
            return { status: { name: 'RUNNING' } };
          },
          query: async (_def: unknown, filter: unknown) => {
            queries.push(filter);
            return views.length > 1 ? views.shift() : views[0];
          },
          signal: async (_def: { name: string }, request: unknown) => {
            calls.push(`signal ${id}`);
            signals.push(request);
          },
        }),
        signalWithStart: async (type: string, options: { workflowId: string; signalArgs: unknown[] }) => {
          calls.push(`signalWithStart ${type} ${options.workflowId}`);
          signals.push(options.signalArgs[0]);
          started = true;
        },
        start: async () => calls.push('start'),
        execute: async () => calls.push('execute'),
      },
    };
    return { client, calls, signals, queries };
  }
  /** Three minutes before the recording context's clock (2026-11-27T23:58:00Z). */
  const RECENT = '2026-11-27T23:55:00.000Z';
  const viewOf = (extra: Partial<InventoryView> = {}): InventoryView => ({
    inventory: { ...inventory([apiKeyConnection()]), discoveredAt: RECENT },
    generation: 3,
    reasons: ['audit crosslink-audit-2026'],
    pending: 0,
    served: [],
    ...extra,
  });

  it('answers from the query and starts no workflow', async () => {
    const ns = inventoryNamespace({ running: true, views: [viewOf()] });
    const ctx = recordingContext(ns.client);
    expect(await runCli(['connections', '--environment', 'ece-a', '--deployment', 'a9'], ctx)).toBe(0);
    expect(ns.calls).toEqual(['describe crosslink-inventory']);
    expect(ns.queries).toEqual([{ environment: 'ece-a', deploymentId: 'a9' }]);
    const out = ctx.stdout.join('\n');
    expect(out).toMatch(/^LOCAL\s+ALIAS/);
    expect(out).toContain('Discovered 2026-11-27T23:55:00.000Z (3m ago)');
    expect(out).toContain(
      'by the inventory workflow crosslink-inventory (refresh 3; asked by: audit crosslink-audit-2026)',
    );
  });

  it('the first time in a namespace, starts the inventory workflow and waits for its first discovery, saying so', async () => {
    const ns = inventoryNamespace({
      running: false,
      views: [
        viewOf({ inventory: undefined, generation: 0, reasons: [], refreshing: { since: 'now', reasons: [] } }),
        viewOf(),
      ],
    });
    const ctx = recordingContext(ns.client);
    expect(await runCli(['connections', '--json'], ctx)).toBe(0);
    expect(ns.calls).toEqual([
      'describe crosslink-inventory',
      'signalWithStart crosslinkInventory crosslink-inventory',
    ]);
    expect(ns.signals).toEqual([{ reason: 'first inventory', requestId: expect.any(String) }]);
    expect(ctx.stderr.join('\n')).toContain('Starting the inventory workflow crosslink-inventory');
    expect(JSON.parse(ctx.stdout.join(''))).toEqual({ ...inventory([apiKeyConnection()]), discoveredAt: RECENT });
  });

  it('an inventory older than --max-age is read again first; --max-age 0 never', async () => {
    const old = viewOf({ inventory: inventory([apiKeyConnection()]) }); // discovered 2026-06-01
    const stale = inventoryNamespace({ running: true, views: [old] });
    const handle = stale.client.workflow.getHandle;
    stale.client.workflow.getHandle = (id: string) => ({
      ...handle(id),
      query: async () =>
        stale.signals.length === 0
          ? old
          : viewOf({ generation: 4, served: [(stale.signals[0] as { requestId: string }).requestId] }),
    });
    const ctx = recordingContext(stale.client);
    expect(await runCli(['connections'], ctx)).toBe(0);
    expect(stale.signals).toEqual([
      { reason: 'crosslink connections (inventory too old)', requestId: expect.any(String) },
    ]);
    expect(ctx.stderr.join('\n')).toContain('The inventory is older than 600s; asked for a new discovery');
    expect(ctx.stdout.join('\n')).toContain('(refresh 4;');

    const never = inventoryNamespace({ running: true, views: [old] });
    expect(await runCli(['connections', '--max-age', '0'], recordingContext(never.client))).toBe(0);
    expect(never.signals).toEqual([]);
  });

  it('--refresh signals a request and waits until a refresh covered it', async () => {
    const ns = inventoryNamespace({ running: true, views: [] });
    const ctx = recordingContext(ns.client);
    const answers = [viewOf(), viewOf({ refreshing: { since: 's', reasons: ['x'] } })];
    const client = ns.client;
    const handle = client.workflow.getHandle;
    client.workflow.getHandle = (id: string) => ({
      ...handle(id),
      query: async () =>
        answers.shift() ?? viewOf({ generation: 4, served: [(ns.signals[0] as { requestId: string }).requestId] }),
    });
    expect(await runCli(['connections', '--refresh'], ctx)).toBe(0);
    expect(ns.signals).toEqual([{ reason: 'crosslink connections --refresh', requestId: expect.any(String) }]);
    expect(ctx.stdout.join('\n')).toContain('(refresh 4;');
  });

  it('says to start a worker when nobody answers the query', async () => {
    const ns = inventoryNamespace({ running: true, views: [] });
    const client = {
      ...ns.client,
      withDeadline: async () => {
        throw new Error('deadline exceeded');
      },
    };
    const ctx = recordingContext(client);
    expect(await runCli(['connections'], ctx)).toBe(6);
    expect(ctx.stderr.join('\n')).toMatch(/no worker answered the inventory query within 5s .*start one/);
  });
});

describe('crosslink audit', () => {
  it('renders drift with the suggested repair and says nothing was changed', () => {
    const report = auditReport(
      inventory([apiKeyConnection(), apiKeyConnection({ alias: 'soon', keys: [{ ...key, expiresAt: days(3) }] })]),
      AuditOptions.parse({}),
      NOW,
    );
    const text = renderAuditReport(report, { workflowId: 'crosslink-audit-2026', runId: 'r' });
    expect(text.split('\n')[0]).toBe(
      'Audit of 2026-06-01T00:00:00Z (crosslink-audit-2026): 2 connections, 2 connected, 0 degraded, 0 broken; 1 with drift (key expiry warning 14d).',
    );
    expect(text).toMatch(
      /ece-a\/search-a-9\s+soon\s+key-expiring\s+crosslink rotate ece-a a9 soon --as <you>\s+cross-cluster API key key-1 expires at/,
    );
    expect(text).toContain('Repairs are suggestions: nothing was changed.');
  });

  it('says what it did not audit, and lists a leftover with its disconnect command', () => {
    const cut = apiKeyConnection({
      connectionId: 'crosslink.ece-a.a9.cut',
      alias: 'cut',
      class: 'leftover',
      run: { workflowId: 'crosslink.ece-a.a9.cut', runId: 'r9', operation: 'connect', status: 'terminated' },
      leftover: { left: ['keystore credential x'], cleanup: 'crosslink disconnect ece-a a9 cut --as <you>' },
    });
    const busy = apiKeyConnection({ connectionId: 'crosslink.ece-a.a9.busy', alias: 'busy', class: 'in-progress' });
    const gone = apiKeyConnection({ connectionId: 'crosslink.ece-a.a9.gone', alias: 'gone', class: 'residue' });
    const text = renderAuditReport(
      auditReport(inventory([apiKeyConnection(), cut, busy, gone]), AuditOptions.parse({}), NOW),
    );
    expect(text.split('\n')[0]).toBe(
      'Audit of 2026-06-01T00:00:00Z: 1 connection, 1 connected, 0 degraded, 0 broken, 1 leftover of ended runs; 1 with drift (key expiry warning 14d).',
    );
    expect(text).toContain(
      'Not audited: 1 in progress (a run is changing them), 1 residue (marks of rolled-back or disconnected runs; not connections).',
    );
    expect(text).toMatch(/ece-a\/search-a-9\s+cut\s+leftover\s+crosslink disconnect ece-a a9 cut --as <you>\s+run r9/);
  });

  it('refuses a malformed interval before reaching Temporal', async () => {
    const ctx = recordingContext();
    expect(await runCli(['audit', 'schedule', '--every', 'often'], ctx)).toBe(2);
    expect(ctx.clientsCreated).toBe(0);
    expect(ctx.stderr.join('\n')).toContain('must be a duration');
  });

  it('says how to create the schedule when `audit run` finds none', async () => {
    const { ScheduleNotFoundError } = await import('@temporalio/client');
    const client = {
      schedule: {
        getHandle: () => ({
          trigger: async () => {
            throw new ScheduleNotFoundError('not found', 'crosslink-audit');
          },
        }),
      },
    };
    const ctx = recordingContext(client);
    expect(await runCli(['audit', 'run'], ctx)).toBe(5);
    expect(ctx.stderr.join('\n')).toContain('crosslink audit schedule');
  });

  // The reconcile's hints are printed as this CLI was invoked, like every other hint (issue 17, item 14).
  it('reconcile run without a schedule, and reconcile report before any run, name the commands as invoked', async () => {
    const { ScheduleNotFoundError } = await import('@temporalio/client');
    const missing = {
      schedule: {
        getHandle: () => ({
          trigger: async () => {
            throw new ScheduleNotFoundError('not found', 'crosslink-reconcile');
          },
        }),
      },
    };
    const run = { ...recordingContext(missing), invocation: 'npm run crosslink --' };
    expect(await runCli(['reconcile', 'run'], run)).toBe(5);
    expect(run.stderr.join('\n')).toContain(
      'no reconcile schedule "crosslink-reconcile": create it with `npm run crosslink -- reconcile schedule`',
    );
    const empty = { schedule: { getHandle: () => ({ describe: async () => ({ info: { recentActions: [] } }) }) } };
    const report = { ...recordingContext(empty), invocation: 'npm run crosslink --' };
    expect(await runCli(['reconcile', 'report'], report)).toBe(0);
    expect(report.stdout).toEqual(['No completed reconcile yet: `npm run crosslink -- reconcile run` starts one now.']);
  });
});
