/**
 * A real Temporal server for one suite file: the server TEMPORAL_ADDRESS names, or a dev server
 * (`temporal server start-dev`) started from a Temporal CLI found on this machine. Where neither can
 * be had, `describeIfServer` skips the suite and says how to enable it; under CI (scripts/ci-mode.js)
 * it fails instead, so CI cannot go green with the real-server layer never run.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import { type Client, Connection, isGrpcServiceError } from '@temporalio/client';
import { msToTs } from '../harness/sdk-internals';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, type LogLevel, type NativeConnection, Runtime } from '@temporalio/worker';
import { ensureSearchAttributes, missingSearchAttributes } from '../../client/search-attributes';
import { SEARCH_ATTRIBUTE_NAMES } from '../../domain';
import { isCi } from '../../scripts/ci-mode';
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

/**
 * `describe` when a server can be had. Otherwise, outside CI, a skipped `describe` whose title says
 * how to enable it; under CI, one failing test with that message: a real-server suite that did not
 * run is a failure there, never a quiet skip.
 */
export function describeIfServer(name: string, body: () => void): void {
  const source = serverSource();
  if (source.kind !== 'none') {
    describe(name, body);
    return;
  }
  if (isCi(process.env)) {
    describe(name, () => it(`cannot run under CI: no Temporal server`, () => failNoServer(source.reason)));
    return;
  }
  const message = `${name}: skipped (${source.reason}). ${HOW_TO_ENABLE}`;
  console.warn(message);
  describe.skip(message, body);
}

function failNoServer(reason: string): never {
  throw new Error(
    `${reason}. Under CI (CI=${process.env.CI}) a real-server suite that cannot run fails the run. ${HOW_TO_ENABLE}`,
  );
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
  /**
   * false: a namespace that lacks crosslink's search attributes. With a CLI, a dev server started
   * without them; on the server TEMPORAL_ADDRESS names, a throwaway namespace registered on it (and
   * deleted at teardown), since the suite must not remove anything from the named namespace.
   */
  searchAttributes?: boolean;
}

/** Starts (or connects to) the suite's server and makes sure the Crosslink* search attributes exist. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  installQuietRuntime();
  const source = serverSource();
  if (source.kind === 'none') throw new Error(`${source.reason}. ${HOW_TO_ENABLE}`);
  if (source.kind === 'existing' && options.searchAttributes === false) return throwawayNamespaceServer(source);
  let env: TestWorkflowEnvironment;
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
  return testServer(env, namespace, source, () => env.teardown());
}

function testServer(
  env: TestWorkflowEnvironment,
  namespace: string,
  source: ServerSource,
  stop: () => Promise<void>,
): TestServer {
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
      await stop();
    },
  };
}

/** gRPC status NOT_FOUND: the frontend does not serve the namespace yet. */
const GRPC_NOT_FOUND = 5;

/** How long a namespace registered on an existing server may take to be served (its namespace cache). */
const NAMESPACE_READY_MS = 60_000;

/**
 * A fresh namespace on the server TEMPORAL_ADDRESS names, without crosslink's search attributes.
 * Where the server's visibility store keeps custom search attributes for every namespace at once
 * (Elasticsearch), the new namespace has them already and the suite cannot run there: it says so.
 */
async function throwawayNamespaceServer(source: Extract<ServerSource, { kind: 'existing' }>): Promise<TestServer> {
  const namespace = `crosslink-test-no-search-attributes-${randomBytes(4).toString('hex')}`;
  const admin = await Connection.connect({ address: source.address });
  try {
    await admin.workflowService.registerNamespace({
      namespace,
      description: 'crosslink test suite: a namespace without the Crosslink* search attributes (deleted after)',
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
    await untilNamespaceServed(admin, namespace);
    const missing = await missingSearchAttributes(admin.operatorService, namespace);
    const present = SEARCH_ATTRIBUTE_NAMES.filter((name) => !missing.includes(name));
    if (present.length > 0) {
      throw new Error(
        `the new namespace ${namespace} on ${source.address} already has ${present.join(', ')} ` +
          '(this server registers custom search attributes for every namespace): a namespace without them ' +
          'cannot be had there. Unset TEMPORAL_ADDRESS and set CROSSLINK_TEMPORAL_BIN to a Temporal CLI instead.',
      );
    }
  } catch (err) {
    await deleteNamespace(admin, namespace);
    await admin.close();
    throw err;
  }
  const env = await TestWorkflowEnvironment.createFromExistingServer({ address: source.address, namespace });
  return testServer(env, namespace, source, async () => {
    await env.teardown();
    await deleteNamespace(admin, namespace);
    await admin.close();
  });
}

/** Waits until the frontend serves the namespace (a server may serve it only once its namespace cache refreshes). */
async function untilNamespaceServed(admin: Connection, namespace: string): Promise<void> {
  const deadline = Date.now() + NAMESPACE_READY_MS;
  for (;;) {
    try {
      await admin.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
      return;
    } catch (err) {
      if (!isGrpcServiceError(err) || err.code !== GRPC_NOT_FOUND || Date.now() > deadline) throw err;
      await setTimeout(250);
    }
  }
}

/** Removes the throwaway namespace; a failure only warns (the test's outcome stands), naming what to remove by hand. */
async function deleteNamespace(admin: Connection, namespace: string): Promise<void> {
  try {
    await admin.operatorService.deleteNamespace({ namespace });
  } catch (err) {
    console.warn(`could not delete the test namespace ${namespace}: ${(err as Error).message}`);
  }
}
