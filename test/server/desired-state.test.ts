/**
 * Connections as code on a real Temporal server, through the CLI as an operator runs it: `crosslink
 * plan -f` of an empty estate is N creates (exit 2); `crosslink apply -f` connects them (each as its
 * own connect run under its connection id); the plan then has no changes (exit 0) and applying
 * again starts nothing; editing one connection's access is one update with its diff (its run waits
 * at the api-key gate); removing one with --prune is one disconnect; a saved plan the estate no
 * longer matches is refused, saying what changed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { type WorkflowHandle } from '@temporalio/client';
import {
  type ApplyStatus,
  type ConnectionInventory,
  INVENTORY_WORKFLOW_ID,
  OPERATION_SEARCH_ATTRIBUTES,
  TASK_QUEUE,
  connectionId,
} from '../../domain';
import { runCli } from '../../client/cli/program';
import { updateCrossClusterApiKey } from '../../activities/elasticsearch/api-keys';
import { elasticsearchResource, getDeployment } from '../../activities/ece/deployments';
import { createEnvironmentRegistry, resolveEnvironments } from '../../activities/environments';
import { EnvironmentsFile } from '../../domain';
import { DEFAULT_IDS } from '../../simulator/api';
import { recordingContext } from '../client/cli-context';
import { type CrosslinkSuite, type Scenario, startCrosslinkSuite } from './crosslink';
import { APPROVER, REQUESTER } from './requests';
import { approve, eventually, untilAwaiting } from './runs';
import { describeIfServer } from './temporal-server';

const LOCAL = DEFAULT_IDS.a815;

/** The file an operator keeps: two API key connections from one deployment, without gates of their own. */
function file(connections: Declared[]): string {
  return [
    'version: 1',
    `requestedBy: ${REQUESTER}`,
    'connections:',
    ...connections.flatMap((c) => [
      `  - local: { environment: ece-a, deploymentId: ${LOCAL} }`,
      `    remote: { environment: ece-b, deploymentId: ${c.remote} }`,
      `    alias: ${c.alias}`,
      '    model: api_key',
      '    access:',
      '      search:',
      `        - names: [${c.names.map((n) => `"${n}"`).join(', ')}]`,
      '    gates: []',
    ]),
    '',
  ].join('\n');
}

interface Declared {
  alias: string;
  remote: string;
  names: string[];
}
const LOGS: Declared = { alias: 'logs-b', remote: DEFAULT_IDS.b9, names: ['logs-*'] };
const METRICS: Declared = { alias: 'metrics-b', remote: DEFAULT_IDS.b815, names: ['metrics-*'] };
const id = (alias: string) => connectionId({ local: { environment: 'ece-a', deploymentId: LOCAL }, alias });

