/**
 * `npm run bench:server [-- --sizes 1,10,50,200 --plan 1000 --latency 20 --workers 1 --address host:port]`
 * N connections started together as a user would, by default from ONE local deployment to N remote
 * deployments (`--locals` and `--remote-environments` spread them: bench/topology.ts), on a real
 * Temporal server (a dev server, `temporal server start-dev`, or the one `--address` or
 * TEMPORAL_ADDRESS names, e.g. the production topology of scripts/production-topology.sh), with the
 * simulator in its own process and `--workers` PRODUCTION worker processes started as the image
 * starts them (`node dist/workers/main.js`, NODE_ENV=production, prebuilt bundle,
 * MALLOC_ARENA_MAX=2; one environments file and sealing key; the npm script builds first). Each
 * size gets a fresh simulator and workers on the same server.
 * Reports per size: connected count, elapsed per run vs the critical path (median, p95, slowest),
 * throughput, plans on the local deployments, API calls per connection vs the minimum, each
 * worker's peak RSS (VmHWM) and history events and bytes per run. docs/proof.md defines the
 * critical path and minimum. `--memory-log` adds each worker thread's heap at the worker's peak;
 * `--kill-worker-after <n>` SIGKILLs worker 1 once n runs have connected and reports, from the
 * histories, how long runs waited for their activities and workflow tasks (bench/history-waits.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { type Client, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Command } from 'commander';
import { startOrFind } from '../client/start-or-find';
import { ensureSearchAttributes } from '../client/search-attributes';
import { type ConnectionResult } from '../domain';
import { discoverTemporal, startDevServer } from '../scripts/local/temporal-discovery';
import { isPortFree } from '../scripts/local/ports';
import {
  type MemoryBreakdown,
  breakdownAtPeak,
  describeBreakdown,
  memoryProbeEnvironment,
  readMemoryLog,
  requestHeapSnapshots,
} from './memory-probe';
import { imageEnvironment } from './image-env';
import { API_KEY_PATH, criticalPathMs, minimumCalls } from './minimum';
import { type SimulatorStats, startRemoteSimulator } from './remote-simulator';
import { type RunWaits, runWaits } from './history-waits';
import { type MeshShape, localId, meshRequest, meshTopology } from './topology';

const program = new Command('bench:server')
  .description('N connections from one local deployment on a real Temporal server with the production worker')
  .option('--sizes <list>', 'connection counts, comma-separated', '1,10,50,200')
  .option('--plan <ms>', 'how long an ECE plan runs in the simulator', '1000')
  .option('--latency <ms>', 'latency the simulator adds to every API call', '20')
  .option('--deadline <minutes>', 'per size: runs not closed by then count as not connected', '15')
  .option('--workers <n>', 'worker processes polling the task queue', '1')
  .option('--locals <n>', 'local deployments (ece-a) the connections start from, taking turns', '1')
  .option(
    '--remote-environments <n>',
    'remote environments (ece-b, ece-c, ...) the remote deployments are spread over',
    '1',
  )
  .option('--kill-worker-after <n>', 'SIGKILL worker 1 once n runs have connected (with --workers 2 or more)')
  .option(
    '--node-options <flags>',
    'extra Node/V8 flags for the worker processes (NODE_OPTIONS), e.g. --max-semi-space-size=2',
  )
  .option(
    '--memory-log [file]',
    "log each worker thread's heap every 500 ms, report it at the worker's peak RSS (and keep the log in <file>)",
  )
  .option('--heap-snapshots <dir>', 'write a heap snapshot of every worker thread to <dir> 5 s after the last start')
  .option(
    '--address <host:port>',
    'an existing Temporal server (default: TEMPORAL_ADDRESS, else a dev server from the Temporal CLI)',
  )
  .parse();
const opts = program.opts<Record<string, string>>();

const ROOT = path.resolve(__dirname, '..');
const WORKER_MAIN = path.join(ROOT, 'dist', 'workers', 'main.js');

interface RunOutcome {
  workflowId: string;
  connected: boolean;
  failure?: string;
  elapsedMs?: number;
  events: number;
  bytes: number;
  waits: RunWaits;
}

interface SizeResult {
  size: number;
  connected: number;
  elapsed: number[];
  criticalPathMs: number;
  /** Plans the simulator ran on the local deployments during the size: all of them, and the most on one. */
  localPlans: { total: number; most: number };
  callsPerConnection: number;
  /** Per worker process, in start order: its peak RSS (read just before a kill for the killed one). */
  workerPeakRssMb: number[];
  simulatorPeakRssMb: number;
  events: number[];
  bytes: number[];
  failures: Map<string, number>;
  wallMs: number;
  /** Per worker process, with --memory-log. */
  memory: MemoryBreakdown[];
  /** With --kill-worker-after: when the kill came (ms after the first start) and the runs' waits. */
  kill?: { atMs: number; atEpochMs: number; outcomes: RunOutcome[] };
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Peak resident set size of a process (kernel's high-water mark), MB. */
function peakRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? NaN) / 1024;
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Where the bench's Temporal server is: its address and namespace. */
interface ServerTarget {
  address: string;
  namespace: string;
}

