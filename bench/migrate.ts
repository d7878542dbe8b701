/**
 * `npm run bench:migrate [-- --followers 5 --plan 500 --latency 20 --tick 20 --mode both]`
 * How long a migration interrupts a connection's users (project issue 20, item 3): a certificate
 * connection with N active followers of leaders that receive documents all the time, and a search
 * probe through the alias, migrated to the API key model with every gate approved at once. Reported:
 *
 * - search interruption: the longest run of failed probes, from the last answer that reached the
 *   remote before it to the sending of the next probe that did (probes run back to back);
 * - replication interruption: the longest time a follower was not following (paused, or its reads
 *   failing), per follower, and the window from the first to the last follower affected;
 * - the largest lag seen: leader checkpoint minus follower checkpoint, in documents, and in time (how
 *   long ago the leader received the oldest document the follower did not have yet);
 * - the migration's elapsed time and the time from the pause to the followers following again.
 *
 * The simulator serves no `_search`: the probe is `GET /_resolve/cluster/<alias>:*` (it goes through
 * the alias as a search does: `connected` and no `error` is a success). Time is the simulator's: a
 * replication round runs every tick (docs/simulator.md), each tick appends one document per leader.
 *
 * `--mode harness`: the server-less harness in this process (real activities, the simulator here too).
 * `--mode server`: a Temporal dev server and the PRODUCTION worker process (`node dist/workers/main.js`,
 * prebuilt bundle, its default timings), the simulator in this process; the npm script builds first.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { type Client } from '@temporalio/client';
import { Command } from 'commander';
import {
  CONNECTION_WORKFLOW,
  ConnectionRequest,
  EnvironmentsFile,
  MIGRATE_WORKFLOW,
  MigrateRequest,
  type MigrationReport,
  type StepId,
  connectionId,
} from '../domain';
import { startOrFind, startedOrThrow } from '../client/start-or-find';
import { ensureSearchAttributes } from '../client/search-attributes';
import { closeAllPools, createActivities } from '../activities';
import { createEnvironmentRegistry, resolveEnvironments } from '../activities/environments';
import { createSealer } from '../activities/secrets/sealing';
import { type EsClient } from '../activities/elasticsearch/client';
import { startSimulator } from '../simulator';
import { DEFAULT_IDS, type SimulatorHandle } from '../simulator/api';
import { findTemporalCli, startDevServer } from '../scripts/local/temporal-discovery';
import { isPortFree } from '../scripts/local/ports';
import { signedApproval, testPolicy } from '../test/harness/approvers';
import { type HarnessRun, type ActivityImplementations, WorkflowHarness } from '../test/harness/workflow-harness';
import { elasticsearchOf, followThrough } from '../test/server/replication';
import { progressQuery, approveUpdate } from '../workflows/messages';

const program = new Command('bench:migrate')
  .description('the interruption a certificate-to-API-key migration causes, on the simulator')
  .option('--followers <n>', 'active followers replicating through the alias', '5')
  .option('--plan <ms>', 'how long an ECE plan runs in the simulator', '500')
  .option('--latency <ms>', 'latency the simulator adds to every API call', '20')
  .option('--tick <ms>', 'a replication round, a document per leader and a search probe this often', '20')
  .option('--mode <mode>', 'harness, server or both', 'both')
  .parse();
const opts = program.opts<Record<string, string>>();
const num = (name: string) => {
  const v = Number(opts[name]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a non-negative number`);
  return v;
};

const ROOT = path.resolve(__dirname, '..');
const WORKER_MAIN = path.join(ROOT, 'dist', 'workers', 'main.js');
const APPROVER = 'bench-approver';
const REQUESTER = 'bench-requester';
const POLICY = testPolicy([{ approvers: [APPROVER] }]);
const ALIAS = 'bench-b';

/** The connection: ece-a 8.15 -> ece-b 8.15 (private proxy CA), certificate model, no gates of its own. */
function certificateConnection(): ConnectionRequest {
  return ConnectionRequest.parse({
    local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 },
    remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 },
    alias: ALIAS,
    securityModel: 'certificate',
    roles: [{ name: 'bench-reader', local: {}, remote: { indices: [{ names: ['bench-*'], privileges: ['read'] }] } }],
    approval: { gates: [] },
    requestedBy: REQUESTER,
  });
}

function migration(request: ConnectionRequest): MigrateRequest {
  return MigrateRequest.parse({
    local: request.local,
    alias: request.alias,
    access: { search: [{ names: ['bench-*'] }], replication: [{ names: ['bench-*'] }] },
    requestedBy: REQUESTER,
  });
}

interface Sample {
  at: number;
  /**
   * Per follower: following (active, reading without failure), its lag in documents, and in time:
   * how long ago the leader received the oldest document the follower does not have yet.
   */
  followers: Array<{ following: boolean; lag: number; lagMs: number }>;
}

