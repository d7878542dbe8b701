/**
 * Issue 18, item 1: what discovery finds after each way a run can end, on the simulator (which, as
 * Elasticsearch does, keeps invalidated keys and their metadata for the retention period), with
 * real connect and disconnect runs in the harness and Temporal's view of them (the real-server
 * suite reads the real one):
 * - a rejection (rolled back) and a disconnect leave residue: not listed as a connection, no drift,
 *   no notification;
 * - a terminated run leaves a leftover, listed with the run, what is left and the disconnect command;
 * - a key invalidated by hand on a live connection is a broken connection with drift (and notifies);
 * - a run open on the connection id makes it in progress, which the audit leaves to that run.
 */
import { type ApplicationFailure } from '@temporalio/common';
import {
  AUDIT_WORKFLOW,
  AuditOptions,
  type AuditReport,
  CONNECTION_WORKFLOW,
  type ConnectionInventory,
  DISCONNECT_WORKFLOW,
  type ManagedConnection,
  auditReport,
  connectionId,
} from '../../domain';
import { elasticsearchResource, getDeployment } from '../../activities/ece/deployments';
import { invalidateApiKeys } from '../../activities/elasticsearch/api-keys';
import { createEnvironmentRegistry, resolveEnvironments } from '../../activities/environments';
import { EnvironmentsFile } from '../../domain';
import { DEFAULT_IDS } from '../../simulator/api';
import { pendingChange, sign, signedApproval } from '../harness/approvers';
import { type ActivityImplementations, type HarnessRun } from '../harness/workflow-harness';
import { type RunFact, discoverWith, temporalRuns } from '../lifecycle/temporal-runs';
import { APPROVER, REQUESTER, apiKeyRequest, certificateRequest, startConnection } from './fixtures';
import { useSimulatorWorld } from './simulator-world';

const t = useSimulatorWorld();
const gated = apiKeyRequest({ approval: { gates: ['verify'], approvers: [APPROVER] } });
const id = connectionId(gated);
const cleanup = `crosslink disconnect ece-a ${DEFAULT_IDS.a815} logs-b --as <you>`;

type Discover = (filter: object) => Promise<ConnectionInventory>;
const discovery = () => t.world.activities.discoverConnections as unknown as Discover;

/** Temporal's view of a harness run on the connection id (a run stopped mid-way stands for a terminated one). */
function factOf(run: HarnessRun, type: string, terminated = false): RunFact {
  const failure = run.status === 'failed' ? (runFailure.get(run) as ApplicationFailure | undefined) : undefined;
  const status = terminated
    ? 'TERMINATED'
    : ({ running: 'RUNNING', completed: 'COMPLETED', failed: 'FAILED', cancelled: 'CANCELLED' } as const)[
        run.status as 'running'
      ];
  return { runId: run.runId, type, status, ...(failure?.type ? { failureType: failure.type } : {}) };
}
const runFailure = new WeakMap<HarnessRun, Error>();

async function settle(run: HarnessRun): Promise<void> {
  const outcome = await run.outcome();
  if (outcome.status !== 'completed') runFailure.set(run, outcome.failure);
}

async function discover(runs: Record<string, RunFact> = {}): Promise<ConnectionInventory> {
  return discoverWith(discovery(), temporalRuns(runs), { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 });
}

function entry(inventory: ConnectionInventory, connection = id): ManagedConnection | undefined {
  return inventory.connections.find((c) => c.connectionId === connection);
}

/** Waits until the run stops at its gate (the gate's deadline timer starts). */
async function untilGate(run: HarnessRun): Promise<void> {
  await run.until((r) => r.entries('timer-started').length > 0);
}

/** The audit workflow as the schedule runs it, with a notification sink: what it reports and what it sent. */
async function audit(): Promise<{ report: AuditReport; sent: unknown[] }> {
  const sent: unknown[] = [];
  const activities = {
    ...t.world.activities,
    discoverConnections: async (filter: object) => ({ ...(await discovery()(filter)), notify: true }),
    sendNotification: async (n: unknown) => {
      sent.push(n);
      return { delivered: true, attempt: 1 };
    },
  } as unknown as ActivityImplementations;
  const run = await t.harness.start(AUDIT_WORKFLOW, [{}], { activities });
  const report = (await run.resultValue()) as AuditReport;
  return { report, sent };
}

