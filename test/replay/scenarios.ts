/**
 * The runs whose histories the replay suite keeps: each drives a real run (real worker, activities
 * and simulator on a real Temporal server) the way a user would, through every kind of ending and
 * every workflow type. scripts/record-histories.ts runs them; the manifest names what each must end with.
 */
import { type Client, type WorkflowHandle } from '@temporalio/client';
import {
  APPLY_WORKFLOW,
  ApplyRequest,
  type ConnectionInventory,
  type DesiredPlan,
  DesiredState,
  RECONCILE_WORKFLOW,
  planDesiredState,
  AUDIT_WORKFLOW,
  CONNECTION_WORKFLOW,
  type ConnectionRequest,
  DISCONNECT_WORKFLOW,
  FAN_OUT_WORKFLOW,
  FanOutRequest,
  INVENTORY_WORKFLOW,
  INVENTORY_WORKFLOW_ID,
  InventoryView,
  fanOutId,
  pairRequests,
  LIST_CONNECTIONS_WORKFLOW,
  MIGRATE_WORKFLOW,
  MigrateRequest,
  OPERATION_SEARCH_ATTRIBUTE_KEYS,
  ROTATE_WORKFLOW,
  RotateRequest,
  type StepId,
  UPDATE_ACCESS_WORKFLOW,
  UpdateAccessRequest,
  connectionId,
} from '../../domain';
import { startOrFind, startedOrThrow } from '../../client/start-or-find';
import { findPreviousCredential } from '../../client/previous-credential';
import { DEFAULT_IDS, type SimulatorHandle } from '../../simulator/api';
import { autoFollowThrough, followThrough } from '../server/replication';
import { withPlanId } from '../../client/plan-id';
import { requestRefresh } from '../../client/cli/inventory-client';
import { approveSignal, approveUpdate, inventoryQuery, refreshSignal } from '../../workflows/messages';
import { sign } from '../harness/approvers';
import { APPROVER, REQUESTER, apiKeyRequest, certificateRequest } from '../server/requests';
import { TERMINAL, approve, reject, signFor, startConnection, untilAwaiting, untilGateOrEnd } from '../server/runs';

/** How a recorded run closed: the last event of its history. */
export type ClosedAs = 'completed' | 'failed' | 'canceled' | 'continued-as-new';

/** Where a scenario starts its runs: the recording server's client, the worker's task queue, the simulator it works on. */
export interface RecordingContext {
  client: Client;
  taskQueue: string;
  simulator: SimulatorHandle;
}

export interface RecordingScenario {
  /** File name (without .json) under test/replay/histories/<version>/. */
  name: string;
  description: string;
  /** The workflow type of the recorded run (a run it needs first, such as a connect before a disconnect, is not kept). */
  workflowType: string;
  /** Runs what the recorded run needs, then starts it. */
  start: (ctx: RecordingContext) => Promise<WorkflowHandle>;
  /** Decides the run's gates (or cancels it) once it started. */
  drive: (handle: WorkflowHandle, client: Client) => Promise<void>;
  closedAs: ClosedAs;
  /** The worker has a notification sink (runs send notifications only then). */
  notifications?: boolean;
  /** The worker's desired-state file (the reconcile reads it): its text, written to a file the worker's `desiredState` names. */
  desiredStateFile?: string;
}

