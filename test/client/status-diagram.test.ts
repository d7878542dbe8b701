import { runCli } from '../../client/cli/program';
import { EXIT } from '../../client/cli/exit-codes';
import { WORKFLOW_ID, recordedProgress } from './cli-fixtures';
import { described, fakeClient, recordingContext } from './cli-context';

describe('crosslink status --format mermaid', () => {
  test('draws the run as its plan, each step coloured by its state', async () => {
    const progress = recordedProgress('awaiting-approval');
    const ctx = recordingContext(
      fakeClient({
        describe: async () => ({ ...(described('RUNNING') as object), type: 'connectRemoteCluster' }),
        query: async () => progress,
      }),
    );
    expect(await runCli(['status', WORKFLOW_ID, '--format', 'mermaid'], ctx)).toBe(EXIT.OK);
    const out = ctx.stdout.join('\n');
    expect(out.split('\n')[0]).toBe('flowchart TD');
    expect(out).toMatch(/class step_preflight_\d+ done/);
    expect(out).toMatch(/class step_proxy_ca_\d+ waiting/);
    expect(out).toMatch(/class step_keystore_\d+ pending/);
  });

  test('a workflow that runs no plan is refused with the reason', async () => {
    const ctx = recordingContext(
      fakeClient({
        describe: async () => ({ ...(described('COMPLETED') as object), type: 'auditConnections' }),
        result: async () => ({}),
      }),
    );
    expect(await runCli(['status', 'crosslink-audit-x', '--format', 'mermaid'], ctx)).toBe(EXIT.INVALID_INPUT);
    expect(ctx.stderr.join('\n')).toMatch(/runs auditConnections, which has no plan to draw/);
  });
});