/** One search probe through the alias: when it was sent, when it answered, whether it reached the remote. */
interface Probe {
  sent: number;
  answered: number;
  ok: boolean;
}

/**
 * Every tick a document per leader, a replication round and the followers' state; and, back to back
 * in a loop of its own, a search probe through the alias (its resolution is one probe's round trip).
 */
class Load {
  readonly samples: Sample[] = [];
  readonly probes: Probe[] = [];
  private timer: NodeJS.Timeout | undefined;
  private probing = false;
  /** Per follower: when its leader's checkpoint reached each value (one entry per tick), and how far it is read. */
  private readonly written: Array<Array<{ at: number; checkpoint: number }>>;
  private readonly readUpTo: number[];
  private probeLoop: Promise<void> | undefined;

  constructor(
    private readonly sim: SimulatorHandle,
    private readonly request: ConnectionRequest,
    private readonly local: EsClient,
    private readonly followed: Array<{ leader: string; follower: string }>,
    private readonly tickMs: number,
  ) {
    this.written = followed.map(() => []);
    this.readUpTo = followed.map(() => 0);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.probing = true;
    this.probeLoop = this.probeUntilStopped();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.probing = false;
    await this.probeLoop;
  }

  private async probeUntilStopped(): Promise<void> {
    while (this.probing) {
      const sent = performance.now();
      const ok = await this.probe();
      this.probes.push({ sent, answered: performance.now(), ok });
    }
  }

  private async probe(): Promise<boolean> {
    try {
      const res = await this.local.http.request({
        method: 'GET',
        path: `/_resolve/cluster/${ALIAS}:*`,
        accept: [400, 403, 404, 500, 503],
      });
      const entry = (res.body as Record<string, { connected?: boolean; error?: unknown }> | undefined)?.[ALIAS];
      return res.status === 200 && entry?.connected === true && entry.error === undefined;
    } catch {
      return false;
    }
  }

  private tick(): void {
    const { remote, local } = this.request;
    for (const f of this.followed) this.sim.ccr.appendDocuments(remote.environment, remote.deploymentId, f.leader, 1);
    this.sim.ccr.replicate();
    const at = performance.now();
    const followers = this.followed.map((f, i) => {
      const leader = this.sim.ccr.index(remote.environment, remote.deploymentId, f.leader)!;
      const copy = this.sim.ccr.index(local.environment, local.deploymentId, f.follower)!;
      const following = copy.follower?.status === 'active' && !copy.follower.readFailure && !copy.follower.fatalFailure;
      const written = this.written[i]!;
      written.push({ at, checkpoint: leader.globalCheckpoint });
      // The first write the follower lacks (checkpoints only grow, so the index only moves forward).
      let next = this.readUpTo[i]!;
      while (next < written.length && written[next]!.checkpoint <= copy.globalCheckpoint) next += 1;
      this.readUpTo[i] = next;
      const lagMs = next < written.length ? at - written[next]!.at : 0;
      return { following, lag: leader.globalCheckpoint - copy.globalCheckpoint, lagMs };
    });
    this.samples.push({ at, followers });
  }
}

/** The longest stretch for which `bad` held, from its first sample to the next good one (ms), and how many. */
function longestOutage(samples: Sample[], bad: (s: Sample) => boolean): { ms: number; outages: number } {
  let longest = 0;
  let outages = 0;
  let from: number | undefined;
  for (const s of samples) {
    if (bad(s)) {
      if (from === undefined) {
        from = s.at;
        outages += 1;
      }
    } else if (from !== undefined) {
      longest = Math.max(longest, s.at - from);
      from = undefined;
    }
  }
  if (from !== undefined) longest = Math.max(longest, samples.at(-1)!.at - from);
  return { ms: longest, outages };
}

/**
 * Searches were interrupted from the answer of the last probe that reached the remote before a run
 * of failed probes to the sending of the first one after it: the longest such gap, and how many runs.
 */
function searchOutage(probes: Probe[]): { ms: number; outages: number } {
  let longest = 0;
  let outages = 0;
  let lastOk: number | undefined;
  let failing = false;
  for (const p of probes) {
    if (!p.ok) {
      if (!failing) outages += 1;
      failing = true;
      continue;
    }
    if (failing && lastOk !== undefined) longest = Math.max(longest, p.sent - lastOk);
    failing = false;
    lastOk = p.answered;
  }
  return { ms: longest, outages };
}

interface Figures {
  elapsedMs: number;
  searchOutageMs: number;
  searchOutages: number;
  /** Median round trip of a probe: the search figures' resolution. */
  probeMs: number;
  replicationOutageMs: number;
  anyFollowerOutageMs: number;
  maxLagDocs: number;
  maxLagMs: number;
  probes: number;
  failedProbes: number;
  report: MigrationReport;
}

