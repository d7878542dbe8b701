/**
 * `crosslink approve` signs the change the gate shows (issue 19 item 4): it prints the change, signs
 * its digest (the worker-side check accepts it, and refuses it for another change), refuses a
 * reviewed --digest the gate no longer guards, and with no worker reads the change from history.
 */
import { generateKeyPairSync } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { verifyApprovalDecision } from '../../activities/approvals/verify';
import { gateChange } from '../../common/change-digest';
import { EXIT } from '../../client/cli/exit-codes';
import { runCli } from '../../client/cli/program';
import { type ApproverPublicKey, type Progress } from '../../domain';
import { testPolicy } from '../harness/approvers';
import { described, fakeClient, recordingContext } from './cli-context';
import { WORKFLOW_ID, recordedProgress } from './cli-fixtures';

const pair = generateKeyPairSync('ed25519');
const files = { '/keys/ops.pem': pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
const policy = {
  ...testPolicy([{ approvers: ['ops-oncall'] }]),
  approvers: { 'ops-oncall': { publicKey: pair.publicKey.export({ format: 'jwk' }) as ApproverPublicKey } },
};

const CHANGE = gateChange('proxy-ca', [
  {
    activity: 'ensureProxyCaTrust',
    summary: "a900… trusts ece-b's proxy root CA (CN=proxy root, SHA-256 ab:cd)",
    requests: [
      {
        system: 'ece',
        environment: 'ece-a',
        deploymentId: 'a900',
        method: 'PUT',
        path: '/api/v1/deployments/a900',
        body: { 'trust.direct': ['...', { name: 'crosslink proxy CA ece-b 1a2b3c4d', type: 'proxy' }] },
      },
    ],
    changes: [{ what: 'trust.direct of a900', after: '+ "crosslink proxy CA ece-b 1a2b3c4d"' }],
  },
]);

function waiting(): Progress {
  const progress = recordedProgress('awaiting-approval');
  return { ...progress, pendingGate: { ...progress.pendingGate!, change: CHANGE } };
}

const approve = (...extra: string[]) => [
  'approve',
  WORKFLOW_ID,
  'proxy-ca',
  '--as',
  'ops-oncall',
  '--key',
  '/keys/ops.pem',
  ...extra,
];

function recording(handle: Parameters<typeof fakeClient>[0]) {
  const sent: Array<Record<string, unknown>> = [];
  const ctx = recordingContext(
    fakeClient({
      executeUpdate: async (_def, opts) => {
        const arg = opts.args[0] as Record<string, unknown>;
        sent.push(arg);
        return { at: '2026-11-27T23:58:01Z', gate: 'proxy-ca', decision: 'approved', by: 'ops-oncall', via: 'update' };
      },
      ...handle,
    }),
    files,
  );
  return { ctx, sent };
}

const check = (token: string, changeDigest: string) =>
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
      decision: 'approve',
      approver: 'ops-oncall',
      token,
      approvedBy: [],
      usedTokenIds: [],
      changeDigest,
    },
    new Date('2026-11-27T23:58:30Z'),
  );

test('shows the change before signing, and signs its digest: accepted for it, refused for another', async () => {
  const { ctx, sent } = recording({ describe: async () => described('RUNNING'), query: async () => waiting() });
  expect(await runCli(approve(), ctx)).toBe(EXIT.OK);
  const out = ctx.stdout.join('\n');
  expect(out).toContain(`Change the gate "proxy-ca" lets through (${CHANGE.digest}):`);
  expect(out).toContain('PUT /api/v1/deployments/a900  (ece ece-a/a900)');
  expect(out).toContain('trust.direct of a900: (none) -> + "crosslink proxy CA ece-b 1a2b3c4d"');
  const token = sent[0]!.token as string;
  await expect(check(token, CHANGE.digest)).resolves.toMatchObject({ accepted: true });
  await expect(check(token, `sha256:${'1'.repeat(64)}`)).resolves.toMatchObject({
    accepted: false,
    reason: expect.stringContaining('signed for another change'),
  });
});

test('a reviewed --digest the gate no longer guards is refused, exit 4, nothing sent', async () => {
  const { ctx, sent } = recording({ describe: async () => described('RUNNING'), query: async () => waiting() });
  const reviewed = `sha256:${'2'.repeat(64)}`;
  expect(await runCli(approve('--digest', reviewed), ctx)).toBe(EXIT.REFUSED);
  expect(ctx.stderr.join('\n')).toContain(
    `now guards the change ${CHANGE.digest}, not the one you reviewed (${reviewed})`,
  );
  expect(sent).toEqual([]);
});

test('a change that is not its digest is never signed', async () => {
  const forged = { ...waiting() };
  forged.pendingGate = { ...forged.pendingGate!, change: { ...CHANGE, digest: `sha256:${'3'.repeat(64)}` } };
  const { ctx, sent } = recording({ describe: async () => described('RUNNING'), query: async () => forged });
  expect(await runCli(approve(), ctx)).toBe(EXIT.REFUSED);
  expect(ctx.stderr.join('\n')).toContain('does not match its digest');
  expect(sent).toEqual([]);
});

test('with no worker the change is read from history (the last describeChange of the gate), and signed', async () => {
  const payload = defaultPayloadConverter.toPayload(CHANGE);
  const history = {
    events: [
      { eventId: 7, activityTaskScheduledEventAttributes: { activityType: { name: 'describeChange' } } },
      { eventId: 9, activityTaskCompletedEventAttributes: { scheduledEventId: 7, result: { payloads: [payload] } } },
    ],
  };
  const { ctx, sent } = recording({
    describe: async () => described('RUNNING'),
    query: async () => {
      throw new Error('no worker answered');
    },
    fetchHistory: async () => history,
  });
  expect(await runCli(approve(), ctx)).toBe(EXIT.OK);
  await expect(check(sent[0]!.token as string, CHANGE.digest)).resolves.toMatchObject({ accepted: true });
});
