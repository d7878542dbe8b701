import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { runCli } from '../../client/cli/program';
import { EXIT } from '../../client/cli/exit-codes';
import { listQuery } from '../../client/cli/commands/list';
import { renderList } from '../../client/cli/render/list';
import { defaultLocalRequest } from '../../scripts/local/default-request';
import { described, fakeClient, recordingContext } from './cli-context';
import { WORKFLOW_ID, recordedHistory, recordedProgress } from './cli-fixtures';

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }
).version;

describe('crosslink argument errors', () => {
  test.each([
    [[], /Usage: crosslink/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['status'], /missing required argument 'workflow-id'/],
    [['approve', WORKFLOW_ID, 'proxy-ca'], /required option '--as <name>' not specified/],
    [['approve', WORKFLOW_ID, 'proxy-ca', '--as', 'ops'], /required option '--key <file>' not specified/],
    [['cancel', WORKFLOW_ID], /required option '--reason <text>' not specified/],
    [
      ['reject', WORKFLOW_ID, 'proxy-ca', '--as', 'ops', '--key', 'k'],
      /required option '--reason <text>' not specified/,
    ],
    [['list', '--state', 'sleeping'], /Allowed choices are running, awaiting-approval/],
    [['status', WORKFLOW_ID, '--watch', '--interval', '0'], /must be a positive whole number/],
  ])('crosslink %j exits 2 (usage) without reaching Temporal', async (args, message) => {
    const ctx = recordingContext();
    expect(await runCli(args, ctx)).toBe(EXIT.USAGE);
    expect(ctx.stderr.join('\n')).toMatch(message);
    expect(ctx.clientsCreated).toBe(0);
  });

  test.each([['--version'], ['-V']])(
    '%s prints the version of this package and exits 0 without Temporal',
    async (flag) => {
      const ctx = recordingContext();
      expect(await runCli([flag], ctx)).toBe(EXIT.OK);
      expect(ctx.stdout).toEqual([PACKAGE_VERSION]);
      expect(ctx.stderr).toEqual([]);
      expect(ctx.clientsCreated).toBe(0);
    },
  );

  test('--help exits 0 and lists the commands', async () => {
    const ctx = recordingContext();
    expect(await runCli(['--help'], ctx)).toBe(EXIT.OK);
    expect(ctx.stdout.join('\n')).toMatch(/connect .*approve .*reject .*status .*list .*cancel .*history/s);
  });

  test('an approval for a gate that does not exist exits 3 naming the field', async () => {
    const ctx = recordingContext();
    expect(await runCli(['approve', WORKFLOW_ID, 'reboot', '--as', 'ops', '--key', 'k'], ctx)).toBe(EXIT.INVALID_INPUT);
    expect(ctx.stderr.join('\n')).toMatch(/gate: Invalid option/);
    expect(ctx.clientsCreated).toBe(0);
  });

  test('an approver that is not a user name or e-mail exits 3', async () => {
    const ctx = recordingContext();
    expect(await runCli(['approve', WORKFLOW_ID, 'proxy-ca', '--as', 'bad name!', '--key', 'k'], ctx)).toBe(
      EXIT.INVALID_INPUT,
    );
    expect(ctx.stderr.join('\n')).toMatch(/approver: must be a user name or e-mail address/);
  });

  test('connect with a missing file, bad JSON or an invalid request exits 3 and starts nothing', async () => {
    const invalid = { ...defaultLocalRequest(), alias: 'Not An Alias', access: undefined };
    const ctx = recordingContext(undefined, { 'bad.json': '{"local":', 'invalid.json': JSON.stringify(invalid) });
    expect(await runCli(['connect', 'missing.json'], ctx)).toBe(EXIT.INVALID_INPUT);
    expect(await runCli(['connect', 'bad.json'], ctx)).toBe(EXIT.INVALID_INPUT);
    expect(await runCli(['connect', 'invalid.json'], ctx)).toBe(EXIT.INVALID_INPUT);
    const err = ctx.stderr.join('\n');
    expect(err).toMatch(/cannot read missing\.json/);
    expect(err).toMatch(/bad\.json is not valid JSON/);
    expect(err).toMatch(/alias: must contain only lowercase letters/);
    expect(err).toMatch(/access: is required for the api_key security model/);
    expect(ctx.clientsCreated).toBe(0);
  });
});

