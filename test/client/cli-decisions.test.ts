/** `crosslink approve` / `reject` (signed, bounded wait), `keygen`, `cancel --reason`, approvers in `status`, refusals in `history`. */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import { verifyApprovalDecision } from '../../activities/approvals/verify';
import { EXIT } from '../../client/cli/exit-codes';
import { runCli } from '../../client/cli/program';
import { type ApproverPublicKey, type Progress } from '../../domain';
import { testPolicy } from '../harness/approvers';
import { tempDirs } from '../harness/temp-dir';
import { described, fakeClient, recordingContext } from './cli-context';
import { WORKFLOW_ID, recordedProgress } from './cli-fixtures';

const tempDir = tempDirs();

const pair = generateKeyPairSync('ed25519');
const KEY_PEM = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const files = { '/keys/ops.pem': KEY_PEM };
const policy = {
  ...testPolicy([{ approvers: ['ops-oncall'] }]),
  approvers: { 'ops-oncall': { publicKey: pair.publicKey.export({ format: 'jwk' }) as ApproverPublicKey } },
};

const approveArgs = (...extra: string[]) => [
  'approve',
  WORKFLOW_ID,
  'proxy-ca',
  '--as',
  'ops-oncall',
  '--key',
  '/keys/ops.pem',
  ...extra,
];

