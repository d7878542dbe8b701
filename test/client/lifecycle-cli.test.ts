import { runCli } from '../../client/cli/program';
import { renderAuditReport } from '../../client/cli/render/audit';
import { renderConnections } from '../../client/cli/render/connections';
import { AuditOptions, auditReport } from '../../domain/drift';
import { NOW, apiKeyConnection, days, inventory } from '../lifecycle/fixtures';
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

  it('starts the listing workflow with the filter and prints JSON', async () => {
    const started: Array<{ type: string; options: { args: unknown[]; taskQueue: string } }> = [];
    const client = {
      workflow: {
        execute: async (type: string, options: { args: unknown[]; taskQueue: string }) => {
          started.push({ type, options });
          return inventory([apiKeyConnection()]);
        },
      },
    };
    const ctx = recordingContext(client);
    expect(await runCli(['connections', '--json', '--environment', 'ece-a', '--deployment', 'a9'], ctx)).toBe(0);
    expect(started).toEqual([
      expect.objectContaining({
        type: 'listConnections',
        options: expect.objectContaining({
          taskQueue: 'crosslink',
          args: [{ environment: 'ece-a', deploymentId: 'a9' }],
        }),
      }),
    ]);
    expect(JSON.parse(ctx.stdout.join('\n'))).toEqual(inventory([apiKeyConnection()]));
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
});
