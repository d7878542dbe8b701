/** A CliContext that records output, and a stand-in Temporal client serving recorded answers. */
import { type Client } from '@temporalio/client';
import { type CliContext } from '../../client/cli/context';
import { resolveTemporalTarget } from '../../client/temporal-connection';

export interface RecordingContext extends CliContext {
  stdout: string[];
  stderr: string[];
  clientsCreated: number;
}

export function recordingContext(client?: unknown, files: Record<string, string> = {}): RecordingContext {
  const ctx: RecordingContext = {
    stdout: [],
    stderr: [],
    clientsCreated: 0,
    out: (t) => void ctx.stdout.push(t),
    err: (t) => void ctx.stderr.push(t),
    isTTY: false,
    target: () =>
      resolveTemporalTarget({ env: { TEMPORAL_ADDRESS: 'temporal.test:7233', TEMPORAL_UI_URL: 'http://ui.test' } }),
    client: async () => {
      ctx.clientsCreated += 1;
      if (!client) throw new Error('this test must not reach Temporal');
      return client as Client;
    },
    readFile: (path) => {
      const text = files[path];
      if (text === undefined)
        throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
      return text;
    },
    now: () => new Date('2026-11-27T23:58:00Z'),
    sleep: async () => undefined,
  };
  return ctx;
}

/** One workflow handle's answers, in the shape the CLI calls them. */
export interface FakeHandle {
  describe(): Promise<unknown>;
  query?(): Promise<unknown>;
  result?(): Promise<unknown>;
  fetchHistory?(): Promise<unknown>;
  executeUpdate?(def: { name: string }, opts: { args: unknown[] }): Promise<unknown>;
  cancel?(): Promise<void>;
}

export function fakeClient(handle: FakeHandle): unknown {
  const withDeadline = <R>(_deadline: number, fn: () => Promise<R>) => fn();
  // Both the Client and its WorkflowClient have withDeadline.
  return { workflow: { getHandle: () => handle, withDeadline }, withDeadline };
}

export function described(status: string, state?: string): unknown {
  return {
    runId: 'run-1',
    status: { name: status },
    typedSearchAttributes: { get: () => state },
  };
}
