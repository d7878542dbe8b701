/**
 * `npm run bench:server [-- --sizes 1,10,50,200 --plan 1000 --latency 20 --workers 1 --address host:port]`
 * N connections from ONE local deployment to N remote deployments, started together as a user
 * would: a real Temporal server (a dev server, `temporal server start-dev`, or the one `--address`
 * or TEMPORAL_ADDRESS names, e.g. the production topology of scripts/production-topology.sh), the
 * simulator in its own process, and `--workers` PRODUCTION worker processes (`node
 * dist/workers/main.js`, prebuilt bundle, one environments file and sealing key; the npm script
 * builds first). Each size gets a fresh simulator and workers on the same server.
 * Reports per size: connected count, elapsed per run vs the critical path (median, p95), plans on
 * the shared local deployment, API calls per connection vs the minimum, the worker's peak RSS
 * (VmHWM; the largest of the workers') and history events and bytes per run. docs/proof.md
 * defines the critical path and minimum.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
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
import { API_KEY_PATH, criticalPathMs, minimumCalls } from './minimum';
import { startRemoteSimulator } from './remote-simulator';
import { LOCAL_ID, fanOutRequest, fanOutTopology } from './topology';

const program = new Command('bench:server')
  .description('N connections from one local deployment on a real Temporal server with the production worker')
  .option('--sizes <list>', 'connection counts, comma-separated', '1,10,50,200')
  .option('--plan <ms>', 'how long an ECE plan runs in the simulator', '1000')
  .option('--latency <ms>', 'latency the simulator adds to every API call', '20')
  .option('--deadline <minutes>', 'per size: runs not closed by then count as not connected', '15')
  .option('--workers <n>', 'worker processes polling the task queue', '1')
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
}

interface SizeResult {
  size: number;
  connected: number;
  elapsed: number[];
  criticalPathMs: number;
  localPlans: number;
  callsPerConnection: number;
  workerPeakRssMb: number;
  simulatorPeakRssMb: number;
  events: number[];
  bytes: number[];
  failures: Map<string, number>;
  wallMs: number;
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
      // As the image runs it (Dockerfile): fewer glibc malloc arenas, less fragmented native memory.
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
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
  if (child.exitCode !== null) return;
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
  };
}

/**
 * Aliases (and so workflow ids) unique to this invocation: a persistent server keeps earlier
 * benchmarks' runs, and a start must never find one of them still running.
 */
const RUN_TAG = Date.now().toString(36);

async function runSize(client: Client, target: ServerTarget, size: number): Promise<SizeResult> {
  const planMs = Number(opts.plan);
  const latencyMs = Number(opts.latency);
  const dir = mkdtempSync(path.join(tmpdir(), `crosslink-bench-server-${size}-`));
  const simulator = await startRemoteSimulator({ topology: fanOutTopology(size), planDurationMs: planMs, latencyMs });
  let workers: ChildProcess[] = [];
  try {
    workers = await startWorkerProcesses(dir, Number(opts.workers), target, simulator.config.environments);
    const before = await simulator.stats();
    const wallStart = Date.now();
    const deadline = Number(opts.deadline) * 60_000;
    const outcomes: RunOutcome[] = await Promise.all(
      Array.from({ length: size }, async (_, k) => {
        const req = fanOutRequest(`n${size}-${RUN_TAG}`, k + 1);
        const { workflowId } = await startOrFind(client, { operation: 'connect', request: req });
        const handle = client.workflow.getHandle(workflowId);
        let connected = false;
        let failure: string | undefined;
        let timer: NodeJS.Timeout | undefined;
        try {
          const result = (await Promise.race([
            handle.result(),
            new Promise((_r, reject) => {
              timer = setTimeout(() => reject(new Error('not closed by the deadline')), deadline);
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
      }),
    );
    const wallMs = Date.now() - wallStart;
    const after = await simulator.stats();
    const workerPeak = Math.max(...workers.map((w) => peakRssMb(w.pid!)));
    const local = `ece-a/${LOCAL_ID}`;
    const failures = new Map<string, number>();
    for (const o of outcomes) {
      if (!o.failure) continue;
      // Group by the message without ids, so 14 of the same reason read as one line.
      const key = o.failure.replace(/[0-9a-f]{32}|n\d+-[0-9a-z]+-r\d+|[0-9a-f-]{36}/g, '…').slice(0, 240);
      failures.set(key, (failures.get(key) ?? 0) + 1);
    }
    const ok = outcomes.filter((o) => o.connected);
    return {
      size,
      connected: ok.length,
      elapsed: ok.map((o) => o.elapsedMs!),
      criticalPathMs: criticalPathMs(API_KEY_PATH, latencyMs, planMs),
      localPlans: (after.plans[local] ?? 0) - (before.plans[local] ?? 0),
      callsPerConnection: (after.calls - before.calls) / size,
      workerPeakRssMb: workerPeak,
      simulatorPeakRssMb: after.peakRssMb,
      events: outcomes.map((o) => o.events),
      bytes: outcomes.map((o) => o.bytes),
      failures,
      wallMs,
    };
  } finally {
    await Promise.all(workers.map(stopProcess));
    await simulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(results: SizeResult[]): string {
  const minimum = minimumCalls(API_KEY_PATH);
  const header = [
    'connections',
    'connected',
    'elapsed median / p95 (ms)',
    'critical path (ms)',
    'ratio median / p95',
    'plans on local',
    'calls per connection / minimum',
    Number(opts.workers) > 1 ? 'worker peak RSS (largest)' : 'worker peak RSS',
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
      `${Math.round(m)} / ${Math.round(p)}`,
      String(r.criticalPathMs),
      `${(m / r.criticalPathMs).toFixed(2)} / ${(p / r.criticalPathMs).toFixed(2)}`,
      String(r.localPlans),
      `${r.callsPerConnection.toFixed(1)} / ${minimum}`,
      `${Math.round(r.workerPeakRssMb)} MB`,
      `${quantile(r.events, 0.5)} / ${Math.max(...r.events)}`,
      `${kb(quantile(r.bytes, 0.5))} / ${kb(Math.max(...r.bytes))}`,
      `${(r.wallMs / 1000).toFixed(1)} s`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

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
  if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} is missing: run npm run build first`);
  const server = await connectServer();
  // The dev server registers the connection's attributes; the worker also requires the lifecycle ones.
  await ensureSearchAttributes(server.env.connection.operatorService, server.target.namespace);
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(
    `real ${server.what} at ${server.target.address}, namespace ${server.target.namespace}; ` +
      `${workers} production worker process(es) ${path.relative(ROOT, WORKER_MAIN)}; ` +
      `simulator: ${opts.plan} ms plans, ${opts.latency} ms per call; ${cpus().length} CPUs, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  const results: SizeResult[] = [];
  try {
    for (const size of sizes) {
      const r = await runSize(server.env.client, server.target, size);
      results.push(r);
      out(`${size}: ${r.connected}/${size} connected in ${(r.wallMs / 1000).toFixed(1)} s`);
      for (const [reason, count] of r.failures) out(`  ${count} x ${reason}`);
    }
  } finally {
    out('');
    out(table(results));
    await server.env.teardown();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
