/**
 * `npm run bench:server [-- --sizes 1,10,50,200 --plan 1000 --latency 20]`
 * N connections from ONE local deployment to N remote deployments, started together as a user
 * would: a real Temporal dev server (`temporal server start-dev`), the simulator in its own
 * process, and the PRODUCTION worker process (`node dist/workers/main.js`, prebuilt bundle; the
 * npm script builds first). Each size gets a fresh simulator and worker on the same server.
 * Reports per size: connected count, elapsed per run vs the critical path (median, p95), plans on
 * the shared local deployment, API calls per connection vs the minimum, the worker's peak RSS
 * (VmHWM) and history events and bytes per run. docs/proof.md defines the critical path and minimum.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { type Client, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { Command } from 'commander';
import { startOrFind } from '../client/start-or-find';
import { ensureSearchAttributes } from '../client/search-attributes';
import { type ConnectionResult } from '../domain';
import { findTemporalCli, startDevServer } from '../scripts/local/temporal-discovery';
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

/** The production worker, its own process, configured as an operator would: a file and variables. */
async function startWorkerProcess(
  dir: string,
  address: string,
  environments: unknown,
): Promise<{ child: ChildProcess; logFile: string }> {
  const envFile = path.join(dir, 'environments.json');
  writeFileSync(envFile, JSON.stringify({ environments, sealingKey: randomBytes(32).toString('base64') }), {
    mode: 0o600,
  });
  const readyFile = path.join(dir, 'ready');
  const logFile = path.join(dir, 'worker.log');
  const log = openSync(logFile, 'w');
  const child = spawn(process.execPath, [WORKER_MAIN, '--environments', envFile], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: 'default',
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

async function runSize(client: Client, address: string, size: number): Promise<SizeResult> {
  const planMs = Number(opts.plan);
  const latencyMs = Number(opts.latency);
  const dir = mkdtempSync(path.join(tmpdir(), `crosslink-bench-server-${size}-`));
  const simulator = await startRemoteSimulator({ topology: fanOutTopology(size), planDurationMs: planMs, latencyMs });
  let worker: ChildProcess | undefined;
  try {
    const started = await startWorkerProcess(dir, address, simulator.config.environments);
    worker = started.child;
    const before = await simulator.stats();
    const wallStart = Date.now();
    const deadline = Number(opts.deadline) * 60_000;
    const outcomes: RunOutcome[] = await Promise.all(
      Array.from({ length: size }, async (_, k) => {
        const req = fanOutRequest(`n${size}`, k + 1);
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
    const workerPeak = peakRssMb(worker.pid!);
    const local = `ece-a/${LOCAL_ID}`;
    const failures = new Map<string, number>();
    for (const o of outcomes) {
      if (!o.failure) continue;
      // Group by the message without ids, so 14 of the same reason read as one line.
      const key = o.failure.replace(/[0-9a-f]{32}|n\d+-r\d+|[0-9a-f-]{36}/g, '…').slice(0, 240);
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
    if (worker) await stopProcess(worker);
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
    'worker peak RSS',
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

async function main(): Promise<void> {
  const sizes = opts.sizes!.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--sizes takes positive integers');
  if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} is missing: run npm run build first`);
  const cli = findTemporalCli();
  if (cli.kind === 'none') throw new Error(`${cli.reason}: set CROSSLINK_TEMPORAL_BIN`);
  const server = await startDevServer({ cli, port: await freePortInRange(17000, 17999) });
  // The dev server registers the connection's attributes; the worker also requires the lifecycle ones.
  await ensureSearchAttributes(server.connection.operatorService, 'default');
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(
    `real Temporal dev server (${cli.path}) at ${server.address}; production worker ${path.relative(ROOT, WORKER_MAIN)}; ` +
      `simulator: ${opts.plan} ms plans, ${opts.latency} ms per call; ${cpus().length} CPUs, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  const results: SizeResult[] = [];
  try {
    for (const size of sizes) {
      const r = await runSize(server.client, server.address, size);
      results.push(r);
      out(`${size}: ${r.connected}/${size} connected in ${(r.wallMs / 1000).toFixed(1)} s`);
      for (const [reason, count] of r.failures) out(`  ${count} x ${reason}`);
    }
  } finally {
    out('');
    out(table(results));
    await server.teardown();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
