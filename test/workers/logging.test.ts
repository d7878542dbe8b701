import { Writable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { logActivityOutcome } from '../../activities';
import { FailureType } from '../../domain';
import { createLogger } from '../../common/logging';
import { PinoTemporalLogger } from '../../workers/temporal-logger';

function capture(secrets: string[]) {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      raw.push(String(chunk));
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const logger = createLogger({ name: 'worker', level: 'debug', secrets, destination });
  return { logger, lines, raw };
}

describe('worker logs', () => {
  test('activity log lines carry workflow id, run id, activity, step and attempt', () => {
    const { logger, lines } = capture([]);
    new PinoTemporalLogger(logger).info('activity completed', {
      sdkComponent: 'activity',
      workflowId: 'crosslink.ece-a.a9.logs-b',
      workflowRunId: 'run-1',
      activityType: 'writeKeystoreCredentials',
      attempt: 2,
      taskToken: 'opaque',
    });
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'activity completed',
      component: 'activity',
      workflowId: 'crosslink.ece-a.a9.logs-b',
      runId: 'run-1',
      activity: 'writeKeystoreCredentials',
      step: 'keystore',
      attempt: 2,
    });
    expect(lines[0]).not.toHaveProperty('taskToken');
  });

  test('undo activities are marked as such', () => {
    const { logger, lines } = capture([]);
    new PinoTemporalLogger(logger).warn('undo', { activityType: 'removeProxyCaTrust' });
    expect(lines[0]).toMatchObject({ level: 'warn', step: 'proxy-ca', undo: true });
  });

  test('credential fields and configured secret values never reach the output', () => {
    const secret = 'ece-a-api-key-0123456789';
    const { logger, raw } = capture([secret]);
    logger.info(
      { request: { headers: { authorization: 'ApiKey abc' } }, credentials: { password: 'hunter2-password' } },
      'call',
    );
    logger.error({ err: new Error(`401 from ECE with key ${secret}`) }, `refused: ${secret}`);
    const text = raw.join('');
    expect(text).not.toContain(secret);
    expect(text).not.toContain('hunter2-password');
    expect(text).not.toContain('ApiKey abc');
    expect(text).toContain('[redacted]');
  });
});

describe('activity outcome interceptor', () => {
  async function run(activityType: string, body: () => Promise<unknown>) {
    const { logger, lines, raw } = capture(['sealing-key-material']);
    const env = new MockActivityEnvironment({ activityType }, { logger: new PinoTemporalLogger(logger) });
    const execute = logActivityOutcome(env.context).inbound!.execute!;
    const outcome = await env
      .run(() => execute({ args: [], headers: {} }, body))
      .then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
    return { outcome, lines, raw };
  }

  test("logs a result's detail under the activity's name", async () => {
    const { outcome, lines } = await run('registerRemoteCluster', async () => ({
      attempt: 1,
      created: [],
      detail: 'cluster.remote.logs-b set',
    }));
    expect(outcome).toEqual({ value: { attempt: 1, created: [], detail: 'cluster.remote.logs-b set' } });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        msg: 'registerRemoteCluster: cluster.remote.logs-b set',
        step: 'register-remote',
      }),
    );
  });

  test('logs a failure with its message and type, rethrows it, and never the configured secrets', async () => {
    const failure = ApplicationFailure.create({
      type: FailureType.Conflict,
      message: 'deployment kept changing (sealing-key-material)',
      nonRetryable: true,
    });
    const { outcome, lines, raw } = await run('removeProxyCaTrust', async () => {
      throw failure;
    });
    expect(outcome).toEqual({ error: failure });
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'warn', failureType: 'Conflict', step: 'proxy-ca', undo: true }),
    );
    expect(raw.join('')).not.toContain('sealing-key-material');
  });
});
