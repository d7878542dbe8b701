/**
 * scripts/register-search-attributes.ts (docker-compose's `register-search-attributes` service,
 * scripts/production-topology.sh) as an operator runs it, on fresh namespaces of the suite's
 * server: a dev server, or the production topology (TEMPORAL_ADDRESS).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_NAMES } from '../../domain';
import { msToTs } from '../harness/sdk-internals';
import { type TestServer, describeIfServer, startTestServer } from './temporal-server';

const TSX = require.resolve('tsx/cli');
const SCRIPT = join(__dirname, '..', '..', 'scripts', 'register-search-attributes.ts');
const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface RunningScript {
  /** Resolves once stderr holds text matching `pattern`; rejects if the script exits first. */
  stderrMatches(pattern: RegExp): Promise<void>;
  done: Promise<ScriptRun>;
}

function startScript(env: Record<string, string>): RunningScript {
  const child = spawn(process.execPath, [TSX, SCRIPT], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let exited = false;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<ScriptRun>((resolve) =>
    child.on('close', (code) => {
      exited = true;
      resolve({ code, stdout, stderr });
    }),
  );
  async function stderrMatches(pattern: RegExp): Promise<void> {
    while (!pattern.test(stderr)) {
      if (exited) throw new Error(`the script exited before its stderr matched ${pattern}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { stderrMatches, done };
}

describeIfServer('register-search-attributes on a real Temporal server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.teardown();
  });

  const freshNamespace = () => `crosslink-register-${randomBytes(4).toString('hex')}`;
  const createNamespace = (namespace: string) =>
    server.env.connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
  const scriptEnv = (namespace: string) => ({
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: namespace,
    CROSSLINK_REGISTER_ATTEMPTS: '30',
  });

  it('waits for a namespace that is created while it retries, then registers every attribute', async () => {
    const namespace = freshNamespace();
    const script = startScript(scriptEnv(namespace));
    await script.stderrMatches(/not yet \(.*not found/i);
    await createNamespace(namespace);
    const run = await script.done;
    expect([run.code, run.stdout]).toEqual([
      0,
      `registered ${SEARCH_ATTRIBUTE_NAMES.join(', ')} in namespace ${namespace}\n`,
    ]);
  });

  it('a registration the server refuses fails at once, without retrying, and says what to do', async () => {
    // SQL visibility (the dev server's SQLite, the production topology's PostgreSQL) has 10 custom
    // Keyword columns per namespace; four taken by others leave fewer than crosslink's eight.
    const namespace = freshNamespace();
    await createNamespace(namespace);
    await server.env.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: { OtherTeamA: KEYWORD, OtherTeamB: KEYWORD, OtherTeamC: KEYWORD, OtherTeamD: KEYWORD },
    });
    const run = await startScript(scriptEnv(namespace)).done;
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot have more than 10 search attribute/);
    expect(run.stderr).not.toMatch(/retrying/);
    expect(run.stderr).toContain('crosslink registers 8 Keyword attributes and 1 KeywordList');
    expect(run.stderr).toContain('temporal operator search-attribute remove');
  });
});