async function connect(request = apiKeyRequest()): Promise<HarnessRun> {
  const run = await startConnection(t.harness, request, { activities: t.world.activities });
  await expect(run.resultValue()).resolves.toMatchObject({ state: 'connected' });
  return run;
}

async function disconnect(connection: string): Promise<HarnessRun> {
  const run = await t.harness.start(DISCONNECT_WORKFLOW, [{ connectionId: connection, requestedBy: REQUESTER }], {
    activities: t.world.activities,
    workflowId: connection,
  });
  await untilGate(run);
  await run.update('approve', await signedApproval(run, 'register-remote', APPROVER));
  await settle(run);
  return run;
}

it('a rejected connect leaves residue only: an invalidated key, not a connection, no drift, no notification', async () => {
  const run = await startConnection(t.harness, gated, { activities: t.world.activities });
  await untilGate(run);
  const reason = 'not this quarter';
  const token = await sign(APPROVER, {
    workflowId: run.workflowId,
    runId: run.runId,
    gate: 'verify',
    decision: 'reject',
    text: reason,
    change: await pendingChange(run),
  });
  await run.update('reject', { gate: 'verify', approver: APPROVER, reason, token });
  await settle(run);
  expect(factOf(run, CONNECTION_WORKFLOW)).toMatchObject({ status: 'FAILED', failureType: 'ApprovalRejected' });

  // Elasticsearch keeps the invalidated key with crosslink's mark: discovery sees it, and says what it is.
  const inventory = await discover({ [id]: factOf(run, CONNECTION_WORKFLOW) });
  const found = entry(inventory);
  expect(found).toMatchObject({ class: 'residue', keys: [expect.objectContaining({ invalidated: true })] });
  expect(found?.leftover).toBeUndefined();
  expect(inventory.runs).toEqual({ read: true });

  const { report, sent } = await audit();
  expect(report.connections.map((c) => c.connectionId)).not.toContain(id);
  expect(report.skipped?.residue).toBeGreaterThanOrEqual(1);
  expect(sent).toEqual([]);
});

it('a disconnect leaves residue only: not a connection, no drift, no notification', async () => {
  const connected = await connect();
  const before = entry(await discover({ [id]: factOf(connected, CONNECTION_WORKFLOW) }));
  expect(before).toMatchObject({ class: 'connection', health: { status: 'connected' } });

  const run = await disconnect(id);
  expect(run.status).toBe('completed');
  const found = entry(await discover({ [id]: factOf(run, DISCONNECT_WORKFLOW) }));
  expect(found).toMatchObject({ class: 'residue', keys: [expect.objectContaining({ invalidated: true })] });
  const { report, sent } = await audit();
  expect(report).toMatchObject({ driftCount: 0, connections: [] });
  expect(sent).toEqual([]);
});

it('a certificate connect rolled back leaves no mark at all: nothing to list', async () => {
  const request = certificateRequest({ approval: { gates: ['verify'], approvers: [APPROVER] } });
  const run = await startConnection(t.harness, request, { activities: t.world.activities });
  await untilGate(run);
  await run.cancel();
  await settle(run);
  const inventory = await discoverWith(discovery(), temporalRuns({}), {});
  expect(entry(inventory, connectionId(request))).toBeUndefined();
});

