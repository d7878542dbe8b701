/**
 * `npx tsx scripts/record-histories.ts [outDir] [--only <scenario>[,<scenario>...]]`: records the workflow histories the replay suite
 * (test/replay) replays. Starts a Temporal dev server the way the real-server suites do
 * (TEMPORAL_ADDRESS, CROSSLINK_TEMPORAL_BIN, `temporal` on PATH or in the Go bin folder), then per
 * scenario a fresh simulator and a worker with the real workflow bundle and activities, the suites'
 * approval policy and (where the scenario says) a notification sink on loopback; drives the run,
 * checks it closed as expected (and that a sink received its notifications), audits the history
 * for every secret the run could have leaked and writes it. outDir defaults to test/replay/histories/<package.json version>/.
 * `--only` records the scenarios named and merges them into the folder's manifest (each noting the
 * commit it was recorded from), leaving the other histories as they are.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { closeAllPools, createActivities } from '../activities';
import { createEnvironmentRegistry, resolveEnvironments } from '../activities/environments';
import { type Sealer, createSealer } from '../activities/secrets/sealing';
import { type ResolvedNotificationSink } from '../activities/notifications';
import { generateWebhookSecret } from '../common/webhook-signature';
import { type NotificationSink, createNotificationSink } from '../client/notifications/sink';
import { CONNECTION_WORKFLOW, DesiredStateConfig, EnvironmentsFile } from '../domain';
import { startSimulator } from '../simulator';
import { historyToJSON } from '../test/harness/sdk-internals';
import { configuredSecrets, createdKeySecrets, findSecrets, sealingKeySecrets } from '../test/proof/support/secrets';
import { PLAN_DURATION_MS, SERVER_POLICY } from '../test/server/crosslink';
import { type TestServer, startTestServer } from '../test/server/temporal-server';
import {
  HISTORIES_ROOT,
  MANIFEST_FILE,
  type Manifest,
  type ManifestEntry,
  closingEventType,
  decodedHistoryText,
  forbiddenFields,
} from '../test/replay/histories';
import { type RecordingScenario, SCENARIOS } from '../test/replay/scenarios';

const ROOT = resolve(__dirname, '..');
/** Short polls keep each run within seconds (as in the real-server suites). */
const ACTIVITY_TIMING = {
  planPollMs: 25,
  verifyPollMs: 25,
  verifyMaxPollMs: 200,
  credentialsWaitMs: 5_000,
  credentialsPollMs: 25,
};
const STATUS: Record<ManifestEntry['closedAs'], string> = {
  completed: 'COMPLETED',
  failed: 'FAILED',
  canceled: 'CANCELLED',
  'continued-as-new': 'CONTINUED_AS_NEW',
};

