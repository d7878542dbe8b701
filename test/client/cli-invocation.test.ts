/**
 * The commands the CLI's hints print work as printed: they start the CLI the way this one was
 * started (no `crosslink` that is not on PATH) and repeat the Temporal variables it was given that
 * differ from the defaults (the address and the Web UI of a dev server on other ports), never a
 * secret. Runs the real CLI processes (`npm run dev:crosslink`, `node bin/crosslink`) for the
 * hints a user copies.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliInvocation, temporalAssignments } from '../../client/cli/invocation';
import { runCli } from '../../client/cli/program';
import { EXIT } from '../../client/cli/exit-codes';
import { suiteTempDir } from '../harness/temp-dir';
import { described, fakeClient, recordingContext } from './cli-context';
import { WORKFLOW_ID, recordedProgress } from './cli-fixtures';

const root = join(__dirname, '..', '..');
const dir = suiteTempDir('crosslink-invocation-');

const DEV_SERVER = { TEMPORAL_ADDRESS: '127.0.0.1:7301', TEMPORAL_UI_URL: 'http://localhost:8301' };

describe('how hints run the CLI again', () => {
  test('through the npm script that started it, with the Temporal variables it was given', () => {
    const env = { ...DEV_SERVER, npm_lifecycle_event: 'dev:crosslink', npm_package_name: 'crosslink' };
    expect(cliInvocation({ env, script: join(root, 'client/cli/main.ts'), cwd: root })).toBe(
      'TEMPORAL_ADDRESS=127.0.0.1:7301 TEMPORAL_UI_URL=http://localhost:8301 npm run dev:crosslink --',
    );
  });

  test('as `crosslink` only when that is on PATH and is this CLI', () => {
    const bin = join(dir, 'bin');
    const script = join(root, 'bin', 'crosslink');
    rmSync(bin, { recursive: true, force: true });
    mkdirSync(bin);
    symlinkSync(script, join(bin, 'crosslink'));
    expect(cliInvocation({ env: { PATH: bin }, script: join(bin, 'crosslink'), cwd: dir })).toBe('crosslink');
    // Not on PATH (a checkout): the file, as node runs it.
    expect(cliInvocation({ env: { PATH: '/nonexistent' }, script, cwd: root })).toBe('node bin/crosslink');
    // Another `crosslink` first on PATH is not this one.
    const other = join(dir, 'other');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'crosslink'), '#!/bin/sh\n');
    chmodSync(join(other, 'crosslink'), 0o755);
    expect(cliInvocation({ env: { PATH: `${other}:${bin}` }, script: join(bin, 'crosslink'), cwd: dir })).toBe(
      'node bin/crosslink',
    );
  });

  test('defaults are not repeated; secrets never are; odd values are quoted for the shell', () => {
    expect(temporalAssignments({ TEMPORAL_ADDRESS: 'localhost:7233', TEMPORAL_NAMESPACE: 'default' })).toEqual([]);
    expect(
      temporalAssignments({
        TEMPORAL_ADDRESS: 'prod.tmprl.cloud:7233',
        TEMPORAL_NAMESPACE: 'crosslink.a1b2c',
        TEMPORAL_API_KEY: 'secret-api-key',
        TEMPORAL_TLS_CLIENT_KEY_DATA: 'secret-key-data',
        TEMPORAL_GRPC_META_AUTHORIZATION: 'Bearer secret',
        TEMPORAL_PROFILE: "ops team's",
      }),
    ).toEqual([
      'TEMPORAL_ADDRESS=prod.tmprl.cloud:7233',
      'TEMPORAL_NAMESPACE=crosslink.a1b2c',
      `TEMPORAL_PROFILE='ops team'\\''s'`,
    ]);
  });

  test('status prints the approve and reject commands with it', async () => {
    const invocation = 'TEMPORAL_ADDRESS=127.0.0.1:7301 npm run dev:crosslink --';
    const ctx = {
      ...recordingContext(
        fakeClient({
          describe: async () => described('RUNNING'),
          query: async () => recordedProgress('awaiting-approval'),
        }),
      ),
      invocation,
    };
    expect(await runCli(['status', WORKFLOW_ID], ctx)).toBe(EXIT.OK);
    expect(ctx.stdout.join('\n')).toContain(`  approve: ${invocation} approve ${WORKFLOW_ID} proxy-ca --as <approver>`);
    expect(ctx.stdout.join('\n')).not.toMatch(/ crosslink approve/);
  });
});

/** Runs a command line through the shell, as a user pastes it. */
function shell(command: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', command], { cwd: root, env, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('a printed hint works as printed', () => {
  test('`npm run dev:crosslink -- keygen` prints an approve command that reaches the same server from a bare shell', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...DEV_SERVER };
    for (const name of Object.keys(env)) if (name.startsWith('npm_')) delete env[name];
    delete env.TEMPORAL_NAMESPACE;
    delete env.TEMPORAL_PROFILE;
    const keyFile = join(dir, 'ops.pem');
    const keygen = await shell(`npm run --silent dev:crosslink -- keygen --as ops --out ${keyFile}`, env);
    expect(keygen).toMatchObject({ code: 0 });
    const printed = /keep it to yourself; (.+) approve --key/.exec(keygen.stdout)?.[1];
    expect(printed).toBe(
      'TEMPORAL_ADDRESS=127.0.0.1:7301 TEMPORAL_UI_URL=http://localhost:8301 npm run dev:crosslink --',
    );

    // Pasted into a shell without those variables (another terminal), it goes to the same server.
    const bare: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (!name.startsWith('TEMPORAL_') && !name.startsWith('npm_')) bare[name] = value;
    }
    const pasted = await shell(`${printed} status ${WORKFLOW_ID}`, bare);
    expect(pasted.code).toBe(EXIT.UNAVAILABLE);
    expect(pasted.stderr).toMatch(/cannot reach Temporal at 127\.0\.0\.1:7301/);
  });
});
