/**
 * An in-memory stand-in for the part of the Temporal client crosslink's starts and the intake use,
 * with the server's semantics where they matter: one open run per workflow id (a start with the
 * FAIL conflict policy is refused with WorkflowExecutionAlreadyStartedError while it is open; a
 * closed run is replaced by a new one), describe of the latest run with its memo, the first history
 * event with the input, visibility listing by workflow id, signals only to an open run.
 * The real start-or-find helper and gateway run against it.
 */
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { type ConnectionGateway, createTemporalGateway } from '../../../client/connections';

export type RunStatus = 'RUNNING' | 'COMPLETED' | 'TERMINATED';

export interface FakeRun {
  workflowId: string;
  runId: string;
  type: string;
  input: unknown;
  memo: Record<string, unknown>;
  searchAttributes: Array<{ key: { name: string }; value: unknown }>;
  startTime: Date;
  status: RunStatus;
  signals: Array<{ name: string; arg: unknown }>;
}

interface StartOptions {
  workflowId: string;
  args: unknown[];
  memo?: Record<string, unknown>;
  typedSearchAttributes?: Array<{ key: { name: string }; value: unknown }>;
  workflowIdConflictPolicy?: string;
}

export class InMemoryTemporal {
  readonly runs: FakeRun[] = [];
  /** Each start waits this long first (concurrent deliveries then overlap). */
  startDelayMs = 0;
  /** When set, every start throws what it returns (Temporal down, a converter refusal). */
  failStarts?: () => Error;
  /** When false, the frontend does not answer (readiness, and every call). */
  reachable = true;
  private count = 0;

  readonly client: Client;
  readonly gateway: ConnectionGateway;

  constructor() {
    this.client = this.buildClient();
    this.gateway = createTemporalGateway(this.client);
  }

  /** The open run of `workflowId`, if any. */
  open(workflowId: string): FakeRun | undefined {
    return this.runs.find((r) => r.workflowId === workflowId && r.status === 'RUNNING');
  }

  runsOf(workflowId: string): FakeRun[] {
    return this.runs.filter((r) => r.workflowId === workflowId);
  }

  /** Ends the open run of `workflowId` (as a completed run, by default). */
  close(workflowId: string, status: Exclude<RunStatus, 'RUNNING'> = 'COMPLETED'): void {
    const run = this.open(workflowId);
    if (!run) throw new Error(`no open run of ${workflowId}`);
    run.status = status;
  }

  private latest(workflowId: string): FakeRun | undefined {
    return this.runsOf(workflowId).at(-1);
  }

  private unreachable(): Error {
    return Object.assign(new Error('14 UNAVAILABLE: connection refused'), { code: 14 });
  }

  private async start(type: string, options: StartOptions): Promise<{ firstExecutionRunId: string }> {
    if (!this.reachable) throw this.unreachable();
    if (this.startDelayMs > 0) await new Promise((r) => setTimeout(r, this.startDelayMs));
    if (this.failStarts) throw this.failStarts();
    defaultPayloadConverter.toPayload(options.args[0]); // what the client's converter would refuse
    if (this.open(options.workflowId) && options.workflowIdConflictPolicy === 'FAIL') {
      throw new WorkflowExecutionAlreadyStartedError('Workflow execution already started', options.workflowId, type);
    }
    const runId = `run-${++this.count}`;
    this.runs.push({
      workflowId: options.workflowId,
      runId,
      type,
      input: JSON.parse(JSON.stringify(options.args[0])) as unknown,
      memo: JSON.parse(JSON.stringify(options.memo ?? {})) as Record<string, unknown>,
      searchAttributes: options.typedSearchAttributes ?? [],
      startTime: new Date(),
      status: 'RUNNING',
      signals: [],
    });
    return { firstExecutionRunId: runId };
  }

  private described(run: FakeRun) {
    return {
      workflowId: run.workflowId,
      runId: run.runId,
      type: run.type,
      status: { name: run.status },
      memo: run.memo,
      startTime: run.startTime,
      typedSearchAttributes: {
        get: (key: { name: string }) => run.searchAttributes.find((p) => p.key.name === key.name)?.value,
      },
    };
  }

  private handle(workflowId: string, runId?: string) {
    const find = (): FakeRun => {
      if (!this.reachable) throw this.unreachable();
      const run = runId ? this.runsOf(workflowId).find((r) => r.runId === runId) : this.latest(workflowId);
      if (!run) throw new WorkflowNotFoundError('workflow not found', workflowId, runId);
      return run;
    };
    return {
      describe: async () => this.described(find()),
      fetchHistory: async () => ({
        events: [
          {
            eventId: 1,
            workflowExecutionStartedEventAttributes: {
              workflowType: { name: find().type },
              input: { payloads: [defaultPayloadConverter.toPayload(find().input)] },
            },
          },
        ],
      }),
      signal: async (def: { name: string } | string, arg: unknown) => {
        const run = find();
        if (run.status !== 'RUNNING') throw new WorkflowNotFoundError('workflow not found', workflowId, runId);
        run.signals.push({ name: typeof def === 'string' ? def : def.name, arg });
      },
    };
  }

  /** Visibility by workflow id (the one condition crosslink's clients filter on besides time, which they re-check). */
  private async *list({ query }: { query: string }) {
    const workflowId = /WorkflowId = '([^']+)'/.exec(query)?.[1];
    for (const run of this.runs) if (run.workflowId === workflowId) yield this.described(run);
  }

  private buildClient(): Client {
    return {
      options: { namespace: 'default' },
      workflow: {
        start: (type: string, options: StartOptions) => this.start(type, options),
        getHandle: (workflowId: string, runId?: string) => this.handle(workflowId, runId),
        list: (options: { query: string }) => this.list(options),
      },
      withDeadline: <R>(_deadline: number, fn: () => Promise<R>) => fn(),
      workflowService: {
        getSystemInfo: async () => {
          if (!this.reachable) throw this.unreachable();
          return {};
        },
      },
    } as unknown as Client;
  }
}