function packageVersion(name: string): string {
  const file = name === 'crosslink' ? join(ROOT, 'package.json') : require.resolve(`${name}/package.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** The commit recorded from, and whether the bundled sources (workflows/, domain/) differ from it. */
function sourceCommit(): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  try {
    const head = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--', 'workflows', 'domain')
      ? `${head} with uncommitted workflow changes`
      : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/** The sealer the worker uses, tapped so the audit knows every plaintext that was sealed. */
function tappedSealer(key: Buffer, sealed: string[]): Sealer {
  const real = createSealer(key);
  return {
    kid: real.kid,
    seal(plaintext, associatedData) {
      sealed.push(plaintext);
      return real.seal(plaintext, associatedData);
    },
    unseal: (s, associatedData) => real.unseal(s, associatedData),
  };
}

/** The loopback receiver of the scenarios that have a notification sink, and the worker's view of it. */
interface Notifications {
  sink: NotificationSink;
  resolved: ResolvedNotificationSink;
}

async function record(
  server: TestServer,
  bundle: WorkflowBundleWithSourceMap,
  notifications: Notifications,
  scenario: RecordingScenario,
  outDir: string,
): Promise<ManifestEntry> {
  const simulator = await startSimulator({ planDurationMs: PLAN_DURATION_MS });
  const sealingKey = randomBytes(32);
  const sealed: string[] = [];
  const registry = createEnvironmentRegistry(resolveEnvironments(EnvironmentsFile.parse(simulator.config)));
  const taskQueue = `crosslink-record-${scenario.name}`;
  // The reconcile's declared state: a file the worker reads (a temporary one, removed afterwards).
  const desiredStateFile = scenario.desiredStateFile ? writeDesiredState(scenario.desiredStateFile) : undefined;
  const worker = await Worker.create({
    connection: server.nativeConnection,
    namespace: server.namespace,
    taskQueue,
    workflowBundle: bundle,
    activities: createActivities({
      registry,
      sealer: tappedSealer(sealingKey, sealed),
      approvals: SERVER_POLICY,
      timing: ACTIVITY_TIMING,
      ...(scenario.notifications ? { notifications: notifications.resolved } : {}),
      ...(desiredStateFile ? { desiredState: DesiredStateConfig.parse({ source: { file: desiredStateFile } }) } : {}),
    }),
    shutdownGraceTime: '5s',
    identity: 'crosslink-history-recorder',
  });
  const running = worker.run();
  try {
    const handle = await scenario.start({ client: server.client, taskQueue, simulator });
    await scenario.drive(handle, server.client);
    await handle.result().catch(() => undefined);

    const described = await handle.describe();
    if (described.type !== scenario.workflowType) {
      throw new Error(`${scenario.name}: the run is a ${described.type}, expected ${scenario.workflowType}`);
    }
    const status = described.status.name;
    if (status !== STATUS[scenario.closedAs]) {
      throw new Error(`${scenario.name}: the run closed ${status}, expected ${STATUS[scenario.closedAs]}`);
    }
    const notified = notifications.sink.received.filter((r) => r.notification.runId === described.runId);
    if (scenario.notifications && scenario.workflowType === CONNECTION_WORKFLOW && notified.length === 0) {
      throw new Error(`${scenario.name}: the sink received no notification from the run`);
    }
    const json = historyToJSON(await handle.fetchHistory());
    const history = JSON.parse(json) as { events: Array<{ eventType?: string }> };
    const last = history.events.at(-1)?.eventType;
    if (last !== closingEventType(scenario.closedAs)) throw new Error(`${scenario.name}: history ends with ${last}`);

    const text = decodedHistoryText(history);
    const secrets = [
      ...configuredSecrets(simulator),
      ...sealingKeySecrets(sealingKey),
      ...createdKeySecrets(sealed),
      { label: 'notification sink signing secret', value: notifications.resolved.signingSecret },
    ];
    const leaked = [...findSecrets(text, secrets), ...forbiddenFields(text)];
    if (leaked.length > 0) throw new Error(`${scenario.name}: the history holds secrets: ${leaked.join(', ')}`);

    writeFileSync(join(outDir, `${scenario.name}.json`), `${json}\n`);
    process.stdout.write(
      `${scenario.name} (${described.type}): ${history.events.length} events, closed ${scenario.closedAs}, ` +
        `${notified.length} notification(s); ` +
        `audited ${secrets.length} secrets (${sealed.length} sealed), none found\n`,
    );
    return {
      scenario: scenario.name,
      description: scenario.description,
      workflowType: described.type,
      workflowId: handle.workflowId,
      closedAs: scenario.closedAs,
      events: history.events.length,
      ...(scenario.notifications ? { notifications: notified.length } : {}),
    };
  } finally {
    worker.shutdown();
    await running.catch(() => undefined);
    await closeAllPools();
    await simulator.close();
    if (desiredStateFile) rmSync(dirname(desiredStateFile), { recursive: true, force: true });
  }
}

function writeDesiredState(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'crosslink-record-desired-')), 'connections.yaml');
  writeFileSync(file, text);
  return file;
}

/** The folder's manifest with the runs just recorded put in place of (or after) their earlier recordings. */
function merged(outDir: string, recorded: ManifestEntry[]): Manifest {
  const existing = JSON.parse(readFileSync(join(outDir, MANIFEST_FILE), 'utf8')) as Manifest;
  const commit = sourceCommit();
  const fresh = recorded.map((r) => (commit === existing.commit ? r : { ...r, commit }));
  const runs = existing.runs.map((r) => fresh.find((f) => f.scenario === r.scenario) ?? r);
  runs.push(...fresh.filter((f) => !existing.runs.some((r) => r.scenario === f.scenario)));
  return { ...existing, runs };
}

function readme(manifest: Manifest, outDir: string): string {
  return [
    `# Recorded workflow histories: crosslink ${manifest.crosslinkVersion}`,
    '',
    `Recorded from commit \`${manifest.commit}\` with Temporal TypeScript SDK ${manifest.temporalSdk}`,
    'by `scripts/record-histories.ts` on a `temporal server start-dev` server, with the real worker,',
    'activities and simulator. `manifest.json` lists each run, its workflow type and id, how it',
    'closed and, for runs whose worker had a notification sink, how many notifications it received.',
    "Decisions were signed with the test approvers' keys and checked against the approval policy of",
    'the real-server suites. Every history was audited for the simulator credentials, the sealing',
    'key, the notification signing secret and every sealed plaintext before it was written.',
    '',
    ...manifest.runs.map((r) => {
      const sink = r.notifications === undefined ? '' : `; notification sink: ${r.notifications} received`;
      const commit = r.commit ? `; recorded from \`${r.commit}\`` : '';
      return `- \`${r.scenario}.json\` (\`${r.workflowType}\`): ${r.description} (${r.events} events${sink}${commit}).`;
    }),
    '',
    'Re-record (keep this folder while a run of this version can still be open):',
    '',
    '```sh',
    `CROSSLINK_TEMPORAL_BIN=/path/to/temporal npx tsx scripts/record-histories.ts ${relative(ROOT, outDir)}`,
    '```',
    '',
  ].join('\n');
}

