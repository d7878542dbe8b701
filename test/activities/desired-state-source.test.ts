/**
 * `readDesiredState`: the declared state where the operator's `desiredState.source` says: a file on
 * the worker, or a git repository and ref (cloned with the git CLI from a file:// URL here), with the
 * revision it read; an invalid file fails with each problem's line; no configuration is refused.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApplicationFailure } from '@temporalio/common';
import { DesiredStateConfig, FailureType } from '../../domain';
import { readDesiredState } from '../../activities/lifecycle/desired-state';

const A = 'a9000000000000000000000000000001';
const B = 'b9000000000000000000000000000001';
const FILE = [
  'version: 1',
  'connections:',
  `  - local: { environment: ece-a, deploymentId: ${A} }`,
  `    remote: { environment: ece-b, deploymentId: ${B} }`,
  '    alias: logs-b',
  '    model: api_key',
  '    access: { search: [ { names: [ "logs-*" ] } ] }',
  '',
].join('\n');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crosslink-source-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();

/** A repository with connections.yaml on branch `estate`, and its commit. */
function repository(text: string): { url: string; commit: string } {
  const work = join(dir, 'work');
  execFileSync('git', ['init', '--quiet', '--initial-branch', 'estate', work]);
  writeFileSync(join(work, 'connections.yaml'), text);
  git(work, 'add', 'connections.yaml');
  git(work, 'commit', '--quiet', '-m', 'estate');
  return { url: `file://${work}`, commit: git(work, 'rev-parse', 'HEAD') };
}

async function failure(p: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await p;
  } catch (err) {
    return err as ApplicationFailure;
  }
  throw new Error('expected a failure');
}

it('reads a file on the worker, with its digest as the revision', async () => {
  const file = join(dir, 'connections.yaml');
  writeFileSync(file, FILE);
  const read = await readDesiredState(DesiredStateConfig.parse({ source: { file } }), false);
  expect(read).toMatchObject({
    source: `file:${file}`,
    autoApply: [],
    prune: false,
    requestedBy: 'crosslink-reconcile',
  });
  expect(read.revision).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(read.desired.connections.map((c) => c.alias)).toEqual(['logs-b']);
});

it('clones a git repository at its ref and reads the file there, with the commit as the revision', async () => {
  const { url, commit } = repository(FILE);
  const config = DesiredStateConfig.parse({ source: { git: { url, ref: 'estate' } }, autoApply: ['rotate'] });
  const read = await readDesiredState(config, true);
  expect(read).toMatchObject({
    source: `git:${url}@estate:connections.yaml`,
    revision: commit,
    autoApply: ['rotate'],
    notify: true,
  });
  expect(read.desired.connections).toHaveLength(1);
});

it('an invalid file fails the run with each problem at its line', async () => {
  const { url } = repository(FILE.replace('    model: api_key\n', '    model: api_key\n    acess: {}\n'));
  const err = await failure(
    readDesiredState(DesiredStateConfig.parse({ source: { git: { url, ref: 'estate' } } }), false),
  );
  expect(err).toMatchObject({ type: FailureType.InvalidDesiredState, nonRetryable: true });
  expect(err.message).toContain('connections.yaml:7:5: connections[0].acess: is not a field of this format');
});

it('a ref that does not exist is retried (Transient); no configuration is refused', async () => {
  const { url } = repository(FILE);
  const missing = await failure(
    readDesiredState(DesiredStateConfig.parse({ source: { git: { url, ref: 'nope' } } }), false),
  );
  expect(missing).toMatchObject({ type: FailureType.Transient });
  expect(missing.message).toMatch(/cannot clone .* at nope/);
  const none = await failure(readDesiredState(undefined, false));
  expect(none).toMatchObject({ type: FailureType.ConfigurationError, nonRetryable: true });
});

it('refuses a repository path outside the checkout', () => {
  expect(DesiredStateConfig.safeParse({ source: { git: { url: 'file:///x', path: '../etc/passwd' } } }).success).toBe(
    false,
  );
});
