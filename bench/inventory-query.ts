/**
 * `npm run bench:inventory [-- --connections 200 --queries 50]`
 * How fast the inventory workflow answers `crosslink connections` for an estate of N connections,
 * on a real Temporal dev server with the production worker (workers/ startWorker, bundle from the
 * sources) and the real discovery activity reading the simulator. The simulator is seeded with N
 * API key connections from one local deployment to one remote (each: the four `cluster.remote.<alias>`
 * settings, the keystore credential, a cross-cluster key carrying crosslink's mark), so discovery
 * reads N connections as it would after N connects; they are seeded, not made by N connect runs.
 * Reports: the first discovery (the refresh activity), then per query of the inventory the
 * latency (min, median, p95, max) and the answer's size, and the same for the whole `crosslink
 * connections` command (describe + query + render).
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { apiKeyMetadata, apiKeyName, credentialsSetting } from '../activities/marks';
import { requestRefresh } from '../client/cli/inventory-client';
import { runCli } from '../client/cli/program';
import { createLogger } from '../common/logging';
import { INVENTORY_WORKFLOW_ID, InventoryView, connectionId } from '../domain';
import { startSimulator } from '../simulator';
import { type TopologyInput } from '../simulator/topology';
import { resolveTemporalTarget } from '../client/temporal-connection';
import { loadWorkerConfig } from '../workers/config';
import { startWorker } from '../workers/worker';
import { inventoryQuery } from '../workflows/messages';
import { startTestServer } from '../test/server/temporal-server';

const program = new Command('bench:inventory')
  .description('the inventory query for N connections on a real Temporal server')
  .option('--connections <n>', 'connections in the estate', '200')
  .option('--queries <n>', 'queries to time', '50')
  .parse();
const opts = program.opts<{ connections: string; queries: string }>();
const N = Number(opts.connections);
const QUERIES = Number(opts.queries);

const LOCAL = 'a9000000000000000000000000000001';
const REMOTE = 'b9000000000000000000000000000001';
const TASK_QUEUE = 'crosslink-bench-inventory';

/** The simulator's endpoint rule (simulator/build.ts): `c1` + 30 hex of SHA-256 of the id, then the environment. */
function endpointOf(id: string, environment: string): string {
  return `c1${createHash('sha256').update(id).digest('hex').slice(0, 30)}.${environment}.ece.local`;
}

function seededTopology(n: number): TopologyInput {
  const endpoint = endpointOf(REMOTE, 'ece-b');
  const settings: Record<string, unknown> = {};
  const keystore: Record<string, string> = {};
  const keys = [];
  for (let i = 1; i <= n; i++) {
    const alias = `bench-${i}`;
    const id = connectionId({ local: { environment: 'ece-a', deploymentId: LOCAL }, alias });
    const keyId = `benchkey${String(i).padStart(6, '0')}`;
    const secret = randomBytes(16).toString('hex');
    Object.assign(settings, {
      [`cluster.remote.${alias}.mode`]: 'proxy',
      [`cluster.remote.${alias}.proxy_address`]: `${endpoint}:9443`,
      [`cluster.remote.${alias}.server_name`]: endpoint,
      [`cluster.remote.${alias}.skip_unavailable`]: true,
    });
    keystore[credentialsSetting(alias)] = Buffer.from(`${keyId}:${secret}`).toString('base64');
    keys.push({
      id: keyId,
      name: apiKeyName(alias, id),
      type: 'cross_cluster' as const,
      key: secret,
      metadata: apiKeyMetadata(id, LOCAL, alias, { workflowId: id, runId: 'seeded' }),
    });
  }
  return {
    environments: {
      'ece-a': {
        proxyCa: 'public',
        deployments: [{ id: LOCAL, name: 'local-9', version: '9.1.3', persistentSettings: settings, keystore }],
      },
      'ece-b': {
        proxyCa: 'public',
        deployments: [{ id: REMOTE, name: 'remote-9', version: '9.1.3', apiKeys: keys }],
      },
    },
  };
}

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return `min ${s[0]!.toFixed(1)}, median ${at(0.5).toFixed(1)}, p95 ${at(0.95).toFixed(1)}, max ${s.at(-1)!.toFixed(1)} ms`;
}

async function main(): Promise<void> {
  const server = await startTestServer();
  const simulator = await startSimulator({ topology: seededTopology(N) });
  const config = loadWorkerConfig({
    data: { ...simulator.config, sealingKey: randomBytes(32).toString('base64') },
    env: {},
  });
  const worker = await startWorker({
    config,
    target: resolveTemporalTarget({ env: { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: server.namespace } }),
    taskQueue: TASK_QUEUE,
    workflowCode: 'source',
    logger: createLogger({ name: 'worker', level: 'error', secrets: config.secrets }),
  });
  try {
    const { client } = server;
    const handle = client.workflow.getHandle(INVENTORY_WORKFLOW_ID);
    const t0 = performance.now();
    await requestRefresh(client, { reason: 'bench', requestId: 'bench-1' }, TASK_QUEUE);
    let view: InventoryView;
    for (;;) {
      // Until the worker picked the new workflow up, the query has nobody to answer it.
      const raw = await handle.query(inventoryQuery, {}).catch(() => undefined);
      view = InventoryView.parse(raw ?? { generation: 0, reasons: [], pending: 0, served: [] });
      if (view.served.includes('bench-1')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const discoveryMs = performance.now() - t0;
    const inv = view.inventory!;
    const health = (h: string) => inv.connections.filter((c) => c.health.status === h).length;
    const found = inv.connections.length;

    const queryMs: number[] = [];
    let bytes = 0;
    for (let i = 0; i < QUERIES; i++) {
      const start = performance.now();
      const answer = await handle.query(inventoryQuery, {});
      queryMs.push(performance.now() - start);
      bytes = JSON.stringify(answer).length;
    }
    const cliMs: number[] = [];
    for (let i = 0; i < Math.min(QUERIES, 20); i++) {
      const out: string[] = [];
      const ctx = {
        out: (t: string) => void out.push(t),
        err: () => undefined,
        isTTY: false,
        target: () => resolveTemporalTarget({ env: { TEMPORAL_ADDRESS: server.address } }),
        client: async () => client,
        readFile: () => '',
        now: () => new Date(),
        sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
      };
      const start = performance.now();
      const code = await runCli(['connections'], ctx);
      cliMs.push(performance.now() - start);
      if (code !== 0) throw new Error(`crosslink connections exited ${code}`);
    }
    const rows: Array<[string, string]> = [
      [
        'estate',
        `${found} connections discovered (${health('connected')} connected, ${health('degraded')} degraded, ${health('broken')} broken), seeded ${N}`,
      ],
      ['first discovery (refresh, real activity)', `${discoveryMs.toFixed(0)} ms`],
      [`inventory query x${QUERIES}`, stats(queryMs)],
      ['query answer size', `${(bytes / 1024).toFixed(0)} KiB`],
      [`crosslink connections x${cliMs.length}`, stats(cliMs)],
    ];
    process.stdout.write(
      `load average (1, 5, 15 min) at the end: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(', ')}; ${cpus().length} CPUs\n`,
    );
    for (const [what, value] of rows) process.stdout.write(`${what.padEnd(42)} | ${value}\n`);
  } finally {
    await worker.shutdown();
    await simulator.close();
    await server.teardown();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