describe('crosslink status', () => {
  test('renders a pending gate with its deadline and the commands to decide it', async () => {
    const progress = recordedProgress('awaiting-approval');
    const ctx = recordingContext(
      fakeClient({ describe: async () => described('RUNNING'), query: async () => progress }),
    );
    expect(await runCli(['status', WORKFLOW_ID], ctx)).toBe(EXIT.OK);
    const out = ctx.stdout.join('\n');
    expect(out).toMatch(/State:\s+awaiting-approval \(workflow running\)/);
    expect(out).toMatch(/✓\s+preflight\s+succeeded\s+1\s+\S+\s+local 9\.1\.3, remote 9\.1\.3/);
    expect(out).toMatch(/\?\s+proxy-ca\s+awaiting-approval/);
    expect(out).toMatch(/Waiting for approval of gate "proxy-ca"/);
    expect(out).toMatch(/deadline 2026-11-28T00:57:48Z \(in 59m 48s\)/);
    expect(out).toContain(`crosslink approve ${WORKFLOW_ID} proxy-ca --as <approver>`);
    expect(out).toContain(`Web UI:    http://ui.test/namespaces/default/workflows/${WORKFLOW_ID}`);
  });

  test('a connected run shows every step, what it created and the verification', async () => {
    const progress = recordedProgress('connected');
    const result = {
      connectionId: WORKFLOW_ID,
      state: 'connected',
      alias: 'logs-b',
      steps: progress.steps.map((s) => ({ id: s.id, status: s.status, attempts: s.attempts })),
      created: progress.created,
      verification: {
        proxyAddress: 'proxy.ece-b:9443',
        serverName: 'proxy.ece-b',
        probe: 'GET /_resolve/cluster connected',
      },
    };
    const ctx = recordingContext(
      fakeClient({
        describe: async () => described('COMPLETED', 'connected'),
        result: async () => result,
        query: async () => progress,
      }),
    );
    expect(await runCli(['status', WORKFLOW_ID], ctx)).toBe(EXIT.OK);
    const out = ctx.stdout.join('\n');
    expect(out).toMatch(/State:\s+connected \(workflow completed\)/);
    for (const step of [
      'preflight',
      'api-key',
      'proxy-ca',
      'keystore',
      'register-remote',
      'restart',
      'verify',
      'roles',
    ]) {
      expect(out).toMatch(new RegExp(`✓\\s+${step}\\s+succeeded`));
    }
    expect(out).toMatch(/Created:[\s\S]*keystore-secret\s+cluster\.remote\.logs-b\.credentials/);
    expect(out).toMatch(
      /Approvals:[\s\S]*proxy-ca\s+approved by ops-oncall@crosslink\.local via update: checked the CA fingerprint/,
    );
    expect(out).toMatch(/Verified:\s+proxy proxy\.ece-b:9443/);
  });

  test('a rolled-back run is read from the Progress its failure carries, without a worker', async () => {
    const progress = recordedProgress('rolled-back');
    const failure = ApplicationFailure.create({
      message: 'rolled back',
      type: 'ApprovalRejected',
      details: [progress],
    });
    const ctx = recordingContext(
      fakeClient({
        describe: async () => described('FAILED', 'rolled-back'),
        result: async () => {
          throw new WorkflowFailedError('Workflow execution failed', failure, 'NON_RETRYABLE_FAILURE');
        },
      }),
    );
    expect(await runCli(['status', WORKFLOW_ID], ctx)).toBe(EXIT.OK);
    const out = ctx.stdout.join('\n');
    expect(out).toMatch(/State:\s+rolled-back \(workflow failed\)/);
    expect(out).toMatch(
      /Reason:\s+ApprovalRejected at proxy-ca: gate "proxy-ca" rejected by ops-oncall@crosslink\.local: change freeze until Monday/,
    );
  });

  test('a step rejected at its gate shows as rejected, not pending', async () => {
    const progress = recordedProgress('rolled-back');
    progress.steps = progress.steps.map((s) => (s.id === 'proxy-ca' ? { ...s, status: 'rejected' } : s));
    const ctx = recordingContext(
      fakeClient({ describe: async () => described('RUNNING'), query: async () => progress }),
    );
    expect(await runCli(['status', WORKFLOW_ID], ctx)).toBe(EXIT.OK);
    const out = ctx.stdout.join('\n');
    expect(out).toMatch(/^\S\s+proxy-ca\s+rejected\s/m);
    expect(out).not.toMatch(/proxy-ca\s+pending/);
    expect(out).not.toMatch(/no worker answered/);
  });

  test('a cancelled run shows the reason its progress carries', async () => {
    const progress = recordedProgress('rolled-back');
    progress.reason = { type: 'Cancelled', message: 'project ended' };
    const ctx = recordingContext(
      fakeClient({ describe: async () => described('RUNNING'), query: async () => progress }),
    );
    expect(await runCli(['status', WORKFLOW_ID], ctx)).toBe(EXIT.OK);
    expect(ctx.stdout.join('\n')).toMatch(/^Cancelled:\s+project ended$/m);
  });

  test('a cancelled run shows the reason given to `crosslink cancel`, from history, without a worker', async () => {
    const started = recordedHistory('rolled-back').events![0]!;
    const history = {
      events: [
        started,
        {
          eventId: 20,
          eventTime: started.eventTime,
          workflowExecutionCancelRequestedEventAttributes: { cause: 'project ended', identity: 'alice@laptop' },
        },
        { eventId: 30, eventTime: started.eventTime, workflowExecutionCanceledEventAttributes: {} },
      ],
    };
    const ctx = recordingContext(
      fakeClient({
        describe: async () => described('CANCELLED', 'compensating'),
        result: async () => {
          throw new WorkflowFailedError(
            'Workflow execution cancelled',
            new CancelledFailure('cancelled'),
            'NON_RETRYABLE_FAILURE',
          );
        },
        query: async () => {
          throw new Error('no worker');
        },
        fetchHistory: async () => history,
      }),
    );
    expect(await runCli(['status', WORKFLOW_ID], ctx)).toBe(EXIT.OK);
    expect(ctx.stdout.join('\n')).toMatch(
      /^Cancelled:\s+project ended \(requested by alice@laptop at 2026-11-27T\d\d:\d\d:\d\dZ\)$/m,
    );
  });

  test('a running workflow no worker answers for still shows its state from the search attributes', async () => {
    const ctx = recordingContext(
      fakeClient({
        describe: async () => described('RUNNING', 'awaiting-approval'),
        query: async () => {
          throw new Error('deadline exceeded');
        },
      }),
    );
    expect(await runCli(['status', WORKFLOW_ID], ctx)).toBe(EXIT.OK);
    const out = ctx.stdout.join('\n');
    expect(out).toMatch(/State:\s+awaiting-approval/);
    expect(out).toMatch(/no worker answered the progress query .*npm run worker/);
  });

  test('--json prints the view with the Web UI link', async () => {
    const progress = recordedProgress('awaiting-approval');
    const ctx = recordingContext(
      fakeClient({ describe: async () => described('RUNNING'), query: async () => progress }),
    );
    expect(await runCli(['status', WORKFLOW_ID, '--json'], ctx)).toBe(EXIT.OK);
    const json = JSON.parse(ctx.stdout.join(''));
    expect(json).toMatchObject({
      workflowId: WORKFLOW_ID,
      state: 'awaiting-approval',
      source: 'progress-query',
      url: `http://ui.test/namespaces/default/workflows/${WORKFLOW_ID}`,
    });
    expect(json.progress.pendingGate.gate).toBe('proxy-ca');
  });

  test('--watch follows the run until it ends: exit 0 when connected, 7 when rolled back', async () => {
    const answers = [recordedProgress('awaiting-approval'), recordedProgress('connected')];
    const connected = recordingContext(
      fakeClient({
        describe: async () => described('RUNNING'),
        query: async () => answers.shift() ?? recordedProgress('connected'),
      }),
    );
    expect(await runCli(['status', WORKFLOW_ID, '--watch', '--json'], connected)).toBe(EXIT.OK);
    expect(connected.stdout.map((l) => JSON.parse(l).state)).toEqual(['awaiting-approval', 'connected']);

    const rolledBack = recordingContext(
      fakeClient({ describe: async () => described('RUNNING'), query: async () => recordedProgress('rolled-back') }),
    );
    expect(await runCli(['status', WORKFLOW_ID, '--watch'], rolledBack)).toBe(EXIT.NOT_CONNECTED);
  });

  test('an unknown workflow id exits 5 and says how to find the right one', async () => {
    const ctx = recordingContext(
      fakeClient({
        describe: async () => {
          throw new WorkflowNotFoundError('not found', 'crosslink.nope', undefined);
        },
      }),
    );
    expect(await runCli(['status', 'crosslink.nope'], ctx)).toBe(EXIT.NOT_FOUND);
    expect(ctx.stderr.join('\n')).toMatch(/no connection workflow with id "crosslink\.nope"; `crosslink list`/);
  });
});

