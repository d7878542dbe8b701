/**
 * The one start-or-find helper (client/start-or-find.ts), through the commands that use it: the
 * same request again is a harmless duplicate (exit 0); a different request, or another operation,
 * under the same id is refused (exit 8) with the run that holds it and what differs; a namespace
 * without crosslink's search attributes is explained for every operation. The Temporal behind it
 * is in memory (test/client/fakes/in-memory-temporal.ts).
 */
import { runCli } from '../../client/cli/program';
import { EXIT } from '../../client/cli/exit-codes';
import { START_MEMO_KEY, differencesBetween, requestDigest, startOrFind } from '../../client/start-or-find';
import { ConnectionRequest, type FanOutRequestInput, FanOutRequest, RotateRequest, connectionId } from '../../domain';
import { defaultLocalRequest } from '../../scripts/local/default-request';
import { recordingContext } from './cli-context';
import { InMemoryTemporal } from './fakes/in-memory-temporal';

const request = defaultLocalRequest();
const id = connectionId(ConnectionRequest.parse(request));
const WHERE = ['ece-a', request.local.deploymentId, request.alias];
const otherRemote = { ...request, remote: { ...request.remote, deploymentId: 'b8150000000000000000000000000815' } };

let temporal: InMemoryTemporal;
beforeEach(() => {
  temporal = new InMemoryTemporal();
});

async function cli(args: string[], files: Record<string, string> = {}) {
  const ctx = recordingContext(temporal.client, files);
  // This in-memory Temporal runs no workflow: connect returns once started, without waiting for
  // preflight (test/client/cli-connect-wait.test.ts covers the wait).
  const code = await runCli(args[0] === 'connect' ? [...args, '--no-wait'] : args, ctx);
  return { code, out: ctx.stdout.join('\n'), err: ctx.stderr.join('\n') };
}

const connect = (body: unknown, ...flags: string[]) =>
  cli(['connect', 'r.json', ...flags], { 'r.json': JSON.stringify(body) });

describe('crosslink connect: one request per connection id', () => {
  test('the same request twice: the second finds the run (exit 0) and starts nothing', async () => {
    const first = await connect(request);
    expect(first.code).toBe(EXIT.OK);
    const runId = temporal.open(id)!.runId;
    const second = await connect(request);
    expect(second.code).toBe(EXIT.OK);
    expect(second.out).toContain(`Connection ${id} is already running (run ${runId}); nothing new was started.`);
    expect(temporal.runs).toHaveLength(1);
  });

  test('a different request for the same alias is refused (exit 8) naming the run and the differing field', async () => {
    await connect(request);
    const runId = temporal.open(id)!.runId;
    const second = await connect(otherRemote, '--json');
    expect(second.code).toBe(EXIT.CONFLICT);
    expect(second.out).toBe('');
    expect(second.err).toContain(`${id} is held by run ${runId} (connect, requested by ${request.requestedBy}`);
    expect(second.err).toContain('with a different connect request; this one was not started');
    expect(second.err).toContain(
      `remote.deploymentId: "${request.remote.deploymentId}" there, "b8150000000000000000000000000815" here`,
    );
    expect(temporal.runs).toHaveLength(1);
  });

  test('after the run ends, the other request starts a new run', async () => {
    await connect(request);
    temporal.close(id);
    expect((await connect(otherRemote)).code).toBe(EXIT.OK);
    expect(temporal.runsOf(id)).toHaveLength(2);
    expect(temporal.open(id)!.input).toMatchObject({ remote: otherRemote.remote });
  });

  test('the run records its operation and request digest in its memo', async () => {
    await connect(request);
    expect(temporal.open(id)!.memo[START_MEMO_KEY]).toEqual({
      operation: 'connect',
      requestDigest: requestDigest(ConnectionRequest.parse(request)),
    });
  });
});

