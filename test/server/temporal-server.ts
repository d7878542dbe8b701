/**
 * A real Temporal server for one suite file: the server TEMPORAL_ADDRESS names, or a dev server
 * (`temporal server start-dev`) started from a Temporal CLI found on this machine. Where neither can
 * be had, `describeIfServer` skips the suite and says how to enable it.
 */
import { type Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, type LogLevel, type NativeConnection, Runtime } from '@temporalio/worker';
import { ensureSearchAttributes } from '../../client/search-attributes';
import { type TemporalDiscovery, discoverTemporal, startDevServer } from '../../scripts/local/temporal-discovery';

/** Where the suite's server comes from: the local run's rule (decided synchronously, as jest collects). */
export type ServerSource = TemporalDiscovery;

export const HOW_TO_ENABLE =
  'Install Go and run scripts/ensure-temporal.sh (it builds the Temporal CLI with `go install`), ' +
  'put a `temporal` CLI on PATH, set CROSSLINK_TEMPORAL_BIN to one, or set TEMPORAL_ADDRESS to a running server ' +
  'that has the Crosslink* search attributes (or lets this suite register them).';

let cachedSource: ServerSource | undefined;

export function serverSource(): ServerSource {
  cachedSource ??= discoverTemporal(process.env);
  return cachedSource;
}

/** `describe` when a server can be had; otherwise a skipped `describe` whose title says how to enable it. */
export function describeIfServer(name: string, body: () => void): void {
  const source = serverSource();
  if (source.kind === 'none') {
    const message = `${name}: skipped (${source.reason}). ${HOW_TO_ENABLE}`;
    console.warn(message);
    describe.skip(message, body);
    return;
  }
  describe(name, body);
}

export interface TestServer {
  readonly env: TestWorkflowEnvironment;
  readonly client: Client;
  /** For `Worker.create({ connection })`. */
  readonly nativeConnection: NativeConnection;
  readonly address: string;
  readonly namespace: string;
  readonly source: ServerSource;
  /** Closes the connections and stops the dev server this suite started (a no-op on an existing server). */
  teardown(): Promise<void>;
}

/**
 * The SDK logs every worker state change and every failed workflow (expected in rollback
 * scenarios) at INFO / WARN; keep the suite's output to errors unless CROSSLINK_TEST_LOG_LEVEL says otherwise.
 */
function installQuietRuntime(): void {
  const level = (process.env.CROSSLINK_TEST_LOG_LEVEL?.toUpperCase() ?? 'ERROR') as LogLevel;
  try {
    Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // Already installed in this module registry: keep it.
  }
}

export interface TestServerOptions {
  /** false: a dev server whose namespace lacks crosslink's search attributes (only with a CLI, not an existing server). */
  searchAttributes?: boolean;
}

/** Starts (or connects to) the suite's server and makes sure the Crosslink* search attributes exist. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  installQuietRuntime();
  const source = serverSource();
  let env: TestWorkflowEnvironment;
  if (source.kind === 'none') throw new Error(`${source.reason}. ${HOW_TO_ENABLE}`);
  if (source.kind === 'existing') {
    env = await TestWorkflowEnvironment.createFromExistingServer({
      address: source.address,
      namespace: source.namespace,
    });
    await ensureSearchAttributes(env.connection.operatorService, source.namespace);
  } else {
    env = await startDevServer({ cli: source, searchAttributes: options.searchAttributes });
  }
  const namespace = source.kind === 'existing' ? source.namespace : 'default';
  let closed = false;
  return {
    env,
    client: env.client,
    nativeConnection: env.nativeConnection,
    address: env.address,
    namespace,
    source,
    async teardown() {
      if (closed) return;
      closed = true;
      await env.teardown();
    },
  };
}