/* approve, reject, keygen and cancel --reason: test/client/cli-decisions.test.ts */

describe('crosslink history', () => {
  test('the audit trail of an approved run: requester, approval with identity and comment, each step, the end', async () => {
    const ctx = recordingContext(
      fakeClient({
        describe: async () => described('COMPLETED'),
        fetchHistory: async () => recordedHistory('connected'),
      }),
    );
    expect(await runCli(['history', WORKFLOW_ID], ctx)).toBe(EXIT.OK);
    const out = ctx.stdout.join('\n');
    expect(out).toMatch(/requested\s+by automation@crosslink\.local; api_key ece-a\/a9\S+ -> ece-b\/b9\S+ as "logs-b"/);
    expect(out).toMatch(/proxy-ca: approval asked/);
    expect(out).toMatch(
      /proxy-ca: approval\s+by ops-oncall@crosslink\.local via update \(client [^)]+\), comment "checked the CA fingerprint": approved/,
    );
    for (const [step, activity] of [
      ['preflight', 'preflight'],
      ['api-key', 'createCrossClusterApiKey'],
      ['proxy-ca', 'ensureProxyCaTrust'],
      ['keystore', 'writeKeystoreCredentials'],
      ['register-remote', 'registerRemoteCluster'],
      ['restart', 'reloadSecureSettings'],
      ['verify', 'verifyRemoteConnection'],
      ['roles \\[local\\]', 'createRoles'],
    ]) {
      expect(out).toMatch(new RegExp(`${step}\\s+completed \\(${activity}\\)`));
    }
    expect(out).toMatch(/closed\s+connected$/m);
  });

  test('the requested line lists only the gates the security model has (no platform-trust on an API key run)', async () => {
    const ctx = recordingContext(
      fakeClient({
        describe: async () => described('COMPLETED'),
        fetchHistory: async () => recordedHistory('connected'),
      }),
    );
    expect(await runCli(['history', WORKFLOW_ID], ctx)).toBe(EXIT.OK);
    const requested = ctx.stdout.find((l) => /requested\s+by/.test(l)) ?? ctx.stdout.join('\n');
    expect(requested).toMatch(/api_key .*; gates proxy-ca, restart$/m);
    expect(requested).not.toMatch(/platform-trust/);
  });

  test('the audit trail of a rejected run names the rejecter, the reason and the rollback', async () => {
    const ctx = recordingContext(
      fakeClient({
        describe: async () => described('FAILED'),
        fetchHistory: async () => recordedHistory('rolled-back'),
      }),
    );
    expect(await runCli(['history', WORKFLOW_ID], ctx)).toBe(EXIT.OK);
    const out = ctx.stdout.join('\n');
    expect(out).toMatch(
      /proxy-ca: rejection\s+by ops-oncall@crosslink\.local via update .*reason "change freeze until Monday": rejected/,
    );
    expect(out).toMatch(/closed\s+rolled back as designed: gate "proxy-ca" rejected/);
    expect(out).not.toMatch(/\bat \S+\.(js|ts):\d+/);
  });

  test('--json gives the same trail as data', async () => {
    const ctx = recordingContext(
      fakeClient({
        describe: async () => described('COMPLETED'),
        fetchHistory: async () => recordedHistory('connected'),
      }),
    );
    expect(await runCli(['history', WORKFLOW_ID, '--json'], ctx)).toBe(EXIT.OK);
    const trail = JSON.parse(ctx.stdout.join(''));
    expect(trail.workflowId).toBe(WORKFLOW_ID);
    expect(trail.entries[0]).toMatchObject({
      kind: 'requested',
      by: 'automation@crosslink.local',
    });
    expect(trail.entries).toContainEqual(
      expect.objectContaining({
        kind: 'decision',
        decision: 'approve',
        gate: 'proxy-ca',
        approver: 'ops-oncall@crosslink.local',
        outcome: 'completed',
        result: 'approved',
      }),
    );
    const steps = trail.entries.filter((e: { kind: string }) => e.kind === 'step');
    expect(steps.every((s: { outcome: string }) => s.outcome === 'completed')).toBe(true);
    expect(trail.entries[trail.entries.length - 1]).toMatchObject({ kind: 'closed', outcome: 'connected' });
  });
});