function figures(load: Load, elapsedMs: number, report: MigrationReport): Figures {
  const s = load.samples;
  const followers = s[0]?.followers.length ?? 0;
  const perFollower = Array.from({ length: followers }, (_, i) => longestOutage(s, (x) => !x.followers[i]!.following));
  const search = searchOutage(load.probes);
  const maxLagDocs = Math.max(0, ...s.flatMap((x) => x.followers.map((f) => f.lag)));
  const maxLagMs = Math.max(0, ...s.flatMap((x) => x.followers.map((f) => f.lagMs)));
  const roundTrips = load.probes.map((p) => p.answered - p.sent).sort((a, b) => a - b);
  return {
    elapsedMs,
    searchOutageMs: search.ms,
    searchOutages: search.outages,
    probeMs: roundTrips[Math.floor(roundTrips.length / 2)] ?? NaN,
    replicationOutageMs: Math.max(0, ...perFollower.map((o) => o.ms)),
    anyFollowerOutageMs: longestOutage(s, (x) => x.followers.some((f) => !f.following)).ms,
    maxLagDocs,
    maxLagMs,
    probes: load.probes.length,
    failedProbes: load.probes.filter((p) => !p.ok).length,
    report,
  };
}

/** Sets up the certificate connection and its followers with `connect`, then measures the migration `migrate` runs. */
async function measure(
  sim: SimulatorHandle,
  connect: (request: ConnectionRequest) => Promise<void>,
  migrate: (request: MigrateRequest) => Promise<MigrationReport>,
): Promise<Figures> {
  const request = certificateConnection();
  await connect(request);
  const followed = await followThrough(sim, request, num('followers'), 10, 'bench');
  const local = await elasticsearchOf(sim, request.local.environment, request.local.deploymentId);
  const tickMs = num('tick');
  const load = new Load(sim, request, local, followed, tickMs);
  load.start();
  // A second of steady state first: the baseline before the migration.
  await new Promise((r) => setTimeout(r, 1000));
  const started = performance.now();
  let report: MigrationReport;
  try {
    report = await migrate(migration(request));
  } finally {
    await new Promise((r) => setTimeout(r, 1000));
    await load.stop();
  }
  return figures(load, performance.now() - started, report);
}

/** Every gate approved as soon as it opens (harness: a gate opens with its deadline timer). */
async function approveAllHarness(run: HarnessRun): Promise<unknown> {
  let timers = 0;
  for (;;) {
    await run.until((r) => r.status !== 'running' || r.entries('timer-started').length > timers);
    if (run.status !== 'running') return run.resultValue();
    timers = run.entries('timer-started').length;
    const gate = (await run.query<{ pendingGate?: { gate: StepId } }>(progressQuery.name)).pendingGate?.gate;
    if (gate) await run.update('approve', await signedApproval(run, gate, APPROVER));
  }
}

async function harnessMode(): Promise<Figures> {
  const sim = await startSimulator({ planDurationMs: num('plan'), latencyMs: num('latency') });
  const registry = createEnvironmentRegistry(resolveEnvironments(EnvironmentsFile.parse(structuredClone(sim.config))));
  const activities = createActivities({
    registry,
    sealer: createSealer(randomBytes(32)),
    approvals: POLICY,
  }) as unknown as ActivityImplementations;
  const harness = await WorkflowHarness.create(path.join(ROOT, 'workflows'));
  try {
    return await measure(
      sim,
      async (request) => {
        const run = await harness.start(CONNECTION_WORKFLOW, [request], {
          activities,
          workflowId: connectionId(request),
        });
        await run.resultValue();
      },
      async (request) => {
        const run = await harness.start(MIGRATE_WORKFLOW, [request], { activities, workflowId: connectionId(request) });
        return (await approveAllHarness(run)) as MigrationReport;
      },
    );
  } finally {
    await harness.destroy();
    await closeAllPools();
    await sim.close();
  }
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The production worker in its own process, configured as an operator would: a file (with the approval policy) and variables. */
async function startWorkerProcess(dir: string, address: string, sim: SimulatorHandle): Promise<ChildProcess> {
  const envFile = path.join(dir, 'environments.json');
  writeFileSync(
    envFile,
    JSON.stringify({
      environments: sim.config.environments,
      sealingKey: randomBytes(32).toString('base64'),
      approvals: POLICY,
    }),
    { mode: 0o600 },
  );
  const readyFile = path.join(dir, 'ready');
  const logFile = path.join(dir, 'worker.log');
  const child = spawn(process.execPath, [WORKER_MAIN, '--environments', envFile], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: 'default',
      CROSSLINK_WORKFLOW_CODE: 'prebuilt',
      CROSSLINK_READY_FILE: readyFile,
      CROSSLINK_LOG_LEVEL: 'warn',
      CROSSLINK_SHUTDOWN_GRACE_TIME: '2s',
    },
    stdio: ['ignore', openSync(logFile, 'w'), openSync(logFile, 'a')],
  });
  await until('the worker to poll', () => existsSync(readyFile) || child.exitCode !== null, 120_000);
  if (child.exitCode !== null)
    throw new Error(`the worker exited (${child.exitCode}): ${readFileSync(logFile, 'utf8')}`);
  return child;
}

