/**
 * `npm run local`'s command line as a user meets it: the example request file is a valid request
 * for the simulator's environments, and mistakes (unknown flag, bad port, a request file that is
 * missing, not JSON or invalid) end with one plain message and exit code 2, never a stack trace.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConnectionRequest } from '../../domain';
import { localApprover } from '../../scripts/local/approver';
import { LOCAL_APPROVER } from '../../scripts/local/default-request';
import { readRequestFile } from '../../scripts/local/request-file';
import { DEFAULT_IDS } from '../../simulator/api';
import { suiteTempDir } from '../harness/temp-dir';

const root = join(__dirname, '..', '..');
const dir = suiteTempDir('crosslink-local-cli-');

function localRun(...args: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      join(root, 'node_modules', '.bin', 'tsx'),
      [join(root, 'scripts', 'local-run.ts'), ...args],
      { cwd: root, env: { ...process.env, TEMPORAL_ADDRESS: '' }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

const STACK_LINE = /^\s+at .+\(.+:\d+:\d+\)$/m;

describe('examples/connection-request.json', () => {
  test('is a valid connection request between the simulator environments', () => {
    const raw = JSON.parse(readFileSync(join(root, 'examples', 'connection-request.json'), 'utf8')) as unknown;
    const parsed = ConnectionRequest.safeParse(raw);
    expect(parsed.error?.issues ?? []).toEqual([]);
    const request = parsed.data!;
    expect(request.local).toEqual({ environment: 'ece-a', deploymentId: DEFAULT_IDS.a9 });
    expect(request.remote).toEqual({ environment: 'ece-b', deploymentId: DEFAULT_IDS.b9 });
    // The request cannot choose its approvers (the worker's policy does): the example does not pretend it can.
    expect(raw).not.toHaveProperty('approval.approvers');
  });
});

describe("the local run's approver", () => {
  const request = ConnectionRequest.parse(
    JSON.parse(readFileSync(join(root, 'examples', 'connection-request.json'), 'utf8')),
  );

  test("is the local policy's own approver, whatever the request's (ignored) approvers list says", () => {
    const naming: ConnectionRequest = {
      ...request,
      approval: { ...request.approval, approvers: ['mallory@example.com'] },
    };
    const approver = localApprover(naming);
    try {
      expect(approver.name).toBe(LOCAL_APPROVER);
      expect(approver.name).not.toBe(request.requestedBy);
      expect(Object.keys(approver.policy.approvers ?? {})).toEqual([LOCAL_APPROVER]);
    } finally {
      approver.dispose();
    }
  });

  test("is never the requester (four-eyes), even when the requester has the local approver's name", () => {
    const approver = localApprover({ ...request, requestedBy: LOCAL_APPROVER });
    try {
      expect(approver.name).not.toBe(LOCAL_APPROVER);
    } finally {
      approver.dispose();
    }
  });

  test('its private key file is removed with its folder when the run ends', () => {
    const approver = localApprover(request);
    expect(statSync(approver.keyFile).mode & 0o777).toBe(0o600);
    approver.dispose();
    expect(existsSync(dirname(approver.keyFile))).toBe(false);
  });
});

describe('npm run local: command-line mistakes', () => {
  test.each([
    [['--bogus'], /unknown option '--bogus'/],
    [['--ui-port', '99999'], /--ui-port.*must be a port number/],
    [['--request', 'INVALID'], /--request: invalid connection request .*securityModel/],
  ])('%j: one plain message, exit code 2, nothing started', async (args, message) => {
    writeFileSync(join(dir, 'invalid.json'), JSON.stringify({ alias: 'x' }));
    const { code, stderr, stdout } = await localRun(
      ...args.map((a) => (a === 'INVALID' ? join(dir, 'invalid.json') : a)),
    );
    expect({ code, message: message.test(stderr), stack: STACK_LINE.test(stderr) }).toEqual({
      code: 2,
      message: true,
      stack: false,
    });
    expect(stdout).not.toMatch(/Starting/);
  });

  test('a request file that is missing or not JSON: one sentence naming the file', () => {
    writeFileSync(join(dir, 'not-json.json'), '{"alias": ');
    expect(() => readRequestFile(join(dir, 'missing.json'), ConnectionRequest)).toThrow(
      /^cannot read .*missing\.json: no such file$/,
    );
    expect(() => readRequestFile(join(dir, 'not-json.json'), ConnectionRequest)).toThrow(
      /^.*not-json\.json is not valid JSON: /,
    );
    const example = join(root, 'examples', 'connection-request.json');
    expect(readRequestFile(example, ConnectionRequest)).toEqual(JSON.parse(readFileSync(example, 'utf8')));
  });
});
