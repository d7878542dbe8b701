/**
 * `crosslink rotate` and `crosslink update-access` on the command line: argument and request
 * errors are refused before Temporal is reached, the old credential is found in a recorded connect
 * history (sealed, never printed), and what is started and printed is what the user asked for.
 */
import { runCli } from '../../client/cli/program';
import { sealedCredentialIn } from '../../client/previous-credential';
import { MIGRATE_WORKFLOW, type MigrationReport, ROTATE_WORKFLOW, UPDATE_ACCESS_WORKFLOW } from '../../domain';
import { described, fakeClient, recordingContext } from './cli-context';
import { WORKFLOW_ID, recordedHistory, recordedProgress } from './cli-fixtures';

const WHERE = ['ece-a', 'a9000000000000000000000000000001', 'logs-b'];

interface Started {
  type: string;
  options: { workflowId: string; args: unknown[]; typedSearchAttributes: unknown[] };
}

/**
 * A Temporal client whose history holds `completedRuns` (each the recorded connected run), recording
 * starts. (A run holding the connection: test/client/start-or-find.test.ts.)
 */
function temporal(completedRuns: string[]) {
  const started: Started[] = [];
  const client = {
    workflow: {
      async *list({ query }: { query: string }) {
        expect(query).toBe(`WorkflowId = '${WORKFLOW_ID}' AND ExecutionStatus = 'Completed'`);
        for (const [i, runId] of completedRuns.entries())
          yield { runId, startTime: new Date(Date.UTC(2026, 0, i + 1)) };
      },
      getHandle: (_id: string, _runId?: string) => ({
        fetchHistory: async () => recordedHistory('connected'),
      }),
      start: async (type: string, options: Started['options']) => {
        started.push({ type, options });
        return { firstExecutionRunId: 'new-run' };
      },
    },
  };
  return { client, started };
}

const sealed = sealedCredentialIn(recordedHistory('connected').events ?? [])!;

describe('crosslink rotate', () => {
  it('without --as is a usage error, before Temporal', async () => {
    const ctx = recordingContext();
    expect(await runCli(['rotate', ...WHERE], ctx)).toBe(2);
    expect(ctx.stderr.join('\n')).toContain('--as');
    expect(ctx.clientsCreated).toBe(0);
  });

  it('a malformed expiration or alias is invalid input naming the field, before Temporal', async () => {
    const ctx = recordingContext();
    expect(await runCli(['rotate', ...WHERE, '--as', 'alice', '--expiration', 'soon'], ctx)).toBe(3);
    expect(ctx.stderr.join('\n')).toContain('expiration');
    const bad = recordingContext();
    expect(await runCli(['rotate', 'ece-a', 'a9000000000000000000000000000001', 'Logs B!', '--as', 'alice'], bad)).toBe(
      3,
    );
    expect(bad.stderr.join('\n')).toContain('alias');
    expect(ctx.clientsCreated + bad.clientsCreated).toBe(0);
  });

  it('refuses when history holds no credential to put back, and says --no-restore; nothing starts', async () => {
    const { client, started } = temporal([]);
    const ctx = recordingContext(client);
    expect(await runCli(['rotate', ...WHERE, '--as', 'alice'], ctx)).toBe(4);
    expect(ctx.stderr.join('\n')).toContain(`no completed run of ${WORKFLOW_ID}`);
    expect(ctx.stderr.join('\n')).toContain('--no-restore');
    expect(started).toEqual([]);
  });

  it('starts the rotation with the sealed credential of the newest run and prints where, not the credential', async () => {
    const { client, started } = temporal(['run-old', 'run-new']);
    const ctx = recordingContext(client);
    expect(await runCli(['rotate', ...WHERE, '--as', 'alice', '--expiration', '90d'], ctx)).toBe(0);
    expect(started).toHaveLength(1);
    expect(started[0]!.type).toBe(ROTATE_WORKFLOW);
    expect(started[0]!.options.workflowId).toBe(WORKFLOW_ID);
    expect(started[0]!.options.args).toEqual([
      expect.objectContaining({
        alias: 'logs-b',
        requestedBy: 'alice',
        expiration: '90d',
        previousCredential: sealed.sealed,
        noRestore: false,
      }),
    ]);
    const out = ctx.stdout.join('\n');
    expect(out).toContain(`Started rotate ${WORKFLOW_ID} (run new-run)`);
    expect(out).toContain(`the old credential (key ${sealed.keyId}, from run run-new) is put back on failure`);
    expect(out).toContain(`crosslink status ${WORKFLOW_ID} --watch`);
    expect(out).not.toContain(sealed.sealed.ciphertext);
  });

  it('--no-restore starts without looking for the credential and says so', async () => {
    const { client, started } = temporal([]);
    const ctx = recordingContext(client);
    expect(await runCli(['rotate', ...WHERE, '--as', 'alice', '--no-restore', '--json'], ctx)).toBe(0);
    expect(started[0]!.options.args).toEqual([expect.objectContaining({ noRestore: true })]);
    expect(started[0]!.options.args[0]).not.toHaveProperty('previousCredential');
    expect(JSON.parse(ctx.stdout.join('\n'))).toEqual({
      workflowId: WORKFLOW_ID,
      runId: 'new-run',
      operation: 'rotate',
      status: 'started',
      url: expect.stringContaining(encodeURIComponent(WORKFLOW_ID)),
    });
  });
});