/** Approves every gate the run stops at with signed decisions, by update or by signal, until it ends. */
async function approveEveryGate(handle: WorkflowHandle, via: 'update' | 'signal'): Promise<void> {
  let signalled: string | undefined;
  for (;;) {
    const p = await untilGateOrEnd(handle);
    if (TERMINAL.includes(p.state) || !p.pendingGate) return;
    const gate = p.pendingGate.gate;
    if (via === 'update') {
      await approve(handle, gate);
    } else if (signalled !== gate) {
      // A signal is fire-and-forget: send it once per gate, then wait for the run to move on.
      signalled = gate;
      const comment = 'recorded run';
      const token = await signFor(handle, APPROVER, gate, 'approve', comment);
      await handle.signal(approveSignal, { gate, approver: APPROVER, comment, token });
    } else {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** A decision naming the approver but signed with the requester's key: the run must refuse it. */
async function refuseForgery(handle: WorkflowHandle, gate: StepId): Promise<void> {
  const { runId } = await handle.describe();
  const token = await sign(APPROVER, {
    workflowId: handle.workflowId,
    runId,
    gate,
    decision: 'approve',
    keyOf: REQUESTER,
  });
  const entry = await handle.executeUpdate(approveUpdate, { args: [{ gate, approver: APPROVER, token }] });
  if (entry.decision !== 'refused') throw new Error(`a forged approval of ${gate} was ${entry.decision}`);
}

/** A connect run of `request`, started the way the CLI does. */
const connectRun = (request: ConnectionRequest) => (ctx: RecordingContext) =>
  startConnection(ctx.client, request, ctx.taskQueue);

/** Connects `request` (every gate approved) before the recorded run starts. */
async function connectFirst(ctx: RecordingContext, request: ConnectionRequest): Promise<void> {
  const handle = await startConnection(ctx.client, request, ctx.taskQueue);
  await approveEveryGate(handle, 'update');
  // Progress says "connected" just before the run closes: wait for the close (a failure throws).
  await handle.result();
}

const wider = (request: ConnectionRequest): ConnectionRequest => ({
  ...request,
  access: { search: [{ names: ['logs-*', 'metrics-*'] }] },
});

/** Asks the inventory workflow for a refresh and waits until one covered it. */
async function refreshInventory(handle: WorkflowHandle, reason: string, requestId: string): Promise<void> {
  await handle.signal(refreshSignal, { reason, requestId });
  for (let tries = 0; ; tries++) {
    const view = InventoryView.parse(await handle.query(inventoryQuery));
    if (view.served.includes(requestId)) return;
    if (tries > 600) throw new Error(`inventory-refreshed: ${reason} was never served`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The recorded fan-out: ece-a 9.x to two ece-b deployments, no gates of its own. */
function recordedFanOut(): FanOutRequest {
  const pair = (deploymentId: string, alias: string) => ({
    remote: { environment: 'ece-b', deploymentId },
    alias,
    access: { search: [{ names: ['logs-*'] }] },
  });
  return FanOutRequest.parse({
    requestId: 'recorded',
    local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a9 },
    remotes: [pair(DEFAULT_IDS.b9, 'fan-b9'), pair(DEFAULT_IDS.b815, 'fan-b815')],
    securityModel: 'api_key',
    approval: { gates: [] },
    requestedBy: REQUESTER,
  });
}

export const SCENARIOS: readonly RecordingScenario[] = [
  {
    name: 'api-key-connected',
    description:
      'API key model, ece-a 9.x -> ece-b 9.x (private proxy CA): a forged approval refused, then every gate approved by signed update',
    workflowType: CONNECTION_WORKFLOW,
    start: connectRun(apiKeyRequest('logs-b')),
    async drive(handle) {
      const first = await untilAwaiting(handle);
      await refuseForgery(handle, first.pendingGate!.gate);
      await approveEveryGate(handle, 'update');
    },
    closedAs: 'completed',
    notifications: true,
  },
  {
    name: 'certificate-connected',
    description: 'certificate model, ece-a 8.15 -> ece-b 8.15, platform-trust approved by signed signal',
    workflowType: CONNECTION_WORKFLOW,
    start: connectRun(certificateRequest('metrics_b')),
    drive: (handle) => approveEveryGate(handle, 'signal'),
    closedAs: 'completed',
  },
  {
    name: 'trust-all-connected',
    description:
      'certificate model trusting all deployments of the other environment (trust_all), ece-a 9.x -> ece-b 9.x: platform-trust and trust-all approved by signed update',
    workflowType: CONNECTION_WORKFLOW,
    start: connectRun(
      certificateRequest('all_b', {
        local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a9 },
        remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b9 },
        deploymentTrust: 'all',
      }),
    ),
    drive: (handle) => approveEveryGate(handle, 'update'),
    closedAs: 'completed',
  },
  {
    name: 'rejected-rollback',
    description: 'API key model rejected (signed) at register-remote after steps ran: rolled back, ApprovalRejected',
    workflowType: CONNECTION_WORKFLOW,
    start: connectRun(
      apiKeyRequest('rejected-b', {
        local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 },
        remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 },
        approval: { gates: ['register-remote'], approvers: [APPROVER], deadline: '1h' },
      }),
    ),
    async drive(handle) {
      await untilAwaiting(handle, 'register-remote');
      await reject(handle, 'register-remote', 'not this quarter');
    },
    closedAs: 'failed',
    notifications: true,
  },
  {
    name: 'deadline-rollback',
    description: 'API key model whose register-remote gate deadline (2s) passes: rolled back, ApprovalTimeout',
    workflowType: CONNECTION_WORKFLOW,
    start: connectRun(
      apiKeyRequest('deadline-b', {
        local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 },
        remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 },
        approval: { gates: ['register-remote'], approvers: [APPROVER], deadline: '2s' },
      }),
    ),
    drive: async () => undefined,
    closedAs: 'failed',
  },
  {
    name: 'cancelled-rollback',
    description: 'certificate model cancelled while it waits at the verify gate: rolled back, then cancelled',
    workflowType: CONNECTION_WORKFLOW,
    start: connectRun(
      certificateRequest('cancelled_cert', {
        local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a9 },
        remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b9 },
        approval: { gates: ['verify'], approvers: [APPROVER], deadline: '1h' },
      }),
    ),
    async drive(handle) {
      await untilAwaiting(handle, 'verify');
      await handle.cancel();
    },
    closedAs: 'canceled',
  },
  {
    name: 'converge-unchanged',
    description: 'API key model started again with the same request on a working connection: a no-op that says so',
    workflowType: CONNECTION_WORKFLOW,
    async start(ctx) {
      const request = apiKeyRequest('converge-b');
      await connectFirst(ctx, request);
      return startConnection(ctx.client, request, ctx.taskQueue);
    },
    drive: (handle) => approveEveryGate(handle, 'update'),
    closedAs: 'completed',
  },
  {
    name: 'converge-wider-access',
    description: 'API key model started again with wider access on a working connection: the key is updated in place',
    workflowType: CONNECTION_WORKFLOW,
    async start(ctx) {
      const request = apiKeyRequest('widen-b');
      await connectFirst(ctx, request);
      return startConnection(ctx.client, wider(request), ctx.taskQueue);
    },
    drive: (handle) => approveEveryGate(handle, 'update'),
    closedAs: 'completed',
  },
  {
    name: 'list-connections',
    description:
      'the inventory after an API key connect: that connection, and the pre-existing legacy remote as unmanaged',
    workflowType: LIST_CONNECTIONS_WORKFLOW,
    async start(ctx) {
      await connectFirst(ctx, apiKeyRequest('listed-b', { approval: { gates: [] } }));
      return ctx.client.workflow.start(LIST_CONNECTIONS_WORKFLOW, {
        taskQueue: ctx.taskQueue,
        workflowId: 'recorded-list-connections',
        args: [{}],
      });
    },
    drive: async () => undefined,
    closedAs: 'completed',
  },
  {
    name: 'audit-connections',
    description: 'the audit after an API key connect: no drift, so no notification',
    workflowType: AUDIT_WORKFLOW,
    async start(ctx) {
      await connectFirst(ctx, apiKeyRequest('audited-b', { approval: { gates: [] } }));
      return ctx.client.workflow.start(AUDIT_WORKFLOW, {
        taskQueue: ctx.taskQueue,
        workflowId: 'recorded-audit-connections',
        args: [{ expiryWarning: '14d' }],
      });
    },
    drive: async () => undefined,
    closedAs: 'completed',
    notifications: true,
  },
  {
    name: 'inventory-refreshed',
    description:
      'the inventory workflow after an API key connect: started with a refresh, refreshed again, then continued as new (refreshesPerRun 2)',
    workflowType: INVENTORY_WORKFLOW,
    async start(ctx) {
      await connectFirst(ctx, apiKeyRequest('inventoried-b', { approval: { gates: [] } }));
      const started = await ctx.client.workflow.start(INVENTORY_WORKFLOW, {
        taskQueue: ctx.taskQueue,
        workflowId: INVENTORY_WORKFLOW_ID,
        args: [{ refreshesPerRun: 2 }],
        typedSearchAttributes: [{ key: OPERATION_SEARCH_ATTRIBUTE_KEYS.operation, value: 'inventory' }],
      });
      // This run only: the next one (after continue-as-new) is not recorded.
      return ctx.client.workflow.getHandle(INVENTORY_WORKFLOW_ID, started.firstExecutionRunId, { followRuns: false });
    },
    async drive(handle) {
      await refreshInventory(handle, 'crosslink connections', 'recorded-1');
      await refreshInventory(handle, 'audit recorded-audit', 'recorded-2');
      for (let tries = 0; (await handle.describe()).status.name !== 'CONTINUED_AS_NEW'; tries++) {
        if (tries > 600) throw new Error('inventory-refreshed: the run never continued as new');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    closedAs: 'continued-as-new',
  },
  {
    name: 'disconnected',
    description: 'disconnect after an API key connect: register-remote approved by signed update, everything removed',
    workflowType: DISCONNECT_WORKFLOW,
    async start(ctx) {
      const request = apiKeyRequest('removed-b', { approval: { gates: [] } });
      await connectFirst(ctx, request);
      return ctx.client.workflow.start(DISCONNECT_WORKFLOW, {
        taskQueue: ctx.taskQueue,
        workflowId: connectionId(request),
        args: [{ connectionId: connectionId(request), requestedBy: REQUESTER, reason: 'recorded run' }],
        typedSearchAttributes: [{ key: OPERATION_SEARCH_ATTRIBUTE_KEYS.operation, value: 'disconnect' }],
      });
    },
    async drive(handle) {
      await untilAwaiting(handle, 'register-remote');
      await approve(handle, 'register-remote');
    },
    closedAs: 'completed',
  },
  {
    name: 'access-updated',
    description:
      'update-access after an API key connect: the api-key gate approved by signed update, the key changed in place',
    workflowType: UPDATE_ACCESS_WORKFLOW,
    async start(ctx) {
      const request = apiKeyRequest('updated-b', { approval: { gates: [] } });
      await connectFirst(ctx, request);
      const update = UpdateAccessRequest.parse({
        local: request.local,
        alias: request.alias,
        access: wider(request).access,
        requestedBy: request.requestedBy,
      });
      const started = startedOrThrow(
        await startOrFind(ctx.client, { operation: 'update-access', request: update }, { taskQueue: ctx.taskQueue }),
      );
      return ctx.client.workflow.getHandle(started.workflowId, started.runId);
    },
    async drive(handle) {
      await untilAwaiting(handle, 'api-key');
      await approve(handle, 'api-key');
    },
    closedAs: 'completed',
  },
  {
    name: 'rotated',
    description: 'rotate after an API key connect: new key, keystore replaced, reloaded, verified, old key invalidated',
    workflowType: ROTATE_WORKFLOW,
    async start(ctx) {
      const request = apiKeyRequest('rotated-b', { approval: { gates: [] } });
      await connectFirst(ctx, request);
      const id = connectionId(request);
      const previous = await findPreviousCredential(ctx.client, id);
      if (!previous) throw new Error('rotated: no previous credential in the connect run');
      const rotate = RotateRequest.parse({
        local: request.local,
        alias: request.alias,
        requestedBy: request.requestedBy,
        expiration: '30d',
        previousCredential: previous.sealed,
      });
      const started = startedOrThrow(
        await startOrFind(ctx.client, { operation: 'rotate', request: rotate }, { taskQueue: ctx.taskQueue }),
      );
      return ctx.client.workflow.getHandle(started.workflowId, started.runId);
    },
    drive: (handle) => approveEveryGate(handle, 'update'),
    closedAs: 'completed',
  },
  {
    name: 'migrated',
    description:
      'migrate a certificate connection with an active follower and an auto-follow pattern to the API key model: every gate approved by signed update, the follower paused and resumed, the certificate trust retired',
    workflowType: MIGRATE_WORKFLOW,
    async start(ctx) {
      const request = certificateRequest('migrated-b', { approval: { gates: [] } });
      await connectFirst(ctx, request);
      await followThrough(ctx.simulator, request, 1, 3);
      await autoFollowThrough(ctx.simulator, request, 'recorded');
      const migrate = MigrateRequest.parse({
        local: request.local,
        alias: request.alias,
        access: { search: [{ names: ['metrics-*'] }], replication: [{ names: ['leader-*'] }] },
        requestedBy: REQUESTER,
        verifyTimeout: '30s',
      });
      const started = startedOrThrow(
        await startOrFind(ctx.client, { operation: 'migrate', request: migrate }, { taskQueue: ctx.taskQueue }),
      );
      return ctx.client.workflow.getHandle(started.workflowId, started.runId);
    },
    drive: (handle) => approveEveryGate(handle, 'update'),
    closedAs: 'completed',
  },
  {
    name: 'fan-out-connected',
    description:
      'fan-out of ece-a 9.x to two ece-b deployments: one batch proxy-CA plan, then one connection run per pair',
    workflowType: FAN_OUT_WORKFLOW,
    start: (ctx) =>
      ctx.client.workflow.start(FAN_OUT_WORKFLOW, {
        workflowId: fanOutId(recordedFanOut()),
        taskQueue: ctx.taskQueue,
        args: [recordedFanOut()],
      }),
    async drive(handle, client) {
      // Each pair is a connection run of its own: approve whatever gates the worker's policy gives it.
      await Promise.all(
        pairRequests(recordedFanOut()).map(async (pair) => {
          const child = client.workflow.getHandle(connectionId(pair));
          for (let tries = 0; ; tries++) {
            const started = await child.describe().then(
              () => true,
              () => false,
            );
            if (started) break;
            if (tries > 600) throw new Error(`fan-out-connected: ${child.workflowId} never started`);
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          await approveEveryGate(child, 'update');
        }),
      );
      await handle.result();
    },
    closedAs: 'completed',
  },
  {
    name: 'apply-connected',
    description:
      'apply of a plan of two connections on an empty estate: the check against the estate, then one connect run per action under its connection id',
    workflowType: APPLY_WORKFLOW,
    async start(ctx) {
      const request = ApplyRequest.parse({ plan: recordedPlan(), requestedBy: REQUESTER });
      const started = startedOrThrow(
        await startOrFind(ctx.client, { operation: 'apply', request }, { taskQueue: ctx.taskQueue }),
      );
      return ctx.client.workflow.getHandle(started.workflowId, started.runId);
    },
    async drive(handle, client) {
      // Each action is a connection run of its own: approve whatever gates the worker's policy gives it.
      for (const entry of recordedPlan().entries) {
        const child = client.workflow.getHandle(entry.connectionId);
        for (let tries = 0; ; tries++) {
          const started = await child.describe().then(
            () => true,
            () => false,
          );
          if (started) break;
          if (tries > 600) throw new Error(`apply-connected: ${child.workflowId} never started`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await approveEveryGate(child, 'update');
      }
      await handle.result();
    },
    closedAs: 'completed',
  },
  {
    name: 'reconcile-drift',
    description:
      'scheduled reconcile of a file declaring a connection the estate lacks: drift recorded on the inventory, notified, nothing applied (no autoApply)',
    workflowType: RECONCILE_WORKFLOW,
    desiredStateFile: [
      'version: 1',
      'connections:',
      `  - local: { environment: ece-a, deploymentId: ${DEFAULT_IDS.a9} }`,
      `    remote: { environment: ece-b, deploymentId: ${DEFAULT_IDS.b9} }`,
      '    alias: declared-b',
      '    model: api_key',
      '    access: { search: [ { names: [ "logs-*" ] } ] }',
      '',
    ].join('\n'),
    async start(ctx) {
      // The inventory workflow the reconcile records its findings on.
      await requestRefresh(ctx.client, { reason: 'recording reconcile-drift' }, ctx.taskQueue);
      return ctx.client.workflow.start(RECONCILE_WORKFLOW, {
        workflowId: 'crosslink-reconcile-recorded',
        taskQueue: ctx.taskQueue,
        args: [],
      });
    },
    async drive(handle, client) {
      await handle.result();
      await client.workflow
        .getHandle(INVENTORY_WORKFLOW_ID)
        .terminate('recording done')
        .catch(() => undefined);
    },
    closedAs: 'completed',
    notifications: true,
  },
];

/** The plan apply-connected applies: two API key connections from ece-a 9.x, without gates, on an empty estate. */
function recordedPlan(): DesiredPlan {
  const desired = DesiredState.parse({
    version: 1,
    connections: [
      ['applied-b9', DEFAULT_IDS.b9],
      ['applied-b815', DEFAULT_IDS.b815],
    ].map(([alias, remote]) => ({
      local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a9 },
      remote: { environment: 'ece-b', deploymentId: remote },
      alias,
      model: 'api_key',
      access: { search: [{ names: ['logs-*'] }] },
      gates: [],
    })),
  });
  const empty: ConnectionInventory = {
    discoveredAt: '2026-01-01T00:00:00.000Z',
    environments: [],
    connections: [],
    unmanaged: [],
    errors: [],
    truncated: false,
  };
  return withPlanId(
    planDesiredState(desired, empty, {
      prune: false,
      now: Date.parse('2026-01-01T00:00:00Z'),
      requestedBy: REQUESTER,
      source: 'connections.yaml',
    }),
  );
}