/** Every gate approved with a signed update as soon as the run waits at it. */
async function approveAllServer(client: Client, workflowId: string, runId: string): Promise<unknown> {
  const handle = client.workflow.getHandle(workflowId, runId);
  const decided = new Set<string>();
  const done = handle.result();
  let finished = false;
  void done.finally(() => (finished = true)).catch(() => undefined);
  while (!finished) {
    const p = await handle.query(progressQuery).catch(() => undefined);
    const gate = p?.state === 'awaiting-approval' ? p.pendingGate?.gate : undefined;
    if (gate && !decided.has(gate)) {
      decided.add(gate);
      const run = { workflowId, runId, query: <T>(name: string) => handle.query<T>(name) };
      const { token } = await signedApproval(run, gate, APPROVER);
      await handle.executeUpdate(approveUpdate, { args: [{ gate, approver: APPROVER, token }] });
    } else {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return done;
}

async function freePort(from: number, to: number): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = from + Math.floor(Math.random() * (to - from));
    if (await isPortFree(port)) return port;
  }
  throw new Error(`no free port in ${from}-${to}`);
}

async function serverMode(): Promise<Figures> {
  if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} is missing: run npm run build first`);
  const cli = findTemporalCli();
  if (cli.kind === 'none') throw new Error(`${cli.reason}: set CROSSLINK_TEMPORAL_BIN`);
  const server = await startDevServer({ cli, port: await freePort(17000, 17999) });
  await ensureSearchAttributes(server.connection.operatorService, 'default');
  const sim = await startSimulator({ planDurationMs: num('plan'), latencyMs: num('latency') });
  const dir = mkdtempSync(path.join(tmpdir(), 'crosslink-bench-migrate-'));
  let worker: ChildProcess | undefined;
  try {
    worker = await startWorkerProcess(dir, server.address, sim);
    const client = server.client;
    return await measure(
      sim,
      async (request) => {
        const { workflowId, runId } = startedOrThrow(await startOrFind(client, { operation: 'connect', request }));
        await client.workflow.getHandle(workflowId, runId).result();
      },
      async (request) => {
        const { workflowId, runId } = startedOrThrow(await startOrFind(client, { operation: 'migrate', request }));
        return (await approveAllServer(client, workflowId, runId)) as MigrationReport;
      },
    );
  } finally {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker!.once('exit', r));
      worker.kill('SIGTERM');
      await exited;
    }
    await closeAllPools();
    await sim.close();
    await server.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(results: Array<[string, Figures]>): string {
  const header = ['figure', ...results.map(([name]) => name)];
  const ms = (v: number) => `${Math.round(v)} ms`;
  const rows: Array<[string, (f: Figures) => string]> = [
    ['migration elapsed (start to report)', (f) => ms(f.elapsedMs)],
    [
      'search interruption (last answer before failed probes to the next success)',
      (f) => `${ms(f.searchOutageMs)} (${f.searchOutages} outage(s))`,
    ],
    ['probes failed / sent (median round trip)', (f) => `${f.failedProbes} / ${f.probes} (${ms(f.probeMs)})`],
    ['replication interruption (longest per follower)', (f) => ms(f.replicationOutageMs)],
    ['some follower not following (longest window)', (f) => ms(f.anyFollowerOutageMs)],
    [
      'max follower lag: documents, and age of the oldest missing one',
      (f) => `${f.maxLagDocs} docs, ${ms(f.maxLagMs)}`,
    ],
    ['followers paused / resumed', (f) => `${f.report.paused.followers.length} / ${f.report.resumed.followers.length}`],
  ];
  const lines = [header, ...rows.map(([name, cell]) => [name, ...results.map(([, f]) => cell(f))])];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(lines[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.slice(1).map(line)].join(
    '\n',
  );
}

async function main(): Promise<void> {
  const mode = opts.mode!;
  if (!['harness', 'server', 'both'].includes(mode)) throw new Error('--mode is harness, server or both');
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(
    `migrate ${num('followers')} active followers (a document per leader and a replication round every ${num('tick')} ms); ` +
      `simulator: ${num('plan')} ms plans, ${num('latency')} ms per call; ${cpus().length} CPUs, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  const results: Array<[string, Figures]> = [];
  if (mode !== 'server') results.push(['harness (in-process)', await harnessMode()]);
  if (mode !== 'harness') results.push(['dev server + production worker', await serverMode()]);
  out('');
  out(table(results));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
