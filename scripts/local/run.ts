/**
 * The local run, as a function (scripts/local-run.ts is its command line; the end-to-end test
 * calls it directly): simulator + Temporal + worker + intake in this process, one connection
 * requested through a signed CloudEvent, gates approved (automatically or by you), live progress,
 * the result, and everything shut down again, whatever happens (with `keep`: after Ctrl-C).
 */
import { randomBytes } from 'node:crypto';
import { generateWebhookSecret } from '../../common/webhook-signature';
import { type ReceivedNotification, createNotificationSink } from '../../client/notifications/sink';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type temporal } from '@temporalio/proto';
import { type Level, type Logger } from 'pino';
import {
  ConnectionRequest,
  type ConnectionRequestInput,
  EVENT_TYPES,
  type Progress,
  type StepId,
  parseOrThrow,
} from '../../domain';
import { startSimulator } from '../../simulator';
import { type SimulatorHandle } from '../../simulator/api';
import { createTemporalGateway, decideGate } from '../../client/connections';
import { type LocalApprover, localApprover } from './approver';
import { EVENTS_PATH, type IntakeServer, createIntakeServer } from '../../client/intake/server';
import { type AuditTrail, auditTrailFromHistory } from '../../client/cli/history/audit-trail';
import { loadStatus } from '../../client/cli/load-status';
import { renderHistory } from '../../client/cli/render/history';
import { type StatusView, isTerminal, renderStatus } from '../../client/cli/render/status';
import { workflowUiUrl } from '../../client/temporal-connection';
import { temporalAssignments } from '../../client/cli/invocation';
import { loadWorkerConfig } from '../../workers/config';
import { createLogger } from '../../common/logging';
import { installRuntime } from '../../workers/runtime';
import { type WorkerHandle, startWorker } from '../../workers/worker';
import { type LocalTemporal, PortInUseError, type TemporalSource, obtainTemporal } from './temporal-server';
import { isPortFree } from './ports';
import { sendSignedEvent } from './send-event';
import { defaultLocalRequest } from './default-request';

export interface LocalRunOptions {
  /** Approve each gate as soon as it opens, as an approver who is not the requester. */
  autoApprove?: boolean;
  /**
   * Decide each gate in this process (tests: approve or reject); wins over autoApprove. Returning
   * undefined prints the `crosslink approve` command to type instead.
   */
  decide?: (gate: StepId, progress: Progress) => GateDecision | undefined;
  /** The connection to request (default: ece-a 9.x -> ece-b 9.x, API key model, private proxy CA). */
  request?: ConnectionRequestInput;
  /** Where the run's own lines go (stdout by default). */
  say?: (line: string) => void;
  /** Level of the components' JSON logs on stderr (default CROSSLINK_LOG_LEVEL or `warn`). */
  logLevel?: Level | 'silent';
  /** Aborting (Ctrl-C) stops waiting and shuts everything down. */
  signal?: AbortSignal;
  /** Simulator plan duration (ms); short by default so the run takes seconds. */
  planDurationMs?: number;
  pollIntervalMs?: number;
  /** Variables for finding Temporal (process.env by default). */
  env?: NodeJS.ProcessEnv;
  /** After the result, leave everything running until `signal` aborts (Ctrl-C), to explore. */
  keep?: boolean;
  /** Ports of the dev server this run starts, its Web UI, and the intake (free ones by default). */
  ports?: LocalPorts;
}

export interface LocalPorts {
  temporal?: number;
  ui?: number;
  intake?: number;
}

export type GateDecision = { decision: 'approve'; comment?: string } | { decision: 'reject'; reason: string };

export interface LocalRunResult {
  workflowId: string;
  runId?: string;
  /** The connection's final state, or `interrupted` when aborted first. */
  state: StatusView['state'] | 'interrupted';
  progress?: Progress;
  /** The business audit trail and the raw history, read before the server went away. */
  trail?: AuditTrail;
  history?: temporal.api.history.v1.IHistory;
  temporal: TemporalSource;
  uiUrl: string;
  /** What the intake answered to the "connection requested" event. */
  intakeStatus: string;
  /** The notifications the run's in-process sink received (each is also printed as one line). */
  notifications: ReceivedNotification[];
  /** Where the approver's private key was while the run lasted (removed, with its folder, when it ends). */
  approverKeyFile?: string;
}

/** How long the run waits, once the progress shows an end, for the workflow to close. */
const CLOSE_WAIT_MS = 30_000;

export class LocalRunInterrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'LocalRunInterrupted';
  }
}