describe('crosslink update-access', () => {
  const request = {
    local: { environment: 'ece-a', deploymentId: 'a9000000000000000000000000000001' },
    alias: 'logs-b',
    access: { search: [{ names: ['logs-*', 'metrics-*'] }] },
    requestedBy: 'alice',
  };

  it('a missing file, bad JSON or an invalid request is invalid input, before Temporal', async () => {
    const missing = recordingContext();
    expect(await runCli(['update-access', 'nope.json'], missing)).toBe(3);
    expect(missing.stderr.join('\n')).toContain('cannot read nope.json');
    const garbled = recordingContext(undefined, { 'r.json': '{ "alias": ' });
    expect(await runCli(['update-access', 'r.json'], garbled)).toBe(3);
    expect(garbled.stderr.join('\n')).toContain('r.json is not valid JSON');
    const remoteRole = {
      ...request,
      roles: [{ name: 'reader', local: {}, remote: { indices: [{ names: ['logs-*'], privileges: ['read'] }] } }],
    };
    const invalid = recordingContext(undefined, { 'r.json': JSON.stringify(remoteRole) });
    expect(await runCli(['update-access', 'r.json'], invalid)).toBe(3);
    expect(invalid.stderr.join('\n')).toContain('roles[0].remote');
    expect(invalid.stderr.join('\n')).toContain('local cluster only');
    expect(missing.clientsCreated + garbled.clientsCreated + invalid.clientsCreated).toBe(0);
  });

  it('starts the update under the connection id and says it waits for the api-key gate', async () => {
    const { client, started } = temporal([]);
    const ctx = recordingContext(client, { 'r.json': JSON.stringify(request) });
    expect(await runCli(['update-access', 'r.json'], ctx)).toBe(0);
    expect(started).toEqual([
      {
        type: UPDATE_ACCESS_WORKFLOW,
        options: expect.objectContaining({
          workflowId: WORKFLOW_ID,
          args: [expect.objectContaining({ access: request.access, deadline: '24h' })],
          typedSearchAttributes: [expect.objectContaining({ value: 'update-access' })],
        }),
      },
    ]);
    expect(ctx.stdout.join('\n')).toContain(
      `Started update-access ${WORKFLOW_ID} (run new-run); it waits for approval of "api-key".`,
    );
  });
});