describe('the lifecycle operations share the connection id', () => {
  test('a disconnect while a connect runs: "another operation holds the connection" (exit 8), nothing starts', async () => {
    await connect(request);
    const runId = temporal.open(id)!.runId;
    const result = await cli(['disconnect', ...WHERE, '--as', 'alice']);
    expect(result.code).toBe(EXIT.CONFLICT);
    expect(result.err).toContain(
      `another operation holds ${id}: run ${runId} (connect, requested by ${request.requestedBy}`,
    );
    expect(result.err).toContain('this disconnect was not started');
    expect(temporal.runs).toHaveLength(1);
  });

  test('a connect while a disconnect runs is refused the same way', async () => {
    expect((await cli(['disconnect', ...WHERE, '--as', 'alice'])).code).toBe(EXIT.OK);
    const result = await connect(request);
    expect(result.code).toBe(EXIT.CONFLICT);
    expect(result.err).toMatch(/another operation holds .*\(disconnect, requested by alice/);
  });

  test('the same disconnect twice is a duplicate (exit 0); another requester is a different request (exit 8)', async () => {
    expect((await cli(['disconnect', ...WHERE, '--as', 'alice'])).code).toBe(EXIT.OK);
    const again = await cli(['disconnect', ...WHERE, '--as', 'alice']);
    expect(again.code).toBe(EXIT.OK);
    expect(again.out).toContain(`The same disconnect of ${id} is already running`);
    const bob = await cli(['disconnect', ...WHERE, '--as', 'bob', '--json']);
    expect(bob.code).toBe(EXIT.CONFLICT);
    expect(bob.err).toContain('requestedBy: "alice" there, "bob" here');
    expect(temporal.runs).toHaveLength(1);
  });

  test('update-access: the same file twice is exit 0, other access exit 8 naming the field', async () => {
    const update = {
      local: request.local,
      alias: request.alias,
      access: { search: [{ names: ['logs-*'] }] },
      requestedBy: 'alice',
    };
    const file = (body: unknown) => ({ 'u.json': JSON.stringify(body) });
    expect((await cli(['update-access', 'u.json'], file(update))).code).toBe(EXIT.OK);
    expect((await cli(['update-access', 'u.json', '--json'], file(update))).out).toContain(
      '"status":"already-running"',
    );
    const wider = { ...update, access: { search: [{ names: ['logs-*', 'metrics-*'] }] } };
    const refused = await cli(['update-access', 'u.json'], file(wider));
    expect(refused.code).toBe(EXIT.CONFLICT);
    expect(refused.err).toContain('access.search[0].names[1]: (absent) there, "metrics-*" here');
  });

  test('a rotation whose sealed credential differs names the field but never shows the credential', async () => {
    const sealed = (ciphertext: string) => ({ alg: 'A256GCM', kid: 'abcd1234', iv: 'aXY=', ciphertext, tag: 'dGFn' });
    const rotate = (ciphertext: string) =>
      RotateRequest.parse({
        local: request.local,
        alias: request.alias,
        previousCredential: sealed(ciphertext),
        requestedBy: 'alice',
      });
    await startOrFind(temporal.client, { operation: 'rotate', request: rotate('Y2lwaGVyLW9uZQ==') });
    const outcome = await startOrFind(temporal.client, { operation: 'rotate', request: rotate('Y2lwaGVyLXR3bw==') });
    expect(outcome).toMatchObject({
      status: 'conflict',
      differences: [{ field: 'previousCredential', running: '(a sealed credential)', requested: '(another one)' }],
    });
    expect(JSON.stringify(outcome)).not.toMatch(/Y2lwaGVy/);
  });
});

describe('runs without a start record (started by a fan-out, or by an older client)', () => {
  async function startWithoutRecord(body: ConnectionRequest) {
    await temporal.client.workflow.start('connectRemoteCluster', {
      workflowId: connectionId(body),
      taskQueue: 'crosslink',
      args: [body],
      workflowIdConflictPolicy: 'FAIL',
    });
  }

  test('the same request is found by comparing the run input (exit 0); another is refused naming fields', async () => {
    await startWithoutRecord(ConnectionRequest.parse(request));
    expect((await connect(request)).code).toBe(EXIT.OK);
    const other = await connect({ ...request, verifyTimeout: '10m' });
    expect(other.code).toBe(EXIT.CONFLICT);
    expect(other.err).toContain(`verifyTimeout: "${request.verifyTimeout}" there, "10m" here`);
    expect(temporal.runs).toHaveLength(1);
  });
});

describe('fan-outs', () => {
  const LOCAL = 'a1000000000000000000000000000001';
  const fanOut = (names: string[]): FanOutRequestInput => ({
    requestId: 'rollout-1',
    local: { environment: 'ece-a', deploymentId: LOCAL },
    remotes: [
      {
        remote: { environment: 'ece-b', deploymentId: 'b1000000000000000000000000000001' },
        alias: 'logs-b1',
        access: { search: [{ names }] },
      },
    ],
    securityModel: 'api_key',
    requestedBy: 'automation',
  });

  test('the same fan-out twice is a duplicate; another under the same request id is refused', async () => {
    const file = (body: unknown) => ({ 'f.json': JSON.stringify(body) });
    expect((await cli(['connect', 'f.json'], file(fanOut(['logs-*'])))).code).toBe(EXIT.OK);
    const again = await cli(['connect', 'f.json'], file(fanOut(['logs-*'])));
    expect(again.code).toBe(EXIT.OK);
    expect(again.out).toContain('is already running');
    const other = await cli(['connect', 'f.json'], file(fanOut(['metrics-*'])));
    expect(other.code).toBe(EXIT.CONFLICT);
    expect(other.err).toContain('remotes[0].access.search[0].names[0]: "logs-*" there, "metrics-*" here');
    expect(temporal.runs).toHaveLength(1);
    expect(FanOutRequest.safeParse(fanOut(['x'])).success).toBe(true);
  });
});

describe('a namespace without crosslink search attributes', () => {
  test.each([
    ['connect', () => connect(request)],
    ['disconnect', () => cli(['disconnect', ...WHERE, '--as', 'alice'])],
    ['rotate', () => cli(['rotate', ...WHERE, '--as', 'alice', '--no-restore'])],
  ])('%s says which attributes to register (exit 6)', async (_name, run) => {
    temporal.failStarts = () =>
      Object.assign(new Error('start failed'), {
        cause: Object.assign(new Error('3 INVALID_ARGUMENT'), {
          code: 3,
          details: 'search attribute CrosslinkOperation is not defined',
          metadata: {},
        }),
      });
    const result = await run();
    expect(result.code).toBe(EXIT.UNAVAILABLE);
    expect(result.err).toContain("namespace default lacks crosslink's search attributes");
    expect(result.err).toContain(
      'temporal operator search-attribute create --namespace default --name CrosslinkOperation',
    );
  });
});

describe('differences between two requests', () => {
  test('name each differing path, with both values, shortened', () => {
    expect(
      differencesBetween({ a: 1, b: { c: [1, 2] }, d: 'x'.repeat(100) }, { a: 1, b: { c: [1, 3, 4] }, d: 'y' }),
    ).toEqual([
      { field: 'b.c[1]', running: '2', requested: '3' },
      { field: 'b.c[2]', running: '(absent)', requested: '4' },
      { field: 'd', running: `"${'x'.repeat(76)}...`, requested: '"y"' },
    ]);
  });
});