/** The image's ENV (Dockerfile); the worker's prebuilt bundle is chosen below as well. */
const IMAGE_ENV = imageEnvironment();

/** The probe's variables with the image's NODE_OPTIONS and `--node-options` added to its NODE_OPTIONS. */
function workerNodeOptions(probe: Record<string, string>): Record<string, string> {
  const flags = [
    IMAGE_ENV.NODE_OPTIONS ?? '',
    probe.NODE_OPTIONS ?? process.env.NODE_OPTIONS ?? '',
    opts.nodeOptions ?? '',
  ]
    .join(' ')
    .trim();
  return { ...probe, ...(flags ? { NODE_OPTIONS: flags } : {}) };
}

/** The environments file every worker process of a size reads: one file, one sealing key. */
function writeEnvironmentsFile(dir: string, environments: unknown): string {
  const envFile = path.join(dir, 'environments.json');
  writeFileSync(envFile, JSON.stringify({ environments, sealingKey: randomBytes(32).toString('base64') }), {
    mode: 0o600,
  });
  return envFile;
}

/** A production worker, its own process, configured as an operator would: a file and variables. */
async function startWorkerProcess(
  dir: string,
  index: number,
  target: ServerTarget,
  envFile: string,
): Promise<{ child: ChildProcess; logFile: string }> {
  const readyFile = path.join(dir, `ready-${index}`);
  const logFile = path.join(dir, `worker-${index}.log`);
  const log = openSync(logFile, 'w');
  const child = spawn(process.execPath, [WORKER_MAIN, '--environments', envFile], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: target.address,
      TEMPORAL_NAMESPACE: target.namespace,
      CROSSLINK_WORKFLOW_CODE: 'prebuilt',
      CROSSLINK_READY_FILE: readyFile,
      CROSSLINK_LOG_LEVEL: 'warn',
      CROSSLINK_SHUTDOWN_GRACE_TIME: '2s',
      // As the image runs it: the Dockerfile's ENV (production mode, malloc arenas, V8 heap sizes).
      ...IMAGE_ENV,
      ...workerNodeOptions(memoryProbeEnvironment(dir, Boolean(opts.memoryLog), opts.heapSnapshots)),
    },
    stdio: ['ignore', log, log],
  });
  await until('the worker to poll', () => existsSync(readyFile) || child.exitCode !== null, 120_000);
  if (child.exitCode !== null)
    throw new Error(`the worker exited (${child.exitCode}): ${readFileSync(logFile, 'utf8')}`);
  return { child, logFile };
}

