/**
 * A Temporal server for the local run: the one temporal-discovery.ts finds (the server
 * TEMPORAL_ADDRESS names, or a dev server from a `temporal` CLI); without a CLI, the SDK's dev
 * server, downloaded once (needs internet); else a plain error that says how to get one.
 */
import { type Client } from '@temporalio/client';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureSearchAttributes } from '../../client/search-attributes';
import { type TemporalTarget, connectClient, resolveTemporalTarget } from '../../client/temporal-connection';
import { SEARCH_ATTRIBUTE_NAMES } from '../../domain';
import { TEMPORAL_CLI_VERSION, discoverTemporal, startDevServer } from './temporal-discovery';
import { freePort, isPortFree, preferredPort } from './ports';

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

export interface ObtainTemporalOptions {
  env?: NodeJS.ProcessEnv;
  /** Frontend and Web UI ports of the dev server this run starts (7233 / 8233 when free, else any free one). */
  port?: number;
  uiPort?: number;
  /** Tell the user what is happening (the download can take a while). */
  say?: (line: string) => void;
}

export async function obtainTemporal(options: ObtainTemporalOptions = {}): Promise<LocalTemporal> {
  const env = options.env ?? process.env;
  const say = options.say ?? (() => undefined);
  const found = discoverTemporal(env);

  if (found.kind === 'existing') {
    const target = resolveTemporalTarget({ env });
    say(`Using the Temporal server at ${target.address} (TEMPORAL_ADDRESS), namespace ${target.namespace}.`);
    const client = await connectClient(target);
    let registered: string[] = [];
    try {
      registered = await ensureSearchAttributes(client.connection.operatorService, target.namespace);
    } catch (err) {
      // The worker's start check then names what is missing.
      say(`Could not check or register the Crosslink* search attributes (${(err as Error).message}).`);
    }
    return {
      source: { kind: 'existing', address: target.address },
      target,
      client,
      registered,
      teardown: () => client.connection.close(),
    };
  }
  if (found.kind === 'none' && env.CROSSLINK_TEMPORAL_BIN?.trim()) throw new NoTemporalServerError(found.reason);

  const cli = found.kind === 'cli' ? found : undefined;
  const port = await chosenPort(options.port, 7233, '--temporal-port');
  const uiPort = await chosenPort(options.uiPort, 8233, '--ui-port', port);
  let testEnv: TestWorkflowEnvironment;
  try {
    if (cli)
      say(
        `Starting a Temporal dev server from ${cli.path} (found via ${cli.from}) on port ${port}, Web UI on ${uiPort}...`,
      );
    else say('No Temporal CLI found; asking the SDK for its dev server (downloaded once, needs internet)...');
    testEnv = await startDevServer({ cli, port, uiPort });
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
      source: cli ? { kind: 'cli', path: cli.path, from: cli.from } : { kind: 'downloaded' },
      target,
      client,
      registered: [...SEARCH_ATTRIBUTE_NAMES],
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

/** A port asked for must be free (else a plain error); otherwise the preferred one when free, else any. */
async function chosenPort(asked: number | undefined, preferred: number, flag: string, taken?: number): Promise<number> {
  if (asked !== undefined) {
    if (asked === taken || !(await isPortFree(asked))) throw new PortInUseError(flag, asked);
    return asked;
  }
  const port = await preferredPort(preferred);
  return port === taken ? freePort() : port;
}

export class PortInUseError extends Error {
  constructor(flag: string, port: number) {
    super(`${flag} ${port}: that port is already in use on 127.0.0.1; choose another one`);
    this.name = 'PortInUseError';
  }
}