describe('crosslink approve and reject', () => {
  test('sign the decision with the key: the worker-side check accepts what the CLI sent', async () => {
    const sent: Array<{ name: string; arg: Record<string, unknown> }> = [];
    const ctx = recordingContext(
      fakeClient({
        describe: async () => described('RUNNING'),
        executeUpdate: async (def, opts) => {
          const arg = opts.args[0] as Record<string, unknown>;
          sent.push({ name: def.name, arg });
          return {
            at: '2026-11-27T23:58:01Z',
            gate: arg.gate,
            decision: def.name === 'approve' ? 'approved' : 'rejected',
            by: arg.approver,
            via: 'update',
          };
        },
      }),
      files,
    );
    expect(await runCli(approveArgs('--comment', 'ok'), ctx)).toBe(EXIT.OK);
    expect(ctx.stdout.join('\n')).toMatch(/Gate proxy-ca of .*: approved by ops-oncall at 2026-11-27T23:58:01Z/);
    expect(
      await runCli(
        ['reject', WORKFLOW_ID, 'proxy-ca', '--as', 'ops-oncall', '--key', '/keys/ops.pem', '--reason', 'freeze'],
        ctx,
      ),
    ).toBe(EXIT.OK);

    // What the worker would decide on these exact payloads (the CLI's clock: 2026-11-27T23:58:00Z).
    const check = (arg: Record<string, unknown>, decision: 'approve' | 'reject', text: string) =>
      verifyApprovalDecision(
        policy,
        {
          workflowId: WORKFLOW_ID,
          runId: 'run-1',
          connection: {
            local: { environment: 'ece-a', deploymentId: 'a'.repeat(32) },
            remote: { environment: 'ece-b', deploymentId: 'b'.repeat(32) },
            requestedBy: 'automation',
          },
          gate: 'proxy-ca',
          decision,
          approver: arg.approver as string,
          text,
          token: arg.token as string,
          approvedBy: [],
          usedTokenIds: [],
        },
        new Date('2026-11-27T23:58:30Z'),
      );
    expect(sent.map((s) => s.name)).toEqual(['approve', 'reject']);
    await expect(check(sent[0]!.arg, 'approve', 'ok')).resolves.toMatchObject({
      accepted: true,
      approver: 'ops-oncall',
    });
    await expect(check(sent[1]!.arg, 'reject', 'freeze')).resolves.toMatchObject({ accepted: true });
    // Bound to what was signed: the approval's token does not pass as the rejection.
    await expect(check({ ...sent[1]!.arg, token: sent[0]!.arg.token }, 'reject', 'freeze')).resolves.toMatchObject({
      accepted: false,
    });
    // The private key is never printed.
    expect([...ctx.stdout, ...ctx.stderr].join('\n')).not.toContain('PRIVATE KEY');
  });

  test('a decision the workflow records as refused says why and exits 4', async () => {
    const ctx = recordingContext(
      fakeClient({
        describe: async () => described('RUNNING'),
        executeUpdate: async () => ({
          at: '2026-11-27T23:58:01Z',
          gate: 'proxy-ca',
          decision: 'refused',
          by: 'ops-oncall',
          via: 'update',
          refusal: 'ops-oncall may not decide gate "proxy-ca" (approvers: sec-lead, net-lead)',
        }),
      }),
      files,
    );
    expect(await runCli(approveArgs(), ctx)).toBe(EXIT.REFUSED);
    expect(ctx.stderr.join('\n')).toMatch(
      /refused by the workflow: ops-oncall may not decide gate "proxy-ca" \(approvers: sec-lead, net-lead\)/,
    );
  });

  test('an already-decided gate is reported as refused, exit 4', async () => {
    const ctx = recordingContext(
      fakeClient({
        describe: async () => described('RUNNING'),
        executeUpdate: async () => {
          throw new WorkflowUpdateFailedError(
            'Workflow Update failed',
            ApplicationFailure.create({ message: 'gate "proxy-ca" was already approved' }),
          );
        },
      }),
      files,
    );
    expect(await runCli(approveArgs(), ctx)).toBe(EXIT.REFUSED);
    expect(ctx.stderr.join('\n')).toMatch(/refused: gate "proxy-ca" was already approved/);
  });

  test('no worker within --wait: says the decision is queued and when it expires, exit 6', async () => {
    const ctx = recordingContext(
      fakeClient({
        describe: async () => described('RUNNING'),
        executeUpdate: async () => {
          throw new WorkflowUpdateRPCTimeoutOrCancelledError('Timed out waiting for update response', {
            cause: new Error('deadline'),
          });
        },
      }),
      files,
    );
    expect(await runCli(approveArgs('--wait', '5', '--ttl', '120'), ctx)).toBe(EXIT.UNAVAILABLE);
    expect(ctx.stdout.join('\n')).toMatch(
      /queued: no worker took the decision within 5s\. .* refused as expired if no worker checks it before 2026-11-28T00:00:00Z/,
    );
  });

  test('a closed run is reported as closed, exit 4, nothing sent', async () => {
    let sent = 0;
    const ctx = recordingContext(
      fakeClient({
        describe: async () => described('FAILED'),
        executeUpdate: async () => void (sent += 1),
      }),
      files,
    );
    expect(await runCli(approveArgs(), ctx)).toBe(EXIT.REFUSED);
    expect(ctx.stderr.join('\n')).toMatch(/is closed \(failed\); there is no gate to decide/);
    expect(sent).toBe(0);
  });

  test('--print-token prints the signed decision for an approval event instead of sending it', async () => {
    const ctx = recordingContext(fakeClient({ describe: async () => described('RUNNING') }), files);
    expect(await runCli(approveArgs('--print-token'), ctx)).toBe(EXIT.OK);
    const printed = JSON.parse(ctx.stdout.join(''));
    expect(printed).toMatchObject({ workflowId: WORKFLOW_ID, gate: 'proxy-ca', approver: 'ops-oncall' });
    expect(printed.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  test('a key file that is not a private key exits 3 without quoting it', async () => {
    const ctx = recordingContext(fakeClient({ describe: async () => described('RUNNING') }), {
      '/keys/ops.pem': 'not a key at all',
    });
    expect(await runCli(approveArgs(), ctx)).toBe(EXIT.FAILURE);
    expect(ctx.stderr.join('\n')).toMatch(/\/keys\/ops\.pem is not an Ed25519 or P-256 private key/);
    expect(ctx.stderr.join('\n')).not.toContain('not a key at all');
  });
});

describe('crosslink keygen', () => {
  test('writes a 0600 private key, prints only the public JWK, never overwrites', async () => {
    const out = join(tempDir('crosslink-keygen-'), 'ops.pem');
    const ctx = recordingContext();
    expect(await runCli(['keygen', '--as', 'ops-oncall', '--out', out, '--json'], ctx)).toBe(EXIT.OK);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toMatch(/BEGIN PRIVATE KEY/);
    const printed = JSON.parse(ctx.stdout.join(''));
    expect(printed.approvers['ops-oncall'].publicKey).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(printed.approvers['ops-oncall'].publicKey.d).toBeUndefined();
    expect(ctx.stdout.join('')).not.toContain('PRIVATE KEY');
    const again = recordingContext();
    expect(await runCli(['keygen', '--as', 'ops-oncall', '--out', out], again)).toBe(EXIT.INVALID_INPUT);
    expect(again.stderr.join('\n')).toMatch(/EEXIST/);
  });
});

describe('crosslink cancel --reason', () => {
  test('sends the reason with the cancel request', async () => {
    const requests: unknown[] = [];
    const client = {
      ...(fakeClient({ describe: async () => described('RUNNING') }) as object),
      options: { namespace: 'default', identity: 'cli@test' },
      workflowService: { requestCancelWorkflowExecution: async (r: unknown) => void requests.push(r) },
    };
    const ctx = recordingContext(client);
    expect(await runCli(['cancel', WORKFLOW_ID, '--reason', 'wrong alias'], ctx)).toBe(EXIT.OK);
    expect(requests).toEqual([
      expect.objectContaining({
        namespace: 'default',
        workflowExecution: { workflowId: WORKFLOW_ID, runId: 'run-1' },
        reason: 'wrong alias',
      }),
    ]);
    expect(ctx.stdout.join('\n')).toMatch(/Cancellation requested for .* \(wrong alias\)/);
  });
});

describe('crosslink status and history show the policy and refusals', () => {
  test('status lists who may approve the pending gate and who already did', async () => {
    const progress: Progress = recordedProgress('awaiting-approval');
    progress.pendingGate = {
      ...progress.pendingGate!,
      approvers: {
        gate: 'proxy-ca',
        groups: [{ scope: 'environment ece-b', approvers: ['sec-lead', 'net-lead', 'ops-oncall'], required: 2 }],
      },
      approvedBy: ['sec-lead'],
    };
    const ctx = recordingContext(
      fakeClient({ describe: async () => described('RUNNING'), query: async () => progress }),
    );
    expect(await runCli(['status', WORKFLOW_ID], ctx)).toBe(EXIT.OK);
    expect(ctx.stdout.join('\n')).toMatch(
      /approvers \(environment ece-b\): 2 of sec-lead, net-lead, ops-oncall; approved so far: sec-lead/,
    );
    expect(ctx.stdout.join('\n')).toContain(`crosslink approve ${WORKFLOW_ID} proxy-ca --as <approver> --key <file>`);
  });

  test('history shows a refused signal as REFUSED with the reason from the check', async () => {
    const p = (v: unknown) => ({ payloads: [defaultPayloadConverter.toPayload(v)] });
    const t = { seconds: 1_795_000_000, nanos: 0 };
    const history = {
      events: [
        {
          eventId: 1,
          eventTime: t,
          workflowExecutionStartedEventAttributes: { input: p({ requestedBy: 'alice', approval: { gates: [] } }) },
        },
        {
          eventId: 5,
          eventTime: t,
          workflowExecutionSignaledEventAttributes: {
            signalName: 'approvalGranted',
            input: p({ gate: 'proxy-ca', approver: 'bob' }),
            identity: 'mallory@laptop',
          },
        },
        {
          eventId: 8,
          eventTime: t,
          activityTaskScheduledEventAttributes: {
            activityType: { name: 'verifyApprovalDecision' },
            input: p({ gate: 'proxy-ca', approver: 'bob' }),
          },
        },
        {
          eventId: 10,
          eventTime: t,
          activityTaskCompletedEventAttributes: {
            scheduledEventId: 8,
            result: p({
              accepted: false,
              reason: 'unsigned decision: a decision by bob needs a token signed with their key',
            }),
          },
        },
      ],
    };
    const ctx = recordingContext(
      fakeClient({ describe: async () => described('RUNNING'), fetchHistory: async () => history }),
    );
    expect(await runCli(['history', WORKFLOW_ID], ctx)).toBe(EXIT.OK);
    const out = ctx.stdout.join('\n');
    expect(out).toMatch(
      /proxy-ca: approval REFUSED\s+by bob via signal \(client mallory@laptop\): refused: unsigned decision/,
    );
    // The check is part of the decision's row, not a step of its own.
    expect(out).not.toMatch(/verifyApprovalDecision/);
  });
});