/** `count` worker processes on one environments file, started one after the other (each waits to poll). */
async function startWorkerProcesses(
  dir: string,
  count: number,
  target: ServerTarget,
  environments: unknown,
): Promise<ChildProcess[]> {
  const envFile = writeEnvironmentsFile(dir, environments);
  const workers: ChildProcess[] = [];
  try {
    for (let i = 1; i <= count; i++) workers.push((await startWorkerProcess(dir, i, target, envFile)).child);
  } catch (err) {
    await Promise.all(workers.map(stopProcess));
    throw err;
  }
  return workers;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

function failureText(err: unknown): string {
  const cause = err instanceof WorkflowFailedError ? err.cause : err;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Elapsed (first to last event), events and encoded bytes of a run's history. */
async function historyFigures(client: Client, workflowId: string) {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const time = (e: (typeof events)[number] | undefined) => {
    const t = e?.eventTime;
    return t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : NaN;
  };
  return {
    elapsedMs: time(events[events.length - 1]) - time(events[0]),
    events: events.length,
    bytes: temporal.api.history.v1.History.encode(history).finish().length,
    waits: runWaits(events),
  };
}

/**
 * Aliases (and so workflow ids) unique to this invocation: a persistent server keeps earlier
 * benchmarks' runs, and a start must never find one of them still running.
 */
const RUN_TAG = Date.now().toString(36);

/** The mesh the options describe. */
function meshShape(): MeshShape {
  return { locals: Number(opts.locals), remoteEnvironments: Number(opts.remoteEnvironments) };
}

/** Waits for one run to close (or the deadline) and reads its history. */
async function awaitRun(client: Client, workflowId: string, deadlineMs: number): Promise<RunOutcome> {
  const handle = client.workflow.getHandle(workflowId);
  let connected = false;
  let failure: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = (await Promise.race([
      handle.result(),
      new Promise((_r, reject) => {
        timer = setTimeout(() => reject(new Error('not closed by the deadline')), deadlineMs);
      }),
    ])) as ConnectionResult;
    connected = result.state === 'connected';
    if (!connected) failure = `closed as ${result.state}`;
  } catch (err) {
    failure = failureText(err);
    if (failure === 'not closed by the deadline') await handle.terminate('bench deadline').catch(() => undefined);
  } finally {
    clearTimeout(timer);
  }
  return { workflowId, connected, failure, ...(await historyFigures(client, workflowId)) };
}

/** Group failures by their message without ids, so 14 of the same reason read as one line. */
function groupFailures(outcomes: RunOutcome[]): Map<string, number> {
  const failures = new Map<string, number>();
  for (const o of outcomes) {
    if (!o.failure) continue;
    const key = o.failure.replace(/[0-9a-f]{32}|n\d+-[0-9a-z]+-r\d+|[0-9a-f-]{36}/g, '…').slice(0, 240);
    failures.set(key, (failures.get(key) ?? 0) + 1);
  }
  return failures;
}

/** Plans the local deployments ran between two simulator stats: in all, and the most on one. */
function localPlans(before: SimulatorStats, after: SimulatorStats, locals: number): SizeResult['localPlans'] {
  const counts = Array.from({ length: locals }, (_, i) => {
    const key = `ece-a/${localId(i + 1)}`;
    return (after.plans[key] ?? 0) - (before.plans[key] ?? 0);
  });
  return { total: counts.reduce((a, b) => a + b, 0), most: Math.max(...counts) };
}

async function runSize(client: Client, target: ServerTarget, size: number): Promise<SizeResult> {
  const planMs = Number(opts.plan);
  const latencyMs = Number(opts.latency);
  const shape = meshShape();
  const killAfter = opts.killWorkerAfter === undefined ? undefined : Number(opts.killWorkerAfter);
  const dir = mkdtempSync(path.join(tmpdir(), `crosslink-bench-server-${size}-`));
  const simulator = await startRemoteSimulator({
    topology: meshTopology(shape, size),
    planDurationMs: planMs,
    latencyMs,
  });
  let workers: ChildProcess[] = [];
  try {
    workers = await startWorkerProcesses(dir, Number(opts.workers), target, simulator.config.environments);
    const peaks = new Map<ChildProcess, number>();
    const before = await simulator.stats();
    const wallStart = Date.now();
    const deadline = Number(opts.deadline) * 60_000;
    let started = 0;
    let connectedSoFar = 0;
    let killedAtMs: number | undefined;
    let killedAtEpochMs = 0;
    const killFirstWorker = () => {
      const victim = workers[0]!;
      peaks.set(victim, peakRssMb(victim.pid!));
      victim.kill('SIGKILL');
      killedAtEpochMs = Date.now();
      killedAtMs = killedAtEpochMs - wallStart;
    };
    const outcomes: RunOutcome[] = await Promise.all(
      Array.from({ length: size }, async (_, k) => {
        const req = meshRequest(shape, `n${size}-${RUN_TAG}`, k + 1);
        const { workflowId } = await startOrFind(client, { operation: 'connect', request: req });
        if (++started === size && opts.heapSnapshots) snapshotSoon(opts.heapSnapshots, size);
        const outcome = await awaitRun(client, workflowId, deadline);
        if (outcome.connected && ++connectedSoFar === killAfter) killFirstWorker();
        return outcome;
      }),
    );
    const wallMs = Date.now() - wallStart;
    const after = await simulator.stats();
    const ok = outcomes.filter((o) => o.connected);
    return {
      size,
      connected: ok.length,
      elapsed: ok.map((o) => o.elapsedMs!),
      criticalPathMs: criticalPathMs(API_KEY_PATH, latencyMs, planMs),
      localPlans: localPlans(before, after, shape.locals),
      callsPerConnection: (after.calls - before.calls) / size,
      workerPeakRssMb: workers.map((w) => peaks.get(w) ?? peakRssMb(w.pid!)),
      simulatorPeakRssMb: after.peakRssMb,
      events: outcomes.map((o) => o.events),
      bytes: outcomes.map((o) => o.bytes),
      failures: groupFailures(outcomes),
      wallMs,
      memory: workers.flatMap((w) => breakdownAtPeak(readMemoryLog(dir), w.pid!) ?? []),
      ...(killedAtMs !== undefined ? { kill: { atMs: killedAtMs, atEpochMs: killedAtEpochMs, outcomes } } : {}),
    };
  } finally {
    await Promise.all(workers.map(stopProcess));
    await simulator.close();
    if (typeof opts.memoryLog === 'string') copyFileSync(path.join(dir, 'memory.jsonl'), `${opts.memoryLog}.${size}`);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Heap snapshots of every worker thread a few seconds after the last start, when the runs are open. */
function snapshotSoon(snapshotDir: string, size: number): void {
  setTimeout(() => requestHeapSnapshots(snapshotDir, size), 5_000).unref();
}

function table(results: SizeResult[]): string {
  const minimum = minimumCalls(API_KEY_PATH);
  const header = [
    'connections',
    'connected',
    'elapsed median / p95 / slowest (ms)',
    'critical path (ms)',
    'ratio median / p95',
    'connections per minute',
    meshShape().locals > 1 ? 'plans on locals (most on one)' : 'plans on local',
    'calls per connection / minimum',
    Number(opts.workers) > 1 ? 'worker peak RSS (each)' : 'worker peak RSS',
    'history events median / max',
    'history KB median / max',
    'wall time',
  ];
  const rows = results.map((r) => {
    const [m, p] = [quantile(r.elapsed, 0.5), quantile(r.elapsed, 0.95)];
    const kb = (b: number) => (b / 1024).toFixed(1);
    return [
      String(r.size),
      `${r.connected} / ${r.size}`,
      `${Math.round(m)} / ${Math.round(p)} / ${Math.round(Math.max(...r.elapsed))}`,
      String(r.criticalPathMs),
      `${(m / r.criticalPathMs).toFixed(2)} / ${(p / r.criticalPathMs).toFixed(2)}`,
      (r.connected / (r.wallMs / 60_000)).toFixed(0),
      meshShape().locals > 1 ? `${r.localPlans.total} (${r.localPlans.most})` : String(r.localPlans.total),
      `${r.callsPerConnection.toFixed(1)} / ${minimum}`,
      r.workerPeakRssMb.map((mb) => `${Math.round(mb)}`).join(' / ') + ' MB',
      `${quantile(r.events, 0.5)} / ${Math.max(...r.events)}`,
      `${kb(quantile(r.bytes, 0.5))} / ${kb(Math.max(...r.bytes))}`,
      `${(r.wallMs / 1000).toFixed(1)} s`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The aim for a lost worker: no run waits longer than the heartbeat timeout plus one retry interval. */
const HEARTBEAT_TIMEOUT_MS = 15_000;

/** What the kill cost the runs: their longest waits, the activities retried, the workflow tasks that timed out. */
function killReport(r: SizeResult): string[] {
  if (!r.kill) return [];
  const { atMs, outcomes } = r.kill;
  const all = outcomes.map((o) => o.waits);
  const affected = outcomes.filter((o) => o.waits.retried.length > 0 || o.waits.workflowTaskTimeouts > 0);
  const longest = all
    .flatMap((w) => (w.longestActivity ? [w.longestActivity] : []))
    .reduce<ActivityWaitLike | undefined>((a, b) => (!a || b.waitMs > a.waitMs ? b : a), undefined);
  const retried = all.flatMap((w) => w.retried);
  const byActivity = new Map<string, number[]>();
  for (const w of retried) byActivity.set(w.activity, [...(byActivity.get(w.activity) ?? []), w.waitMs]);
  const lines = [
    `killed worker 1 (SIGKILL) ${(atMs / 1000).toFixed(1)} s after the first start, when ${opts.killWorkerAfter} runs had connected`,
    `runs that lost an activity attempt or a workflow task to it: ${affected.length} of ${outcomes.length}; ` +
      `${retried.length} activities retried, ${all.reduce((n, w) => n + w.workflowTaskTimeouts, 0)} workflow tasks timed out`,
    `longest wait of any activity for the attempt that closed it: ${longest ? `${(longest.waitMs / 1000).toFixed(1)} s (${longest.activity}, attempt ${longest.attempts})` : 'none'}`,
    `longest wait of any workflow task to start: ${(Math.max(0, ...all.map((w) => w.longestWorkflowTaskWaitMs)) / 1000).toFixed(1)} s`,
  ];
  for (const [activity, waits] of byActivity) {
    lines.push(
      `  retried ${activity}: ${waits.length} x, waited ${(Math.min(...waits) / 1000).toFixed(1)}-${(Math.max(...waits) / 1000).toFixed(1)} s from its scheduling`,
    );
  }
  // What the kill cost an activity: from the kill to the start of the attempt that replaced the lost
  // one (its first attempt ran legitimately until then, a plan wait of many seconds among them).
  const afterKill = retried
    .map((w) => ({ activity: w.activity, ms: w.startedAtMs - r.kill!.atEpochMs }))
    .filter((w) => Number.isFinite(w.ms));
  const slowest = afterKill.reduce<(typeof afterKill)[number] | undefined>(
    (a, b) => (!a || b.ms > a.ms ? b : a),
    undefined,
  );
  const worst = slowest?.ms;
  lines.push(
    `longest time from the kill to the retry of a lost activity: ${slowest === undefined ? 'no activity was lost' : `${(slowest.ms / 1000).toFixed(1)} s (${slowest.activity})`}`,
    `aim: no lost activity waits more than the heartbeat timeout (${HEARTBEAT_TIMEOUT_MS / 1000} s) plus one retry interval (1-5 s) after the kill: ` +
      (worst !== undefined && worst > HEARTBEAT_TIMEOUT_MS + 5_000 ? 'MISSED' : 'met'),
  );
  return lines;
}

type ActivityWaitLike = NonNullable<RunWaits['longestActivity']>;

async function freePortInRange(from: number, to: number): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = from + Math.floor(Math.random() * (to - from));
    if (await isPortFree(port)) return port;
  }
  throw new Error(`no free port in ${from}-${to}`);
}

/** The dev server this bench starts, or the existing one `--address` / TEMPORAL_ADDRESS names. */
async function connectServer(): Promise<{ env: TestWorkflowEnvironment; target: ServerTarget; what: string }> {
  const found = discoverTemporal(opts.address ? { ...process.env, TEMPORAL_ADDRESS: opts.address } : process.env);
  if (found.kind === 'none')
    throw new Error(`${found.reason}: set CROSSLINK_TEMPORAL_BIN, TEMPORAL_ADDRESS or --address`);
  if (found.kind === 'existing') {
    const env = await TestWorkflowEnvironment.createFromExistingServer(found);
    const info = await env.client.workflowService.getSystemInfo({});
    return { env, target: found, what: `existing Temporal server ${info.serverVersion}` };
  }
  const env = await startDevServer({ cli: found, port: await freePortInRange(17000, 17999) });
  return { env, target: { address: env.address, namespace: 'default' }, what: `Temporal dev server (${found.path})` };
}

async function main(): Promise<void> {
  const sizes = opts.sizes!.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--sizes takes positive integers');
  const workers = Number(opts.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new Error('--workers takes a positive integer');
  for (const name of ['locals', 'remoteEnvironments'] as const) {
    const n = Number(opts[name]);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} takes a positive integer`);
  }
  if (opts.killWorkerAfter !== undefined) {
    const n = Number(opts.killWorkerAfter);
    if (!Number.isInteger(n) || n < 1) throw new Error('--kill-worker-after takes a positive integer');
    if (workers < 2) throw new Error('--kill-worker-after needs --workers 2 or more: the others finish the runs');
    if (sizes.some((size) => size <= n)) throw new Error('--kill-worker-after must be below every size');
  }
  if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} is missing: run npm run build first`);
  const server = await connectServer();
  // The dev server registers the connection's attributes; the worker also requires the lifecycle ones.
  await ensureSearchAttributes(server.env.connection.operatorService, server.target.namespace);
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(
    `real ${server.what} at ${server.target.address}, namespace ${server.target.namespace}; ` +
      `${workers} production worker process(es) ${path.relative(ROOT, WORKER_MAIN)}; ` +
      `${opts.locals} local deployment(s), ${opts.remoteEnvironments} remote environment(s); ` +
      `simulator: ${opts.plan} ms plans, ${opts.latency} ms per call; ${cpus().length} CPUs, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(', ')}`,
  );
  const results: SizeResult[] = [];
  try {
    for (const size of sizes) {
      const r = await runSize(server.env.client, server.target, size);
      results.push(r);
      out(`${size}: ${r.connected}/${size} connected in ${(r.wallMs / 1000).toFixed(1)} s`);
      for (const [reason, count] of r.failures) out(`  ${count} x ${reason}`);
      for (const [i, m] of r.memory.entries()) out(`  worker ${i + 1}: ${describeBreakdown(m)}`);
      for (const line of killReport(r)) out(`  ${line}`);
    }
  } finally {
    out('');
    out(table(results));
    out(
      `load average (1, 5, 15 min) at the end: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(', ')}`,
    );
    await server.env.teardown();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