it('a terminated connect leaves a leftover: the run, what is left (key, keystore, proxy CA, settings) and the command', async () => {
  const run = await startConnection(t.harness, gated, { activities: t.world.activities });
  await untilGate(run);
  await run.dispose(); // terminated: nothing more runs, nothing is undone
  const terminated = factOf(run, CONNECTION_WORKFLOW, true);

  const inventory = await discover({ [id]: terminated });
  const found = entry(inventory)!;
  expect(found.class).toBe('leftover');
  expect(found.run).toEqual({ workflowId: id, runId: run.runId, operation: 'connect', status: 'terminated' });
  expect(found.leftover?.cleanup).toBe(cleanup);
  const left = found.leftover!.left.join('\n');
  // As many settings as the deployment holds under the alias (what exists, however many steps wrote them).
  const { persistentSettings } = t.world.simulator.snapshot()['ece-a']!.deployments[DEFAULT_IDS.a815]!;
  const aliasSettings = Object.keys(persistentSettings).filter((k) => k.startsWith('cluster.remote.logs-b.'));
  expect(aliasSettings.length).toBeGreaterThanOrEqual(4); // mode, proxy_address, server_name, skip_unavailable at least
  expect(left).toContain(`cluster.remote.logs-b.* (${aliasSettings.length} settings) on ece-a/${DEFAULT_IDS.a815}`);
  expect(left).toContain(`keystore credential cluster.remote.logs-b.credentials on ece-a/${DEFAULT_IDS.a815}`);
  expect(left).toMatch(
    new RegExp(`cross-cluster API key \\S+ \\(crosslink-logs-b-[0-9a-f]{8}\\) on ece-b/${DEFAULT_IDS.b9}`),
  );
  expect(left).toMatch(/proxy-CA trust entry "crosslink proxy CA ece-b [0-9a-f]{8}"/);
  expect(found.leftover!.left).toHaveLength(4);

  const report = auditReport(inventory, AuditOptions.parse({}), Date.now());
  const drift = report.connections.find((c) => c.connectionId === id)?.drift;
  expect(drift).toEqual([
    expect.objectContaining({ kind: 'leftover', repair: ['disconnect'], detail: expect.stringContaining(run.runId) }),
  ]);
  expect(report.health).toEqual({ connected: 0, degraded: 0, broken: 0 });
  expect(report.leftovers).toBe(1);

  // Without Temporal's view, the same objects cannot be told from a connection: the inventory says so.
  const blind = await discoverWith(discovery(), undefined, { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 });
  expect(entry(blind)?.class).toBe('connection');
  expect(blind.runs?.read).toBe(false);

  // The command it prints cleans up: afterwards only residue remains.
  const cleaned = await disconnect(id);
  expect(cleaned.status).toBe('completed');
  expect(entry(await discover({ [id]: factOf(cleaned, DISCONNECT_WORKFLOW) }))?.class).toBe('residue');
  expect(t.world.state()).toEqual(t.world.before);
});

it('a key invalidated by hand on a live connection: a broken connection with drift, and the audit notifies', async () => {
  const connected = await connect();
  const registry = createEnvironmentRegistry(
    resolveEnvironments(EnvironmentsFile.parse(structuredClone(t.world.simulator.config)), { env: {} }),
  );
  const keyId = entry(await discover())!.keys[0]!.id;
  const ece = registry.ece('ece-b');
  const { deployment } = await getDeployment(ece, DEFAULT_IDS.b9);
  const es = elasticsearchResource(ece, deployment, deployment.resources.elasticsearch[0]!.ref_id);
  await invalidateApiKeys(registry.elasticsearch('ece-b', DEFAULT_IDS.b9, es.info.metadata.service_url), [keyId]);

  const found = entry(await discover({ [id]: factOf(connected, CONNECTION_WORKFLOW) }))!;
  expect(found).toMatchObject({ class: 'connection', health: { status: 'broken' } });
  expect(found.health.causes[0]).toContain('key invalid');
  const { report, sent } = await audit();
  const drift = report.connections.find((c) => c.connectionId === id)?.drift.map((d) => d.kind);
  expect(drift).toEqual(['broken', 'key-invalid']);
  expect(sent).toEqual([expect.objectContaining({ kind: 'drift-found', workflowId: id })]);
});

it('a run open on the connection id: in progress with its run, left alone by the audit', async () => {
  const run = await startConnection(t.harness, gated, { activities: t.world.activities });
  await untilGate(run);
  const inventory = await discover({ [id]: factOf(run, CONNECTION_WORKFLOW) });
  expect(entry(inventory)).toMatchObject({
    class: 'in-progress',
    run: { workflowId: id, runId: run.runId, operation: 'connect', status: 'running' },
  });
  const report = auditReport(inventory, AuditOptions.parse({}), Date.now());
  expect(report.connections.map((c) => c.connectionId)).not.toContain(id);
  expect(report.skipped?.inProgress).toBe(1);
  await run.dispose();
});
