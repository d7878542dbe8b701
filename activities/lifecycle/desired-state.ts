/**
 * `readDesiredState`: the declared state the scheduled reconcile plans, from where the operator's
 * `desiredState.source` says (a file on the worker, or a git repository and ref the worker clones
 * with the git CLI, shallowly, into a temporary directory it removes), validated with the line of
 * every problem. The source is the operator's configuration, never a workflow input: a run cannot
 * make the worker read another path.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ApplicationFailure } from '@temporalio/common';
import { type DesiredStateConfig, type DesiredStateRead, type DesiredStateSource, FailureType } from '../../domain';
import { DesiredStateFileError, parseDesiredState } from '../../common/desired-state-file';

const run = promisify(execFile);

/** A clone that hangs (a network, a prompt) fails the attempt; Temporal retries it. */
const GIT_TIMEOUT_MS = 120_000;

interface Fetched {
  source: string;
  revision: string;
  /** The name problems are reported under. */
  name: string;
  text: string;
}

async function fromFile(path: string): Promise<Fetched> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw ApplicationFailure.create({
      type: err.code === 'ENOENT' ? FailureType.ConfigurationError : FailureType.Transient,
      message: `desiredState.source.file: cannot read ${path}: ${err.message}`,
      nonRetryable: err.code === 'ENOENT',
    });
  });
  return {
    source: `file:${path}`,
    revision: `sha256:${createHash('sha256').update(text).digest('hex')}`,
    name: path,
    text,
  };
}

async function git(args: string[], cwd?: string): Promise<string> {
  const { stdout } = await run('git', args, {
    ...(cwd ? { cwd } : {}),
    timeout: GIT_TIMEOUT_MS,
    // Never wait for a password prompt: credentials come from git's own configuration.
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    maxBuffer: 1 << 20,
  });
  return stdout.trim();
}

async function fromGit(source: { url: string; ref: string; path: string }): Promise<Fetched> {
  const dir = await mkdtemp(join(tmpdir(), 'crosslink-desired-'));
  try {
    try {
      await git(['clone', '--quiet', '--depth', '1', '--no-tags', '--branch', source.ref, '--', source.url, dir]);
    } catch (err) {
      throw ApplicationFailure.create({
        type: FailureType.Transient,
        message: `desiredState.source.git: cannot clone ${source.url} at ${source.ref}: ${((err as { stderr?: string }).stderr ?? (err as Error).message).trim()}`,
      });
    }
    const revision = await git(['rev-parse', 'HEAD'], dir);
    const text = await readFile(join(dir, source.path), 'utf8').catch((err: Error) => {
      throw ApplicationFailure.create({
        type: FailureType.ConfigurationError,
        message: `desiredState.source.git: ${source.path} is not in ${source.url} at ${source.ref} (${revision}): ${err.message}`,
        nonRetryable: true,
      });
    });
    return { source: `git:${source.url}@${source.ref}:${source.path}`, revision, name: source.path, text };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function fetchSource(source: DesiredStateSource): Promise<Fetched> {
  return 'file' in source ? fromFile(source.file) : fromGit(source.git);
}

export async function readDesiredState(
  config: DesiredStateConfig | undefined,
  notify: boolean,
): Promise<DesiredStateRead> {
  if (!config) {
    throw ApplicationFailure.create({
      type: FailureType.ConfigurationError,
      message:
        'the worker has no desiredState in its environments file: the reconcile has no declared state to plan (docs/configuration.md)',
      nonRetryable: true,
    });
  }
  const fetched = await fetchSource(config.source);
  try {
    return {
      source: fetched.source,
      revision: fetched.revision,
      desired: parseDesiredState(fetched.text, fetched.name),
      autoApply: config.autoApply,
      prune: config.prune,
      requestedBy: config.requestedBy,
      notify,
    };
  } catch (err) {
    if (!(err instanceof DesiredStateFileError)) throw err;
    throw ApplicationFailure.create({
      type: FailureType.InvalidDesiredState,
      message: `${fetched.source} (${fetched.revision}): ${err.message}`,
      nonRetryable: true,
    });
  }
}
