/**
 * `crosslink list` end to end through the CLI: the visibility query it runs, and each connection's
 * search attributes and execution fields as the user reads them (JSON and the table). Every
 * attribute carries a different value, so printing one in another's place shows.
 */
import { type WorkflowExecutionInfo } from '@temporalio/client';
import { type SearchAttributePair, TypedSearchAttributes, defineSearchAttributeKey } from '@temporalio/common';
import { runCli } from '../../client/cli/program';
import { EXIT } from '../../client/cli/exit-codes';
import { SEARCH_ATTRIBUTE_KEYS } from '../../domain';
import { recordingContext } from './cli-context';

const KEYS = SEARCH_ATTRIBUTE_KEYS;

/** A connection workflow as the visibility API lists it (only the fields `list` reads). */
function execution(
  workflowId: string,
  status: string,
  attributes: SearchAttributePair[],
  closeTime?: string,
): WorkflowExecutionInfo {
  return {
    workflowId,
    runId: `run-of-${workflowId}`,
    status: { name: status },
    typedSearchAttributes: new TypedSearchAttributes(attributes),
    startTime: new Date('2026-11-27T23:57:47.565Z'),
    closeTime: closeTime ? new Date(closeTime) : undefined,
  } as unknown as WorkflowExecutionInfo;
}

const waiting = execution('crosslink.ece-a.a9.logs-b', 'RUNNING', [
  { key: KEYS.state, value: 'awaiting-approval' },
  { key: KEYS.step, value: 'proxy-ca' },
  { key: KEYS.localDeployment, value: 'ece-a/a9' },
  { key: KEYS.remoteDeployment, value: 'ece-b/b9' },
  { key: KEYS.alias, value: 'logs-b' },
]);
const rolledBack = execution(
  'crosslink.ece-a.a815.metrics-c',
  'FAILED',
  [
    { key: KEYS.state, value: 'rolled-back' },
    { key: KEYS.step, value: 'keystore' },
    { key: KEYS.localDeployment, value: 'ece-a/a815' },
    { key: KEYS.remoteDeployment, value: 'ece-c/c8' },
    { key: KEYS.alias, value: 'metrics-c' },
  ],
  '2026-11-28T00:03:10.000Z',
);
/** Started moments ago: the workflow has not set its attributes yet. */
const fresh = execution('crosslink.ece-a.a813.new-d', 'RUNNING', []);

/** A client whose visibility list yields `executions` and records the queries it was given. */
function listingClient(executions: WorkflowExecutionInfo[]) {
  const queries: Array<{ query?: string; pageSize?: number }> = [];
  const client = {
    workflow: {
      list(options: { query?: string; pageSize?: number }) {
        queries.push(options);
        return (async function* () {
          yield* executions;
        })();
      },
    },
  };
  return { client, queries };
}