/** `--only a,b`: the scenarios to record (all when absent). */
function onlyScenarios(args: string[]): Set<string> | undefined {
  const at = args.indexOf('--only');
  if (at < 0) return undefined;
  const names = new Set((args[at + 1] ?? '').split(',').filter(Boolean));
  const unknown = [...names].filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (names.size === 0 || unknown.length)
    throw new Error(`--only: unknown or missing scenario(s) ${[...unknown].join(', ')}`);
  return names;
}

async function main(): Promise<void> {
  const version = packageVersion('crosslink');
  const args = process.argv.slice(2);
  const only = onlyScenarios(args);
  const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--only');
  const outDir = resolve(positional[0] ?? join(HISTORIES_ROOT, version));
  mkdirSync(outDir, { recursive: true });
  const noop = () => undefined;
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop },
  });
  const signingSecret = generateWebhookSecret();
  const sink = createNotificationSink({ secret: signingSecret, print: () => undefined });
  const { url } = await sink.listen(0, '127.0.0.1');
  const server = await startTestServer();
  const runs: ManifestEntry[] = [];
  try {
    for (const scenario of SCENARIOS.filter((s) => !only || only.has(s.name))) {
      runs.push(await record(server, bundle, { sink, resolved: { url, signingSecret } }, scenario, outDir));
    }
  } finally {
    await server.teardown();
    await sink.close();
  }
  const manifest: Manifest = only
    ? merged(outDir, runs)
    : {
        crosslinkVersion: version,
        commit: sourceCommit(),
        temporalSdk: packageVersion('@temporalio/worker'),
        runs,
      };
  writeFileSync(join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(outDir, 'README.md'), readme(manifest, outDir));
  process.stdout.write(`${runs.length} histories written to ${outDir}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`recording failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
