/**
 * Where a Temporal server comes from, decided synchronously from the environment: the one rule
 * shared by the local run and the real-server test suites. In order: the server TEMPORAL_ADDRESS
 * names; a `temporal` CLI from CROSSLINK_TEMPORAL_BIN (which must then be executable), PATH, or
 * the Go bin folders (GOBIN, then each GOPATH's bin); else none, with the reason.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTE_KEYS } from '../../domain';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';

export type TemporalDiscovery =
  | { kind: 'existing'; address: string; namespace: string }
  | { kind: 'cli'; path: string; from: string }
  | { kind: 'none'; reason: string };

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function goBinFolders(env: NodeJS.ProcessEnv): string[] {
  const go = (env.PATH ?? '').split(delimiter).find((dir) => dir && isExecutable(join(dir, 'go')));
  if (!go) return [];
  try {
    const read = (name: string): string =>
      execFileSync(join(go, 'go'), ['env', name], {
        encoding: 'utf8',
        timeout: 10_000,
        env,
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    const gobin = read('GOBIN');
    const gopaths = read('GOPATH')
      .split(delimiter)
      .filter(Boolean)
      .map((root) => join(root, 'bin'));
    return [gobin, ...gopaths].filter(Boolean);
  } catch {
    return []; // A broken Go installation is the same as none.
  }
}

/** A `temporal` CLI on this machine and where it was found, or why none is used. */
export function findTemporalCli(
  env: NodeJS.ProcessEnv = process.env,
): { kind: 'cli'; path: string; from: string } | { kind: 'none'; reason: string } {
  const configured = env.CROSSLINK_TEMPORAL_BIN?.trim();
  if (configured) {
    return isExecutable(configured)
      ? { kind: 'cli', path: configured, from: 'CROSSLINK_TEMPORAL_BIN' }
      : { kind: 'none', reason: `CROSSLINK_TEMPORAL_BIN=${configured} is not an executable file` };
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'temporal'))) return { kind: 'cli', path: join(dir, 'temporal'), from: 'PATH' };
  }
  for (const dir of goBinFolders(env)) {
    if (isExecutable(join(dir, 'temporal')))
      return { kind: 'cli', path: join(dir, 'temporal'), from: 'the Go bin folder' };
  }
  return { kind: 'none', reason: 'TEMPORAL_ADDRESS is unset and no Temporal CLI was found' };
}

export function discoverTemporal(env: NodeJS.ProcessEnv = process.env): TemporalDiscovery {
  const address = env.TEMPORAL_ADDRESS?.trim();
  if (address) return { kind: 'existing', address, namespace: env.TEMPORAL_NAMESPACE?.trim() || 'default' };
  return findTemporalCli(env);
}

export interface DevServerOptions {
  /** The CLI to run; without one the SDK downloads its dev server once (needs internet). */
  cli?: { path: string };
  /** Frontend port (any free one by default). */
  port?: number;
  /** Serve the Web UI on this port (no UI by default). */
  uiPort?: number;
  /** Register crosslink's search attributes at start (default true; false gives a namespace without them). */
  searchAttributes?: boolean;
}

/** `temporal server start-dev` on 127.0.0.1, stopped by the environment's `teardown()`. */
export function startDevServer(options: DevServerOptions = {}): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      ...(options.cli ? { executable: { type: 'existing-path' as const, path: options.cli.path } } : {}),
      ip: '127.0.0.1',
      ...(options.port ? { port: options.port } : {}),
      ...(options.uiPort ? { ui: true, uiPort: options.uiPort } : {}),
      ...(options.searchAttributes === false ? {} : { searchAttributes: [...ALL_SEARCH_ATTRIBUTE_KEYS] }),
      log: { format: 'json', level: 'error' },
    },
  });
}