describe('crosslink list', () => {
  test('--json prints each connection with its own state, step, deployments, alias and times', async () => {
    const { client, queries } = listingClient([waiting, rolledBack, fresh]);
    const ctx = recordingContext(client);
    expect(await runCli(['list', '--json'], ctx)).toBe(EXIT.OK);
    expect(JSON.parse(ctx.stdout.join(''))).toEqual([
      {
        workflowId: 'crosslink.ece-a.a9.logs-b',
        runId: 'run-of-crosslink.ece-a.a9.logs-b',
        status: 'RUNNING',
        state: 'awaiting-approval',
        step: 'proxy-ca',
        localDeployment: 'ece-a/a9',
        remoteDeployment: 'ece-b/b9',
        alias: 'logs-b',
        startTime: '2026-11-27T23:57:47.565Z',
      },
      {
        workflowId: 'crosslink.ece-a.a815.metrics-c',
        runId: 'run-of-crosslink.ece-a.a815.metrics-c',
        status: 'FAILED',
        state: 'rolled-back',
        step: 'keystore',
        localDeployment: 'ece-a/a815',
        remoteDeployment: 'ece-c/c8',
        alias: 'metrics-c',
        startTime: '2026-11-27T23:57:47.565Z',
        closeTime: '2026-11-28T00:03:10.000Z',
      },
      {
        workflowId: 'crosslink.ece-a.a813.new-d',
        runId: 'run-of-crosslink.ece-a.a813.new-d',
        status: 'RUNNING',
        startTime: '2026-11-27T23:57:47.565Z',
      },
    ]);
    expect(queries).toEqual([{ query: "WorkflowType = 'connectRemoteCluster'", pageSize: 50 }]);
  });

  test('the table shows each value in its column; --limit stops after that many rows', async () => {
    const { client, queries } = listingClient([waiting, rolledBack, fresh]);
    const ctx = recordingContext(client);
    expect(await runCli(['list', '--limit', '2'], ctx)).toBe(EXIT.OK);
    const [header, , ...rows] = ctx.stdout.join('\n').split('\n');
    expect(header).toMatch(/^WORKFLOW ID\s+STATE\s+STEP\s+LOCAL\s+REMOTE\s+ALIAS\s+STARTED\s+WORKFLOW$/);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(
      /^crosslink\.ece-a\.a9\.logs-b\s+awaiting-approval\s+proxy-ca\s+ece-a\/a9\s+ece-b\/b9\s+logs-b\s+2026-11-27T23:57:47Z\s+running$/,
    );
    expect(rows[1]).toMatch(
      /^crosslink\.ece-a\.a815\.metrics-c\s+rolled-back\s+keystore\s+ece-a\/a815\s+ece-c\/c8\s+metrics-c\s+2026-11-27T23:57:47Z\s+failed$/,
    );
    expect(queries).toEqual([{ query: "WorkflowType = 'connectRemoteCluster'", pageSize: 2 }]);
  });

  test('--state asks the server for connections in that state only', async () => {
    const { client, queries } = listingClient([waiting]);
    const ctx = recordingContext(client);
    expect(await runCli(['list', '--state', 'awaiting-approval', '--json'], ctx)).toBe(EXIT.OK);
    expect(JSON.parse(ctx.stdout.join('')).map((i: { state: string }) => i.state)).toEqual(['awaiting-approval']);
    expect(queries).toEqual([
      { query: "WorkflowType = 'connectRemoteCluster' AND CrosslinkState = 'awaiting-approval'", pageSize: 50 },
    ]);
  });
});

describe('crosslink list --awaiting-me', () => {
  const GATE = {
    gate: defineSearchAttributeKey('CrosslinkGate', 'KEYWORD'),
    approvers: defineSearchAttributeKey('CrosslinkApprovers', 'KEYWORD_LIST'),
  };
  const waitingForOps = execution('crosslink.ece-a.a9.logs-q', 'RUNNING', [
    { key: KEYS.state, value: 'awaiting-approval' },
    { key: KEYS.step, value: 'register-remote' },
    { key: GATE.gate, value: 'register-remote' },
    { key: GATE.approvers, value: ['ops-oncall', 'sec-lead'] },
  ]);

  it('asks visibility for the runs of any operation whose pending gate the approver may decide, and shows who', async () => {
    const queries: string[] = [];
    const ctx = recordingContext({
      workflow: {
        list: (opts: { query: string }) => {
          queries.push(opts.query);
          return (async function* () {
            yield waitingForOps;
          })();
        },
      },
    });
    expect(await runCli(['list', '--awaiting-me', '--as', "ops-o'ncall"], ctx)).toBe(EXIT.OK);
    expect(queries).toEqual([
      "CrosslinkApprovers = 'ops-o\\'ncall' AND CrosslinkState = 'awaiting-approval' AND ExecutionStatus = 'Running'",
    ]);
    expect(ctx.stdout.join('\n')).toMatch(/WAITING FOR[\s\S]*register-remote: ops-oncall, sec-lead/);
  });

  it('needs --as', async () => {
    const ctx = recordingContext({});
    expect(await runCli(['list', '--awaiting-me'], ctx)).toBe(EXIT.INVALID_INPUT);
    expect(ctx.stderr.join('\n')).toMatch(/--awaiting-me needs --as/);
  });
});