export async function runLocal(options: LocalRunOptions = {}): Promise<LocalRunResult> {
  const sayLine = options.say ?? ((line: string) => process.stdout.write(`${line}\n`));
  const say = (...lines: string[]): void => lines.forEach((line) => sayLine(line));
  const signal = options.signal;
  const checkAbort = (): void => {
    if (signal?.aborted) throw new LocalRunInterrupted();
  };
  const request = parseOrThrow(ConnectionRequest, options.request ?? defaultLocalRequest(), 'connection request');
  const env = options.env ?? process.env;
  // The intake's signing secret: yours when CROSSLINK_INTAKE_SECRET is set (to send events by hand), else random.
  const intakeSecret = env.CROSSLINK_INTAKE_SECRET?.trim() || generateWebhookSecret();
  const sealingKey = randomBytes(32).toString('base64');
  // The worker signs notifications with this; the in-process sink checks them and prints each.
  const notificationSecret = generateWebhookSecret();
  const level = options.logLevel ?? (process.env.CROSSLINK_LOG_LEVEL as Level | undefined) ?? 'warn';
  const log: Logger = createLogger({
    name: 'local-run',
    level,
    secrets: [intakeSecret, sealingKey, notificationSecret],
    destination: { write: (s: string) => process.stderr.write(s) },
  });
  installRuntime(log);

  const cleanups: Array<[string, () => Promise<unknown>]> = [];
  let simulator: SimulatorHandle | undefined;
  let server: LocalTemporal | undefined;
  let worker: WorkerHandle | undefined;
  let intake: IntakeServer | undefined;
  let notifications: ReceivedNotification[] = [];
  let approverKeyFile: string | undefined;
  try {
    say('Starting the ECE simulator (two environments, ece-a and ece-b)...');
    simulator = await startSimulator({ planDurationMs: options.planDurationMs ?? 1500 });
    const sim = simulator;
    cleanups.push(['simulator', () => sim.close()]);
    checkAbort();

    server = await obtainTemporal({ env, say, port: options.ports?.temporal, uiPort: options.ports?.ui });
    const temporalServer = server;
    cleanups.push(['Temporal', () => temporalServer.teardown()]);
    if (server.registered.length > 0) say(`Search attributes registered: ${server.registered.join(', ')}.`);
    checkAbort();

    const sink = createNotificationSink({ secret: notificationSecret, print: (line) => say(`  ${line}`) });
    const sinkAt = await sink.listen(0, '127.0.0.1');
    cleanups.push(['notification sink', () => sink.close()]);
    notifications = sink.received;
    say(`Notification sink listening on ${sinkAt.url}.`);

    // A throwaway approver key for this run: its public half is the worker's approval policy.
    const approver = localApprover(request);
    cleanups.push(['approver key', async () => approver.dispose()]);
    approverKeyFile = approver.keyFile;
    if (request.approval.approvers.length > 0) {
      say(
        `The request's approval.approvers (${request.approval.approvers.join(', ')}) is ignored, as on any worker: ` +
          `the local run's approval policy names ${approver.name}.`,
      );
    }
    const config = loadWorkerConfig({
      data: {
        environments: simulator.config.environments,
        sealingKey,
        approvals: approver.policy,
        notifications: { sink: { url: sinkAt.url, signingSecret: notificationSecret } },
      },
    });
    const workerLog = createLogger({
      name: 'worker',
      level,
      secrets: config.secrets,
      destination: { write: (s: string) => process.stderr.write(s) },
    });
    worker = await startWorker({
      config,
      target: server.target,
      logger: workerLog,
      workflowCode: 'source',
      shutdownGraceTime: '5s',
    });
    const w = worker;
    cleanups.push(['worker', () => w.shutdown()]);
    say(`Worker polling task queue "${worker.taskQueue}".`);

    const intakePort = options.ports?.intake;
    if (intakePort !== undefined && !(await isPortFree(intakePort)))
      throw new PortInUseError('--intake-port', intakePort);
    intake = createIntakeServer({
      gateway: createTemporalGateway(server.client),
      secrets: [intakeSecret],
      logger: log,
    });
    const { url } = await intake.listen(intakePort ?? 0, '127.0.0.1');
    const i = intake;
    cleanups.push(['intake', () => i.close()]);
    say(`Intake listening on ${url}${EVENTS_PATH}.`);
    checkAbort();

    const sent = await sendSignedEvent(url + EVENTS_PATH, intakeSecret, {
      type: EVENT_TYPES.connectionRequested,
      data: request,
    });
    if (sent.status !== 202)
      throw new Error(`the intake refused the event (${sent.status}): ${JSON.stringify(sent.body)}`);
    const workflowId = String(sent.body.workflowId);
    const uiUrl = workflowUiUrl(server.target, workflowId);
    say(`Sent a signed "connection requested" CloudEvent: ${workflowId} ${String(sent.body.status)}.`);
    say(`Web UI: ${uiUrl}`);

    const cli = cliCommand(server, env);
    const view = await follow(server, workflowId, approver, options, say, cli);
    // The progress says "connected" (or rolled back) a moment before the workflow closes (it sends
    // its notification first): wait for the close, briefly, so the history printed ends with it.
    const handle = server.client.workflow.getHandle(workflowId);
    if (view)
      await server.client.withDeadline(Date.now() + CLOSE_WAIT_MS, () => handle.result()).catch(() => undefined);
    const history = await handle.fetchHistory();
    const trail = auditTrailFromHistory(history, workflowId);
    if (view) {
      say('', renderStatus(view, new Date()), '', renderHistory(trail), '');
      say(`Result: ${view.state}. Web UI (while this run lasts): ${uiUrl}`);
    }
    if (options.keep && view) {
      say(
        '',
        'Everything keeps running until you press Ctrl-C:',
        `  Web UI:    ${server.target.uiUrl}/namespaces/${encodeURIComponent(server.target.namespace)}/workflows`,
        `  Temporal:  ${server.target.address} (namespace ${server.target.namespace})`,
        `  Intake:    ${url}${EVENTS_PATH} (events signed with ${env.CROSSLINK_INTAKE_SECRET?.trim() ? 'your CROSSLINK_INTAKE_SECRET' : 'a random secret; set CROSSLINK_INTAKE_SECRET to send your own'})`,
        `  Simulator: ECE environments ${Object.keys(simulator.config.environments).join(', ')}; the worker acts in them`,
        '  Try the CLI in another terminal:',
        `    ${cli} list`,
        `    ${cli} status ${workflowId}`,
        `    ${cli} history ${workflowId}`,
        '',
      );
      await untilAborted(signal);
    }
    return {
      workflowId,
      runId: view?.runId,
      state: view?.state ?? 'interrupted',
      progress: view?.progress,
      trail,
      history,
      temporal: server.source,
      uiUrl,
      intakeStatus: String(sent.body.status),
      notifications,
      approverKeyFile,
    };
  } finally {
    for (const [name, close] of cleanups.reverse()) {
      await close().catch((err: unknown) => say(`(while stopping the ${name}: ${(err as Error).message})`));
    }
    say('Stopped the intake, the worker, Temporal, the notification sink and the simulator.');
  }
}

