/**
 * `npm run bench [-- --latency 20 --plan 500 --plan-poll 50 --runs 3 --concurrent 50 --scale 10]`
 * Runs connections on the simulator in the server-less harness with the real activities and prints
 * one table: elapsed time vs critical path, API calls vs the minimum, workflow CPU per connection,
 * and N concurrent connections (total time, throughput, peak RSS). docs/proof.md defines each figure.
 * The concurrent runs happen in a child process (bench/concurrent-process.ts) with the simulator in
 * another (bench/simulator-process.ts), so each one's memory is measured on its own.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { bundleWorkflows } from '../test/harness/sdk-internals';
import { WorkflowHarness } from '../test/harness/workflow-harness';
import { apiKeyRequest, certificateRequest } from '../test/proof/support/requests';
import { type ConcurrentResult } from './concurrent';
import { WorkflowCpu } from './cpu';
import { API_KEY_PATH, CERTIFICATE_PATH } from './minimum';
import { type BenchSettings, type SingleResult, median, runSingle } from './single';

const program = new Command('bench')
  .description('crosslink benchmark on the simulator (server-less harness, real activities)')
  .option('--latency <ms>', 'latency the simulator adds to every API call', '20')
  .option('--plan <ms>', 'how long an ECE plan runs', '500')
  .option('--plan-poll <ms>', 'how often an activity polls a pending plan', '25')
  .option('--runs <n>', 'measured single-connection runs per model (the median is reported)', '3')
  .option('--concurrent <n>', 'connections run at once: one local deployment to N remotes', '50')
  .option('--scale <n>', 'a smaller concurrent run to compare with, for the scaling check', '10')
  .parse();

const opts = program.opts<Record<string, string>>();
const num = (name: string) => {
  const v = Number(opts[name]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a non-negative number`);
  return v;
};

async function main(): Promise<void> {
  const settings: BenchSettings = { latencyMs: num('latency'), planMs: num('plan'), planPollMs: num('planPoll') };
  const runs = Math.max(1, Math.round(num('runs')));
  // One webpack bundle, as `npm run bundle` makes for a production worker; every harness loads it.
  const code = await bundleWorkflows(path.resolve(__dirname, '../workflows'));
  const bundleDir = mkdtempSync(path.join(tmpdir(), 'crosslink-bench-'));
  const bundlePath = path.join(bundleDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  const harness = await WorkflowHarness.create({ code });
  const cpu = await WorkflowCpu.create({ code });
  const rows: string[][] = [];
  try {
    const models = [
      { name: 'API key (a815 -> b9)', request: apiKeyRequest, path: API_KEY_PATH },
      { name: 'certificate (a815 -> b815)', request: certificateRequest, path: CERTIFICATE_PATH },
    ];
    for (const model of models) {
      await runSingle(harness, cpu, model.request(), model.path, settings); // warm-up: JIT, TLS, bundle caches
      const results: SingleResult[] = [];
      for (let i = 0; i < runs; i++) results.push(await runSingle(harness, cpu, model.request(), model.path, settings));
      const m = (f: (r: SingleResult) => number) => median(results.map(f));
      const calls = m((r) => r.eceCalls + r.esCalls);
      const ratio = m((r) => r.elapsedMs / r.criticalPathMs);
      rows.push(
        [
          model.name,
          'elapsed / critical path',
          `${fmt(m((r) => r.elapsedMs))} / ${fmt(results[0]!.criticalPathMs)} ms`,
          ratio.toFixed(2),
          '<= 1.1',
          verdict(ratio <= 1.1),
        ],
        [
          model.name,
          'API calls (ECE + ES) / minimum',
          `${fmt(m((r) => r.eceCalls))} + ${fmt(m((r) => r.esCalls))} = ${fmt(calls)} / ${results[0]!.minimumCalls}`,
          (calls / results[0]!.minimumCalls).toFixed(2),
          '<= 1.10',
          verdict(calls / results[0]!.minimumCalls <= 1.1),
        ],
        [model.name, 'real time with no activity running', `${fmt(m((r) => r.outsideActivitiesMs))} ms`, '', '', ''],
        [
          model.name,
          'workflow CPU per connection',
          `${m((r) => r.cpuMs).toFixed(1)} ms in ${fmt(m((r) => r.activations))} activations`,
          '',
          '',
          '',
        ],
      );
    }
    cpu.recording = false;
  } finally {
    await harness.destroy();
    await cpu.destroy();
  }
  try {
    const scale = Math.round(num('scale'));
    const concurrent = Math.round(num('concurrent'));
    const sizes = scale > 0 && scale < concurrent ? [scale, concurrent] : [concurrent];
    const results = await runConcurrentProcess(settings, sizes, bundlePath);
    const small = results.length > 1 ? results[0] : undefined;
    const large = results[results.length - 1]!;
    for (const r of [small, large].filter((x): x is ConcurrentResult => !!x)) {
      rows.push(
        [
          `${r.connections} concurrent`,
          'connected',
          `${r.connected} / ${r.connections}`,
          '',
          `${r.connections}`,
          verdict(r.connected === r.connections),
        ],
        [
          `${r.connections} concurrent`,
          'total time, throughput',
          `${fmt(r.totalMs)} ms, ${r.perSecond.toFixed(1)} connections/s`,
          '',
          '',
          '',
        ],
        [`${r.connections} concurrent`, 'API calls per connection', (r.calls / r.connections).toFixed(1), '', '', ''],
        [
          `${r.connections} concurrent`,
          'peak RSS (worker: harness + activities)',
          `${r.peakRssMb.toFixed(0)} MB (${r.startRssMb.toFixed(0)} MB before the run)`,
          '',
          '< 300 MB',
          verdict(r.peakRssMb < 300),
        ],
        [
          `${r.connections} concurrent`,
          'peak RSS (simulator process)',
          `${r.simulatorPeakRssMb.toFixed(0)} MB`,
          '',
          '',
          '',
        ],
      );
    }
    if (small) {
      // Linear scaling: N times the connections take at most N times as long (per-connection time does not grow).
      const growth = large.totalMs / large.connections / (small.totalMs / small.connections);
      rows.push([
        `${small.connections} -> ${large.connections}`,
        'time per connection, ratio',
        `${fmt(small.totalMs / small.connections)} -> ${fmt(large.totalMs / large.connections)} ms`,
        growth.toFixed(2),
        '<= 1 (linear)',
        verdict(growth <= 1.05),
      ]);
    }
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
  }
  const header = ['scenario', 'figure', 'measured', 'ratio', 'aim', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((v, i) => v.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd();
  process.stdout.write(
    [
      `crosslink bench: latency ${settings.latencyMs} ms per call, plans ${settings.planMs} ms, plan poll ${settings.planPollMs} ms, ${runs} runs per model (median)`,
      line(header),
      widths.map((w) => '-'.repeat(w)).join('-|-'),
      ...rows.map(line),
      '',
    ].join('\n'),
  );
}

/** The concurrent runs in a child process of their own (bench/concurrent-process.ts). */
function runConcurrentProcess(
  settings: BenchSettings,
  sizes: number[],
  bundlePath: string,
): Promise<ConcurrentResult[]> {
  const child = fork(path.join(__dirname, 'concurrent-process.ts'), [JSON.stringify({ settings, sizes, bundlePath })], {
    execArgv: [...process.execArgv, '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let results: ConcurrentResult[] | undefined;
    child.on('message', (m) => (results = (m as { results: ConcurrentResult[] }).results));
    child.once('exit', (code) =>
      results ? resolve(results) : reject(new Error(`the concurrent bench process exited (${code})`)),
    );
  });
}

const fmt = (n: number) => Math.round(n).toString();
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
