/**
 * A real Temporal server for one suite file: the server TEMPORAL_ADDRESS names, or a dev server
 * (`temporal server start-dev`) started from a Temporal CLI found on this machine. Where neither can
 * be had, `describeIfServer` skips the suite and says how to enable it.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';
import { type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { defineSearchAttributeKey } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, type LogLevel, type NativeConnection, Runtime } from '@temporalio/worker';
import { SEARCH_ATTRIBUTES } from '../../domain/progress-report';

/** Where the suite's server comes from, decided synchronously (jest needs it at collection time). */
export type ServerSource =
  | { kind: 'existing'; address: string; namespace: string }
  | { kind: 'binary'; path: string; from: string }
  | { kind: 'none'; reason: string };

export const HOW_TO_ENABLE =
  'Install Go and run scripts/ensure-temporal.sh (it builds the Temporal CLI with `go install`), ' +
  'put a `temporal` CLI on PATH, set CROSSLINK_TEMPORAL_BIN to one, or set TEMPORAL_ADDRESS to a running server ' +
  'that has the Crosslink* search attributes (or lets this suite register them).';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

function goBinTemporal(): string | undefined {
  if (!onPath('go')) return undefined;
  try {
    const gobin = execFileSync('go', ['env', 'GOBIN'], { encoding: 'utf8', timeout: 10_000 }).trim();
    const gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8', timeout: 10_000 }).trim();
    for (const dir of [gobin, gopath && path.join(gopath.split(path.delimiter)[0] ?? '', 'bin')]) {
      if (dir && isExecutable(path.join(dir, 'temporal'))) return path.join(dir, 'temporal');
    }
  } catch {
    // A broken Go installation is the same as none.
  }
  return undefined;
}

let cachedSource: ServerSource | undefined;

/** TEMPORAL_ADDRESS, then CROSSLINK_TEMPORAL_BIN, `temporal` on PATH, the Go bin folder. */
export function serverSource(): ServerSource {
  if (cachedSource) return cachedSource;
  const address = process.env.TEMPORAL_ADDRESS?.trim();
  if (address) {
    cachedSource = { kind: 'existing', address, namespace: process.env.TEMPORAL_NAMESPACE?.trim() || 'default' };
    return cachedSource;
  }
  const configured = process.env.CROSSLINK_TEMPORAL_BIN?.trim();
  if (configured) {
    cachedSource = isExecutable(configured)
      ? { kind: 'binary', path: configured, from: 'CROSSLINK_TEMPORAL_BIN' }
      : { kind: 'none', reason: `CROSSLINK_TEMPORAL_BIN=${configured} is not an executable file` };
    return cachedSource;
  }
  const fromPath = onPath('temporal');
  const fromGo = fromPath ? undefined : goBinTemporal();
  const found = fromPath ?? fromGo;
  cachedSource = found
    ? { kind: 'binary', path: found, from: fromPath ? 'PATH' : 'go env GOPATH' }
    : { kind: 'none', reason: 'no Temporal server: TEMPORAL_ADDRESS is unset and no Temporal CLI was found' };
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

export const CROSSLINK_SEARCH_ATTRIBUTE_KEYS = Object.values(SEARCH_ATTRIBUTES).map((name) =>
  defineSearchAttributeKey(name, 'KEYWORD'),
);

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

/** Starts (or connects to) the suite's server and makes sure the Crosslink* search attributes exist. */
export async function startTestServer(): Promise<TestServer> {
  installQuietRuntime();
  const source = serverSource();
  let env: TestWorkflowEnvironment;
  if (source.kind === 'none') throw new Error(`${source.reason}. ${HOW_TO_ENABLE}`);
  if (source.kind === 'existing') {
    env = await TestWorkflowEnvironment.createFromExistingServer({
      address: source.address,
      namespace: source.namespace,
    });
    await registerSearchAttributes(env, source.namespace);
  } else {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: source.path },
        searchAttributes: CROSSLINK_SEARCH_ATTRIBUTE_KEYS,
        log: { format: 'pretty', level: 'error' },
      },
    });
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

/** On a server we did not start: add the Keyword attributes that are missing (others are left alone). */
async function registerSearchAttributes(env: TestWorkflowEnvironment, namespace: string): Promise<void> {
  const operator = env.connection.operatorService;
  const existing = await operator.listSearchAttributes({ namespace });
  const known = new Set([
    ...Object.keys(existing.customAttributes ?? {}),
    ...Object.keys(existing.systemAttributes ?? {}),
  ]);
  const missing = Object.values(SEARCH_ATTRIBUTES).filter((name) => !known.has(name));
  if (missing.length === 0) return;
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  await operator.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((name) => [name, keyword])),
  });
}