describe('crosslink list and cancel', () => {
  test('the list query filters on the workflow type and the CrosslinkState search attribute', () => {
    expect(listQuery()).toBe("WorkflowType = 'connectRemoteCluster'");
    expect(listQuery('awaiting-approval')).toBe(
      "WorkflowType = 'connectRemoteCluster' AND CrosslinkState = 'awaiting-approval'",
    );
  });

  test('the list renders one row per connection', () => {
    const text = renderList([
      {
        workflowId: WORKFLOW_ID,
        runId: 'r1',
        status: 'RUNNING',
        state: 'awaiting-approval',
        step: 'proxy-ca',
        localDeployment: 'ece-a/a9',
        remoteDeployment: 'ece-b/b9',
        alias: 'logs-b',
        startTime: '2026-11-27T23:57:47.565Z',
      },
    ]);
    expect(text.split('\n')[0]).toMatch(/^WORKFLOW ID\s+STATE\s+STEP\s+LOCAL\s+REMOTE\s+ALIAS\s+STARTED\s+WORKFLOW$/);
    expect(text).toMatch(
      /awaiting-approval\s+proxy-ca\s+ece-a\/a9\s+ece-b\/b9\s+logs-b\s+2026-11-27T23:57:47Z\s+running/,
    );
    expect(renderList([])).toBe('No connections found.');
  });

  test('cancel of a closed run says there is nothing to cancel', async () => {
    const ctx = recordingContext(fakeClient({ describe: async () => described('COMPLETED') }));
    expect(await runCli(['cancel', WORKFLOW_ID, '--reason', 'wrong alias', '--json'], ctx)).toBe(EXIT.OK);
    expect(JSON.parse(ctx.stdout.join(''))).toEqual({ workflowId: WORKFLOW_ID, cancelled: false, status: 'COMPLETED' });
  });
});