describeIfServer('connections as code on a real server: plan, apply, plan again, edit, prune', () => {
  let suite: CrosslinkSuite;
  let scenario: Scenario;
  let dir: string;
  const connectionsFile = () => join(dir, 'connections.yaml');

  beforeAll(async () => {
    suite = await startCrosslinkSuite('desired');
    const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
    await suite.server.client.connection.operatorService.addSearchAttributes({
      namespace: suite.server.namespace,
      searchAttributes: Object.fromEntries(Object.values(OPERATION_SEARCH_ATTRIBUTES).map((n) => [n, keyword])),
    });
    // The CLI starts on its own task queue: this suite's worker polls it.
    scenario = await suite.scenario({ taskQueue: TASK_QUEUE });
    dir = mkdtempSync(join(tmpdir(), 'crosslink-desired-'));
  });
  afterAll(async () => {
    await suite.server.client.workflow
      .getHandle(INVENTORY_WORKFLOW_ID)
      .terminate('suite ends')
      .catch(() => undefined);
    await suite?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** `crosslink <args>` against the suite's server, with real time and real files. */
  async function crosslink(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    const ctx = {
      ...recordingContext(suite.server.client),
      now: () => new Date(),
      sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
      readFile: (path: string) => readFileSync(path, 'utf8'),
    };
    const code = await runCli(args, ctx);
    return { code, out: ctx.stdout.join('\n'), err: ctx.stderr.join('\n') };
  }

  function write(connections: Declared[]): void {
    writeFileSync(connectionsFile(), file(connections));
  }

  /** Approves the gate a run of the connection waits at (the apply's child), once it waits there. */
  async function approveChild(alias: string, gate: 'api-key' | 'register-remote'): Promise<void> {
    const handle = suite.server.client.workflow.getHandle(id(alias));
    await eventually(`${alias} waits at ${gate}`, async () => {
      const p = await untilAwaiting(handle as WorkflowHandle, gate);
      return p.pendingGate?.gate === gate ? true : undefined;
    });
    await approve(handle as WorkflowHandle, gate, APPROVER);
  }

  async function applyResult(planId: string): Promise<ApplyStatus> {
    return (await suite.server.client.workflow.getHandle(`crosslink-apply.${planId}`).result()) as ApplyStatus;
  }

  async function connections(): Promise<ConnectionInventory['connections']> {
    const { code, out } = await crosslink('connections', '--refresh', '--json');
    expect(code).toBe(0);
    return (JSON.parse(out) as ConnectionInventory).connections.filter((c) => c.class === 'connection');
  }

  it('plan of an empty estate is N creates (exit 2); apply connects them; the plan is then empty (exit 0)', async () => {
    write([LOGS, METRICS]);
    const plan = await crosslink('plan', '-f', connectionsFile());
    expect(plan.err).not.toMatch(/crosslink: /);
    expect(plan.code).toBe(2);
    expect(plan.out).toContain(`+ create ${id('logs-b')}`);
    expect(plan.out).toContain(`+ create ${id('metrics-b')}`);
    expect(plan.out).toContain('Plan: 2 to create, 0 to update access, 0 to rotate, 0 to migrate, 0 to disconnect');

    const applied = await crosslink('apply', '-f', connectionsFile(), '--follow');
    expect(applied.err).not.toMatch(/crosslink: /);
    expect(applied.code).toBe(0);
    expect(applied.out).toMatch(
      /Apply crosslink-apply\.\S+ of plan \S+ \(ended\), requested by automation: 2\/2 action\(s\) done/,
    );
    expect((await connections()).map((c) => c.alias).sort()).toEqual(['logs-b', 'metrics-b']);

    const again = await crosslink('plan', '-f', connectionsFile());
    expect(again.code).toBe(0);
    expect(again.out).toContain('No changes: the estate is as the file declares.');
    const reapplied = await crosslink('apply', '-f', connectionsFile());
    expect(reapplied.code).toBe(0);
    expect(reapplied.out).toContain('No changes to apply: nothing was started.');
  });

  it('editing one connection’s access is one update with its diff, behind the api-key gate', async () => {
    write([{ ...LOGS, names: ['logs-*', 'metrics-*'] }, METRICS]);
    const saved = join(dir, 'plan.json');
    const plan = await crosslink('plan', '-f', connectionsFile(), '--out', saved);
    expect(plan.code).toBe(2);
    expect(plan.out).toContain(`~ update-access ${id('logs-b')}`);
    expect(plan.out).toContain('access.search[0].names: ["logs-*"] -> ["logs-*","metrics-*"]');
    expect(plan.out).toContain('Plan: 0 to create, 1 to update access');
    // What the api-key gate of its run would approve, read by the worker now.
    expect(plan.out).toContain('Change the gate "api-key" lets through');
    expect(plan.out).toMatch(/PUT \/_security\/cross_cluster\/api_key\/\S+ {2}\(elasticsearch ece-b\//);
    const planId = (JSON.parse(readFileSync(saved, 'utf8')) as { id: string }).id;

    const applied = await crosslink('apply', saved);
    expect(applied.code).toBe(0);
    await approveChild('logs-b', 'api-key');
    expect((await applyResult(planId)).connections).toEqual([
      expect.objectContaining({
        connectionId: id('logs-b'),
        actions: [expect.objectContaining({ kind: 'update-access', state: 'done' })],
      }),
    ]);
    const logs = (await connections()).find((c) => c.alias === 'logs-b')!;
    expect(logs.keys.find((k) => k.active)?.access).toMatchObject({ search: [{ names: ['logs-*', 'metrics-*'] }] });
    expect((await crosslink('plan', '-f', connectionsFile())).code).toBe(0);
  });

  it('a saved plan the estate no longer matches is refused, naming what changed; nothing starts', async () => {
    write([{ ...LOGS, names: ['logs-*'] }, METRICS]);
    const saved = join(dir, 'stale.json');
    expect((await crosslink('plan', '-f', connectionsFile(), '--out', saved)).code).toBe(2);
    // A change by hand after the plan: the key's access, edited in Elasticsearch itself.
    const logs = (await connections()).find((c) => c.alias === 'logs-b')!;
    const registry = createEnvironmentRegistry(resolveEnvironments(EnvironmentsFile.parse(scenario.simulator.config)));
    const ece = registry.ece('ece-b');
    const { deployment } = await getDeployment(ece, DEFAULT_IDS.b9);
    const es = elasticsearchResource(ece, deployment, deployment.resources.elasticsearch[0]!.ref_id);
    const client = registry.elasticsearch('ece-b', DEFAULT_IDS.b9, es.info.metadata.service_url);
    await updateCrossClusterApiKey(client, logs.keys.find((k) => k.active)!.id, {
      access: { search: [{ names: ['by-hand-*'] }] },
    });
    const applied = await crosslink('apply', saved, '--follow');
    expect(applied.code).toBe(9);
    expect(applied.out).toContain('the estate changed since the plan was made; nothing was started');
    expect(applied.out).toContain(
      'keys[0].access.search[0].names: ["logs-*","metrics-*"] when planned, ["by-hand-*"] now',
    );
  });

  it('removing one with --prune is one disconnect; without --prune it is kept', async () => {
    // logs-b as the hand-made change left it: only metrics-b differs from the file.
    write([{ ...LOGS, names: ['by-hand-*'] }]);
    const kept = await crosslink('plan', '-f', connectionsFile());
    expect(kept.out).toContain(`? not declared (kept; --prune disconnects): ${id('metrics-b')}`);
    const saved = join(dir, 'prune.json');
    const plan = await crosslink('plan', '-f', connectionsFile(), '--prune', '--out', saved);
    expect(plan.code).toBe(2);
    expect(plan.out).toContain(`- disconnect ${id('metrics-b')}`);
    expect(plan.out).toContain('Change the gate "register-remote" lets through');
    expect(plan.out).toMatch(/to update access, 0 to rotate, 0 to migrate, 1 to disconnect/);
    const planId = (JSON.parse(readFileSync(saved, 'utf8')) as { id: string }).id;
    expect((await crosslink('apply', saved)).code).toBe(0);
    await approveChild('metrics-b', 'register-remote');
    expect((await applyResult(planId)).connections[0]!.actions[0]).toMatchObject({ kind: 'disconnect', state: 'done' });
    expect((await connections()).map((c) => c.alias)).toEqual(['logs-b']);
  });
});
