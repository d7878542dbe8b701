/**
 * CI cannot go green with the real-server layer never run. A real-server suite (test/server) run on
 * a machine with no Temporal server (no TEMPORAL_ADDRESS, no Temporal CLI, no Go on PATH) skips
 * with the reason outside CI, and fails under CI=true; scripts/ci-summary.js, whose closing line
 * and exit code CI is judged by, counts a skipped test as a failure under CI.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { discoverTemporal } from '../../scripts/local/temporal-discovery';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '../..');
const JEST = require.resolve('jest/bin/jest');
const SUMMARY = join(ROOT, 'scripts/ci-summary.js');
/** A real-server suite with one test. */
const SERVER_SUITE = 'test/server/smoke.test.ts';

/** A machine without any Temporal server: only Node on PATH (no `temporal`, no `go`), no Temporal variables. */
function machineWithoutTemporal(ci: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: dirname(process.execPath), HOME: process.env.HOME, LANG: 'C.UTF-8' };
  if (ci !== undefined) env.CI = ci;
  return env;
}

interface JestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: Array<{ assertionResults: Array<{ status: string; failureMessages: string[] }> }>;
}

type SuiteRun = { status: number | null; report: JestReport };

let dir: string;
/** The real-server suite run on that machine under CI=true, and without CI. */
let underCi: SuiteRun;
let outsideCi: SuiteRun;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'crosslink-ci-'));
  underCi = runServerSuite(machineWithoutTemporal('true'), 'ci');
  outsideCi = runServerSuite(machineWithoutTemporal(undefined), 'local');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runServerSuite(env: NodeJS.ProcessEnv, name: string): SuiteRun {
  const outputFile = join(dir, `${name}.json`);
  const run = spawnSync(
    process.execPath,
    [JEST, '--config', 'jest.server.config.js', SERVER_SUITE, '--json', `--outputFile=${outputFile}`],
    { cwd: ROOT, env, encoding: 'utf8' },
  );
  return { status: run.status, report: JSON.parse(readFileSync(outputFile, 'utf8')) as JestReport };
}

/** scripts/ci-summary.js on one of those reports: its exit code and printed lines. */
function summary(env: NodeJS.ProcessEnv, report: 'ci' | 'local'): { status: number | null; lines: string[] } {
  const run = spawnSync(process.execPath, [SUMMARY, 'server', join(dir, `${report}.json`)], { env, encoding: 'utf8' });
  return { status: run.status, lines: run.stdout.trim().split('\n') };
}

test('the machine the child runs see has no Temporal server to find', () => {
  expect(discoverTemporal(machineWithoutTemporal('true'))).toMatchObject({ kind: 'none' });
});

test('under CI=true a real-server suite without a server fails, naming why and how to get one', () => {
  expect(underCi.status).not.toBe(0);
  expect(underCi.report).toMatchObject({ numPassedTests: 0, numFailedTests: 1, numPendingTests: 0 });
  const message = underCi.report.testResults[0]?.assertionResults[0]?.failureMessages.join('\n');
  expect(message).toContain('no Temporal CLI was found');
  expect(message).toContain('a real-server suite that cannot run fails the run');
  expect(message).toContain('CROSSLINK_TEMPORAL_BIN');
  expect(summary(machineWithoutTemporal('true'), 'ci')).toEqual({
    status: 1,
    lines: ['server: 0 passed, 1 failed, 0 skipped'],
  });
});

test('outside CI the same suite skips (jest exits 0), and the summary passes it as skipped', () => {
  expect(outsideCi.status).toBe(0);
  expect(outsideCi.report).toMatchObject({ numPassedTests: 0, numFailedTests: 0, numPendingTests: 1 });
  for (const ci of [undefined, 'false', '0']) {
    expect(summary(machineWithoutTemporal(ci), 'local')).toEqual({
      status: 0,
      lines: ['server: 0 passed, 0 failed, 1 skipped'],
    });
  }
});

test('under CI the summary counts a skipped test as a failure and exits 1', () => {
  expect(summary(machineWithoutTemporal('true'), 'local')).toEqual({
    status: 1,
    lines: [
      '1 test(s) skipped under CI (CI=true); each counts as one failure below',
      'server: 0 passed, 1 failed, 1 skipped',
    ],
  });
});
