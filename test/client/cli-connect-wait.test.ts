/**
 * `crosslink connect` waits for preflight: a request preflight refuses (an unknown deployment)
 * exits 4 with the reason, not 0 with "Started"; one that passes exits 0 and says what the run
 * waits for next; `--no-wait` returns at once; without a worker it gives up after `--wait` seconds
 * with exit 6; a fan-out waits for each pair's preflight. The Temporal client is a stand-in that
 * serves the answers a real server gave (recorded progress), in order.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { runCli } from '../../client/cli/program';
import { EXIT } from '../../client/cli/exit-codes';
import { type FanOutPairStatus, type FanOutRequestInput, type Progress } from '../../domain';
import { defaultLocalRequest } from '../../scripts/local/default-request';
import { type RecordingContext, described, recordingContext } from './cli-context';
import { WORKFLOW_ID, recordedProgress } from './cli-fixtures';

const NOT_FOUND =
  'preflight: ECE ece-b: 404 deployments.deployment_not_found on GET /api/v1/deployments/b9000000000000000000000000000999';

/** The progress of a run whose preflight is running, and of one preflight refused (the run then rolled back). */
function preflightRunning(): Progress {
  const p = recordedProgress('awaiting-approval');
  return {
    ...p,
    state: 'running',
    currentStep: 'preflight',
    pendingGate: undefined,
    audit: [],
    steps: p.steps.map((s) =>
      s.id === 'preflight' ? { id: s.id, status: 'running', attempts: 1 } : { ...s, status: 'pending' },
    ),
  };
}

function preflightRefused(): Progress {
  const p = preflightRunning();
  return {
    ...p,
    state: 'rolled-back',
    steps: p.steps.map((s) => (s.id === 'preflight' ? { ...s, status: 'failed', detail: NOT_FOUND } : s)),
    reason: { type: 'NotFound', message: NOT_FOUND, step: 'preflight' },
  };
}

interface Answer {
  status: string;
  progress?: Progress;
  /** A closed run's failure carries the final Progress, as a rolled-back run's does. */
  failure?: Progress;
  parent?: string;
}

/** A client whose runs answer from scripted sequences (the last answer repeats). */
function scriptedClient(runs: Record<string, Answer[]>) {
  const starts: string[] = [];
  const next = (id: string): Answer => {
    const answers = runs[id];
    if (!answers) throw Object.assign(new Error(`workflow ${id} not found`), { code: 5 });
    return answers.length > 1 ? answers.shift()! : answers[0]!;
  };
  const current = new Map<string, Answer>();
  const client = {
    starts,
    options: { namespace: 'default' },
    withDeadline: <R>(_deadline: number, fn: () => Promise<R>) => fn(),
    workflow: {
      start: async (_type: string, options: { workflowId: string }) => {
        starts.push(options.workflowId);
        return { workflowId: options.workflowId, firstExecutionRunId: 'run-1' };
      },
      getHandle: (id: string) => ({
        describe: async () => {
          const answer = next(id);
          current.set(id, answer);
          return {
            ...(described(answer.status) as object),
            ...(answer.parent ? { parentExecution: { workflowId: answer.parent, runId: 'parent-run' } } : {}),
          };
        },
        query: async () => {
          const answer = current.get(id)!;
          if ('pairs' in answer) return (answer as unknown as { pairs: FanOutPairStatus[] }).pairs;
          if (!answer.progress) throw new Error('no worker answered: deadline exceeded');
          return answer.progress;
        },
        result: async () => {
          const answer = current.get(id)!;
          const failure = ApplicationFailure.create({
            message: 'rolled back',
            type: 'NotFound',
            details: [answer.failure],
          });
          throw new WorkflowFailedError('Workflow execution failed', failure, 'NON_RETRYABLE_FAILURE');
        },
      }),
    },
  };
  return client;
}

/** A context whose clock moves only when the command sleeps. */
function timedContext(client: unknown, files: Record<string, string>): RecordingContext {
  const ctx = recordingContext(client, files);
  let now = Date.parse('2026-11-27T23:58:00Z');
  ctx.now = () => new Date(now);
  ctx.sleep = async (ms) => {
    now += ms;
  };
  return ctx;
}

const request = JSON.stringify({
  ...defaultLocalRequest(),
  remote: { environment: 'ece-b', deploymentId: 'b9000000000000000000000000000999' },
});