/** Watches the run until it ends; approves gates or says how to. Returns undefined when aborted. */
async function follow(
  server: LocalTemporal,
  workflowId: string,
  local: LocalApprover,
  options: LocalRunOptions,
  say: (...lines: string[]) => void,
  cli: string,
): Promise<StatusView | undefined> {
  const approver = local.name;
  const seen = new Map<string, string>();
  const announced = new Set<string>();
  for (;;) {
    if (options.signal?.aborted) return undefined;
    const view = await loadStatus(server.client, workflowId);
    for (const step of view.progress?.steps ?? []) {
      const key = `${step.status}/${step.attempts}`;
      if (seen.get(step.id) === key || step.status === 'pending') continue;
      seen.set(step.id, key);
      const attempts = step.attempts > 1 ? ` (attempt ${step.attempts})` : '';
      say(
        `  ${new Date().toISOString().slice(11, 19)}  ${step.id.padEnd(16)} ${step.status}${attempts}${step.detail ? `: ${step.detail}` : ''}`,
      );
    }
    const gate = view.progress?.pendingGate;
    if (gate && !announced.has(gate.gate)) {
      announced.add(gate.gate);
      const choice =
        (view.progress && options.decide?.(gate.gate, view.progress)) ??
        (options.autoApprove
          ? { decision: 'approve' as const, comment: 'approved by the local run (--auto-approve)' }
          : undefined);
      if (choice) {
        const entry = await decideGate(server.client, workflowId, local.key, {
          decision: choice.decision,
          gate: gate.gate,
          approver,
          text: choice.decision === 'approve' ? choice.comment : choice.reason,
        });
        say(
          `  gate ${gate.gate}: ${entry.decision} by ${approver}${entry.refusal ? ` (refused: ${entry.refusal})` : ''}`,
        );
      } else {
        say(
          `  gate ${gate.gate} waits for approval. In another terminal:`,
          `    ${cli} approve ${workflowId} ${gate.gate} --as ${approver} --key ${local.keyFile} --comment "looks good"`,
          `  or reject it:`,
          `    ${cli} reject ${workflowId} ${gate.gate} --as ${approver} --key ${local.keyFile} --reason "..."`,
        );
      }
    }
    // The progress query turns final while the run still sends its last notification: wait for the close.
    if (isTerminal(view) && view.executionStatus !== 'RUNNING') return view;
    await sleep(options.pollIntervalMs ?? 500, undefined, { signal: options.signal }).catch(() => undefined);
  }
}

/**
 * How to run this checkout's CLI against the run's server, as a command that works as printed in
 * another terminal: the compiled CLI when built, else the sources (never `npx`, which could fetch
 * an unrelated package of the same name), after the Temporal variables that reach this server and
 * its Web UI (the address, namespace and Web UI of a dev server this run started; for a server
 * named by TEMPORAL_ADDRESS, the variables that named it, secrets excepted).
 */
function cliCommand(server: LocalTemporal, env: NodeJS.ProcessEnv): string {
  const built = existsSync(join(__dirname, '..', '..', 'dist', 'client', 'cli', 'main.js'));
  const npm = built ? 'npm run crosslink --' : 'npm run dev:crosslink --';
  const variables =
    server.source.kind === 'existing'
      ? temporalAssignments(env)
      : temporalAssignments({
          TEMPORAL_ADDRESS: server.target.address,
          TEMPORAL_NAMESPACE: server.target.namespace,
          TEMPORAL_UI_URL: server.target.uiUrl,
        });
  return [...variables, npm].join(' ');
}

function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => undefined); // keep without a signal: until the process ends
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
