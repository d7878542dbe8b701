/** `crosslink connect` with a fan-out request file, and `crosslink status` of a fan-out: per pair. */
import { runCli } from '../../client/cli/program';
import { EXIT } from '../../client/cli/exit-codes';
import { FAN_OUT_WORKFLOW, type FanOutPairStatus, type FanOutRequestInput } from '../../domain';
import { recordingContext } from './cli-context';

const LOCAL = 'a1000000000000000000000000000001';

function fanOut(overrides: Partial<FanOutRequestInput> = {}): FanOutRequestInput {
  const pair = (deploymentId: string, alias: string) => ({
    remote: { environment: 'ece-b', deploymentId },
    alias,
    access: { search: [{ names: ['logs-*'] }] },
  });
  return {
    requestId: 'rollout-1',
    local: { environment: 'ece-a', deploymentId: LOCAL },
    remotes: [pair('b1000000000000000000000000000001', 'logs-b1'), pair('b2000000000000000000000000000002', 'logs-b2')],
    securityModel: 'api_key',
    requestedBy: 'automation',
    ...overrides,
  };
}

describe('crosslink connect with a fan-out request', () => {
  test('field errors name the pair; nothing is started', async () => {
    const bad = fanOut();
    bad.remotes = [
      { ...bad.remotes[0]!, access: undefined },
      { ...bad.remotes[1]!, alias: 'logs-b1' },
    ];
    const ctx = recordingContext(undefined, { 'fan-out.json': JSON.stringify(bad) });
    expect(await runCli(['connect', 'fan-out.json'], ctx)).toBe(EXIT.INVALID_INPUT);
    const err = ctx.stderr.join('\n');
    expect(err).toMatch(/fan-out request in fan-out\.json/);
    expect(err).toMatch(/remotes\[0\]\.access: is required for the api_key security model/);
    expect(err).toMatch(/remotes\[1\]\.alias: alias "logs-b1" is listed twice/);
    expect(ctx.clientsCreated).toBe(0);
  });

  test('starts one fan-out run under its id and prints each pair with its connection id', async () => {
    const starts: Array<{ type: string; options: { workflowId: string; args: unknown[] } }> = [];
    const client = {
      workflow: {
        start: async (type: string, options: { workflowId: string; args: unknown[] }) => {
          starts.push({ type, options });
          return { workflowId: options.workflowId, firstExecutionRunId: 'run-1' };
        },
      },
    };
    const ctx = recordingContext(client, { 'fan-out.json': JSON.stringify(fanOut()) });
    expect(await runCli(['connect', 'fan-out.json', '--no-wait'], ctx)).toBe(EXIT.OK);
    expect(starts.map((s) => [s.type, s.options.workflowId])).toEqual([
      [FAN_OUT_WORKFLOW, `crosslink-fan-out.ece-a.${LOCAL}.rollout-1`],
    ]);
    const out = ctx.stdout.join('\n');
    expect(out).toContain(`Started fan-out crosslink-fan-out.ece-a.${LOCAL}.rollout-1 (run run-1): 2 pairs.`);
    expect(out).toContain(`logs-b1: crosslink status crosslink.ece-a.${LOCAL}.logs-b1 --watch`);
    expect(out).toContain(`logs-b2: crosslink status crosslink.ece-a.${LOCAL}.logs-b2 --watch`);
  });

  test('status of a fan-out shows each pair: state, remote, connection id and why a pair did not connect', async () => {
    const pairs: FanOutPairStatus[] = [
      {
        alias: 'logs-b1',
        remote: { environment: 'ece-b', deploymentId: 'b1000000000000000000000000000001' },
        connectionId: `crosslink.ece-a.${LOCAL}.logs-b1`,
        state: 'connected',
      },
      {
        alias: 'logs-b2',
        remote: { environment: 'ece-b', deploymentId: 'b2000000000000000000000000000002' },
        connectionId: `crosslink.ece-a.${LOCAL}.logs-b2`,
        state: 'rolled-back',
        reason: { type: 'ApprovalRejected', message: 'rejected at verify' },
      },
    ];
    const client = { workflow: { getHandle: () => ({ query: async () => pairs }) } };
    const ctx = recordingContext(client);
    expect(await runCli(['status', `crosslink-fan-out.ece-a.${LOCAL}.rollout-1`], ctx)).toBe(EXIT.OK);
    const out = ctx.stdout.join('\n');
    expect(out).toMatch(/1\/2 connected/);
    expect(out).toMatch(
      /logs-b1\s+ece-b\/b1000000000000000000000000000001\s+connected\s+crosslink\.ece-a\.\S+\.logs-b1/,
    );
    expect(out).toMatch(
      /logs-b2\s+ece-b\/\S+\s+rolled-back\s+crosslink\.ece-a\.\S+\.logs-b2\n\s+ApprovalRejected: rejected at verify/,
    );
  });
});