describe('crosslink connect waits for preflight', () => {
  test('an unknown deployment: exit 4 with the reason, not "Started" and 0', async () => {
    const client = scriptedClient({
      [WORKFLOW_ID]: [
        { status: 'RUNNING', progress: preflightRunning() },
        { status: 'FAILED', failure: preflightRefused() },
      ],
    });
    const ctx = timedContext(client, { 'request.json': request });
    expect(await runCli(['connect', 'request.json'], ctx)).toBe(EXIT.REFUSED);
    const out = ctx.stdout.join('\n');
    expect(out).toMatch(/^Started connection crosslink\.ece-a\.\S+\.logs-b \(run run-1\)\.$/m);
    expect(out).toMatch(/^ {2}preflight running$/m);
    expect(out).toMatch(
      /^ {2}preflight refused: NotFound: preflight: ECE ece-b: 404 deployments\.deployment_not_found/m,
    );
    expect(ctx.stderr.join('\n')).toMatch(
      /^crosslink: preflight refused crosslink\.ece-a\.\S+\.logs-b: NotFound: .*deployment_not_found/,
    );
  });

  test('preflight passes: exit 0, and it says what the run waits for next', async () => {
    const client = scriptedClient({
      [WORKFLOW_ID]: [
        { status: 'RUNNING', progress: preflightRunning() },
        { status: 'RUNNING', progress: recordedProgress('awaiting-approval') },
      ],
    });
    const ctx = timedContext(client, { 'request.json': JSON.stringify(defaultLocalRequest()) });
    expect(await runCli(['connect', 'request.json'], ctx)).toBe(EXIT.OK);
    const out = ctx.stdout.join('\n');
    expect(out).toMatch(/^ {2}preflight passed: local 9\.1\.3, remote 9\.1\.3$/m);
    expect(out).toMatch(/^The run goes on, waiting for approval of gate "proxy-ca"\.$/m);
    expect(out).toMatch(new RegExp(`^Watch: +crosslink status ${WORKFLOW_ID.replace(/\./g, '\\.')} --watch$`, 'm'));
    expect(ctx.stderr).toEqual([]);
  });

  test('--json: one object with the preflight verdict', async () => {
    const client = scriptedClient({ [WORKFLOW_ID]: [{ status: 'FAILED', failure: preflightRefused() }] });
    const ctx = timedContext(client, { 'request.json': request });
    expect(await runCli(['connect', 'request.json', '--json'], ctx)).toBe(EXIT.REFUSED);
    expect(ctx.stdout).toHaveLength(1);
    expect(JSON.parse(ctx.stdout[0]!)).toMatchObject({
      workflowId: WORKFLOW_ID,
      status: 'started',
      preflight: { outcome: 'refused', reason: { type: 'NotFound' } },
    });
  });

  test('--no-wait returns once started, without reading the run', async () => {
    const client = scriptedClient({});
    const ctx = timedContext(client, { 'request.json': request });
    expect(await runCli(['connect', 'request.json', '--no-wait'], ctx)).toBe(EXIT.OK);
    expect(client.starts).toEqual([WORKFLOW_ID]);
    expect(ctx.stdout.join('\n')).toMatch(/^Watch: +crosslink status \S+ --watch$/m);
  });

  test('no worker: gives up after --wait seconds with exit 6 and says the run waits for one', async () => {
    const client = scriptedClient({ [WORKFLOW_ID]: [{ status: 'RUNNING' }] });
    const ctx = timedContext(client, { 'request.json': request });
    expect(await runCli(['connect', 'request.json', '--wait', '5'], ctx)).toBe(EXIT.UNAVAILABLE);
    expect(ctx.stdout.join('\n')).toMatch(/no worker has answered yet \(start one: `npm run worker`\)/);
    expect(ctx.stderr.join('\n')).toMatch(/no worker answered within 5s; \S+ waits for one/);
  });

  test('the wait is bounded by the time slept too: a clock that stands still cannot make it wait forever', async () => {
    const client = scriptedClient({ [WORKFLOW_ID]: [{ status: 'RUNNING' }] });
    const ctx = recordingContext(client, { 'request.json': request }); // its clock never moves; its sleep returns at once
    expect(await runCli(['connect', 'request.json', '--wait', '3'], ctx)).toBe(EXIT.UNAVAILABLE);
  });

  test('a fan-out waits for every pair: one refused makes it exit 4, naming the pair', async () => {
    const local = 'a1000000000000000000000000000001';
    const fanOut: FanOutRequestInput = {
      requestId: 'rollout-1',
      local: { environment: 'ece-a', deploymentId: local },
      remotes: [
        {
          remote: { environment: 'ece-b', deploymentId: 'b1000000000000000000000000000001' },
          alias: 'logs-b1',
          access: { search: [{ names: ['logs-*'] }] },
        },
        {
          remote: { environment: 'ece-b', deploymentId: 'b2000000000000000000000000000999' },
          alias: 'logs-b2',
          access: { search: [{ names: ['logs-*'] }] },
        },
      ],
      securityModel: 'api_key',
      requestedBy: 'automation',
    };
    const fanOutId = `crosslink-fan-out.ece-a.${local}.rollout-1`;
    const pair = (alias: string, state: FanOutPairStatus['state']): FanOutPairStatus => ({
      alias,
      remote: { environment: 'ece-b', deploymentId: 'b' },
      connectionId: `crosslink.ece-a.${local}.${alias}`,
      state,
    });
    const client = scriptedClient({
      [fanOutId]: [
        { status: 'RUNNING', pairs: [pair('logs-b1', 'pending'), pair('logs-b2', 'pending')] } as Answer,
        { status: 'RUNNING', pairs: [pair('logs-b1', 'awaiting-approval'), pair('logs-b2', 'rolled-back')] } as Answer,
      ],
      [`crosslink.ece-a.${local}.logs-b1`]: [
        { status: 'RUNNING', progress: recordedProgress('awaiting-approval'), parent: fanOutId },
      ],
      [`crosslink.ece-a.${local}.logs-b2`]: [{ status: 'FAILED', failure: preflightRefused(), parent: fanOutId }],
    });
    const ctx = timedContext(client, { 'fan-out.json': JSON.stringify(fanOut) });
    expect(await runCli(['connect', 'fan-out.json'], ctx)).toBe(EXIT.REFUSED);
    const out = ctx.stdout.join('\n');
    expect(out).toMatch(/^ {2}logs-b1: preflight running \(the fan-out has not started this pair yet/m);
    expect(out).toMatch(/^ {2}logs-b1: preflight passed: local 9\.1\.3, remote 9\.1\.3$/m);
    expect(out).toMatch(/^ {2}logs-b2: preflight refused: NotFound: /m);
    expect(ctx.stderr.join('\n')).toMatch(
      /^crosslink: logs-b2: preflight refused crosslink\.ece-a\.\S+\.logs-b2: NotFound/m,
    );
    expect(ctx.stderr.join('\n')).not.toMatch(/logs-b1/);
  });
});
