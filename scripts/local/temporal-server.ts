/**
 * A Temporal server for the local run, in this order: the server TEMPORAL_ADDRESS names; a dev
 * server from a `temporal` CLI (CROSSLINK_TEMPORAL_BIN, PATH, the Go bin folder); the SDK's local
 * test environment, which downloads the dev server once (needs internet); else a plain error that
 * says how to get one.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type Client, type Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { type TemporalTarget, connectClient, resolveTemporalTarget } from '../../client/temporal-connection';
import { SEARCH_ATTRIBUTE_KEYS, ensureSearchAttributes } from './search-attributes';
import { freePort, preferredPort } from './ports';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const HOW_TO_GET_TEMPORAL = [
  'No Temporal server could be had. Any one of these works:',
  `  - install the Temporal CLI with Go:  go install github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`,
  '    (or run scripts/ensure-temporal.sh), then run this command again;',
  '  - install the Temporal CLI another way (https://docs.temporal.io/cli) and put `temporal` on PATH',
  '    or set CROSSLINK_TEMPORAL_BIN to it;',
  '  - run on a machine with internet access: the SDK downloads the dev server once and caches it;',
  '  - point TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE, TEMPORAL_API_KEY) at a running server.',
].join('\n');

export type TemporalSource =
  { kind: 'existing'; address: string } | { kind: 'cli'; path: string; from: string } | { kind: 'downloaded' };

export interface LocalTemporal {
  source: TemporalSource;
  target: TemporalTarget;
  client: Client;
  /** Names of the search attributes this run registered. */
  registered: string[];
  /** Closes the client and stops the dev server this run started (a no-op for an existing one). */
  teardown(): Promise<void>;
}

export class NoTemporalServerError extends Error {
  constructor(details: string) {
    super(`${HOW_TO_GET_TEMPORAL}\n(${details})`);
    this.name = 'NoTemporalServerError';
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A `temporal` CLI on this machine, and where it was found. */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): { path: string; from: string } | undefined {
  const configured = env.CROSSLINK_TEMPORAL_BIN?.trim();
  if (configured && isExecutable(configured)) return { path: configured, from: 'CROSSLINK_TEMPORAL_BIN' };
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'temporal'))) return { path: join(dir, 'temporal'), from: 'PATH' };
  }
  try {
    const gopath = execFileSync('go', ['env', 'GOPATH'], {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    for (const root of gopath.split(delimiter)) {
      const candidate = join(root, 'bin', 'temporal');
      if (root && isExecutable(candidate)) return { path: candidate, from: 'go env GOPATH' };
    }
  } catch {
    // No Go toolchain: nothing to find there.
  }
  return undefined;
}

export interface ObtainTemporalOptions {
  env?: NodeJS.ProcessEnv;
  /** Tell the user what is happening (the download can take a while). */
  say?: (line: string) => void;
}

export async function obtainTemporal(options: ObtainTemporalOptions = {}): Promise<LocalTemporal> {
  const env = options.env ?? process.env;
  const say = options.say ?? (() => undefined);

  if (env.TEMPORAL_ADDRESS?.trim()) {
    const target = resolveTemporalTarget({ env });
    say(`Using the Temporal server at ${target.address} (TEMPORAL_ADDRESS), namespace ${target.namespace}.`);
    const client = await connectClient(target);
    let registered: string[] = [];
    try {
      registered = await ensureSearchAttributes(client.connection as Connection, target.namespace);
    } catch (err) {
      say(
        `Could not check or register the Crosslink* search attributes (${(err as Error).message}); \`crosslink list\` needs them.`,
      );
    }
    return {
      source: { kind: 'existing', address: target.address },
      target,
      client,
      registered,
      teardown: () => client.connection.close(),
    };
  }

  const cli = findTemporalCli(env);
  const port = await preferredPort(7233);
  const uiPort = await preferredPort(8233).then((p) => (p === port ? freePort() : p));
  let testEnv: TestWorkflowEnvironment;
  try {
    if (cli)
      say(
        `Starting a Temporal dev server from ${cli.path} (found via ${cli.from}) on port ${port}, Web UI on ${uiPort}...`,
      );
    else say('No Temporal CLI found; asking the SDK for its dev server (downloaded once, needs internet)...');
    testEnv = await TestWorkflowEnvironment.createLocal({
      server: {
        ...(cli ? { executable: { type: 'existing-path' as const, path: cli.path } } : {}),
        ip: '127.0.0.1',
        port,
        ui: true,
        uiPort,
        searchAttributes: SEARCH_ATTRIBUTE_KEYS,
        log: { format: 'json', level: 'error' },
      },
    });
  } catch (err) {
    throw new NoTemporalServerError(
      cli ? `starting ${cli.path} failed: ${(err as Error).message}` : (err as Error).message,
    );
  }
  const target = resolveTemporalTarget({
    env: {
      TEMPORAL_ADDRESS: testEnv.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_UI_URL: `http://localhost:${uiPort}`,
    },
  });
  try {
    const client = await connectClient(target);
    return {
      source: cli ? { kind: 'cli', ...cli } : { kind: 'downloaded' },
      target,
      client,
      registered: SEARCH_ATTRIBUTE_KEYS.map((k) => k.name),
      async teardown() {
        await client.connection.close().catch(() => undefined);
        await testEnv.teardown();
      },
    };
  } catch (err) {
    await testEnv.teardown();
    throw err;
  }
}