describe('crosslink migrate', () => {
  const access = { search: [{ names: ['logs-*'] }], replication: [{ names: ['leader-*'] }] };

  it('without --access, or with --access that is not JSON or not a key access, is refused before Temporal', async () => {
    const none = recordingContext();
    expect(await runCli(['migrate', ...WHERE, '--as', 'alice'], none)).toBe(2);
    expect(none.stderr.join('\n')).toContain('--access');
    const garbled = recordingContext();
    expect(await runCli(['migrate', ...WHERE, '--as', 'alice', '--access', '{search'], garbled)).toBe(3);
    expect(garbled.stderr.join('\n')).toContain('--access is not valid JSON');
    const empty = recordingContext();
    expect(await runCli(['migrate', ...WHERE, '--as', 'alice', '--access', '{}'], empty)).toBe(3);
    expect(empty.stderr.join('\n')).toContain('must grant at least one search or replication entry');
    expect(none.clientsCreated + garbled.clientsCreated + empty.clientsCreated).toBe(0);
  });

  it('starts the migration under the connection id with the access from a file and says which gates come', async () => {
    const { client, started } = temporal([]);
    const ctx = recordingContext(client, { 'access.json': JSON.stringify(access) });
    const args = [
      'migrate',
      ...WHERE,
      '--as',
      'alice',
      '--access',
      '@access.json',
      '--allow-beta',
      '--expiration',
      '90d',
    ];
    expect(await runCli(args, ctx)).toBe(0);
    expect(started).toEqual([
      {
        type: MIGRATE_WORKFLOW,
        options: expect.objectContaining({
          workflowId: WORKFLOW_ID,
          args: [
            expect.objectContaining({
              access,
              allowBetaApiKeyModel: true,
              expiration: '90d',
              requestedBy: 'alice',
              verifyTimeout: '5m',
            }),
          ],
          typedSearchAttributes: [expect.objectContaining({ value: 'migrate' })],
        }),
      },
    ]);
    expect(ctx.stdout.join('\n')).toContain(
      `Started migrate ${WORKFLOW_ID} (run new-run); it waits for approval of "api-key", then "pause-replication" and, last, "retire-certificate".`,
    );
  });

  it('--help says what it does, stage by stage', async () => {
    const ctx = recordingContext();
    expect(await runCli(['migrate', '--help'], ctx)).toBe(0);
    const help = ctx.stdout.join('\n');
    expect(help).toContain('"Migrate remote clusters\nfrom certificate to API key authentication"');
    expect(help).toContain('"pause-replication" gate');
    expect(help).toContain('No rollback after this gate');
    const top = recordingContext();
    await runCli(['--help'], top);
    expect(top.stdout.join('\n')).toMatch(
      /migrate \[options\] <local-environment> <deployment> <alias>\s+move a certificate connection/,
    );
  });
});

describe('crosslink status of a completed migration', () => {
  it('shows the run from its progress, as for the other lifecycle operations', async () => {
    const report: MigrationReport = {
      connectionId: WORKFLOW_ID,
      operation: 'migrate',
      state: 'connected',
      model: 'api_key',
      changes: ['paused 1 follower(s) (logs-copy) and 0 auto-follow pattern(s)'],
      paused: { followers: ['logs-copy'], patterns: [] },
      resumed: { followers: ['logs-copy'], patterns: [] },
      interrupted: { transforms: [], datafeeds: [] },
      removed: [],
      kept: [],
      verification: 'logs-b connected',
    };
    const progress = {
      ...recordedProgress('connected'),
      steps: [
        { id: 'pause-replication', status: 'succeeded', attempts: 1, detail: 'paused 1 follower(s) (logs-copy)' },
        { id: 'resume-replication', status: 'succeeded', attempts: 1, detail: 'resumed 1 follower(s)' },
      ],
    };
    const ctx = recordingContext(
      fakeClient({
        describe: async () => described('COMPLETED', 'connected'),
        result: async () => report,
        query: async () => progress,
      }),
    );
    expect(await runCli(['status', WORKFLOW_ID], ctx)).toBe(0);
    const out = ctx.stdout.join('\n');
    expect(out).not.toContain('not a connection result');
    expect(out).toMatch(/✓\s+pause-replication\s+succeeded/);
    expect(out).toMatch(/✓\s+resume-replication\s+succeeded/);
  });
});
