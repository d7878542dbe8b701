/**
 * Overlapping connections on one local deployment: the real workflow and activities against the
 * simulator. One connection rolled back late never disconnects the other (checked with
 * `_remote/info` on the simulator), and one connection started twice leaves one live key.
 */
import { type ConnectionResult, type ConnectionRequest, FailureType, type StepId, connectionId } from '../../domain';
import { elasticsearchResource, getDeployment } from '../../activities/ece/deployments';
import { getRemoteInfo } from '../../activities/elasticsearch/cluster';
import { createEnvironmentRegistry, resolveEnvironments } from '../../activities/environments';
import { EnvironmentsFile } from '../../domain';
import { DEFAULT_IDS } from '../../simulator/api';
import { APPROVER, apiKeyRequest, certificateRequest, startConnection } from './fixtures';
import { type HarnessRun } from '../harness/workflow-harness';
import { pendingChange, sign, signedApproval } from '../harness/approvers';
import { useSimulatorWorld } from './simulator-world';

const t = useSimulatorWorld();

const to = (env: string, id: string) => ({ environment: env, deploymentId: id });

/** `_remote/info` of the request's local deployment: whether Elasticsearch reports the alias connected. */
async function connected(request: ConnectionRequest): Promise<boolean> {
  const registry = createEnvironmentRegistry(
    resolveEnvironments(EnvironmentsFile.parse(structuredClone(t.world.simulator.config)), { env: {} }),
  );
  const { environment, deploymentId } = request.local;
  const ece = registry.ece(environment);
  const { deployment } = await getDeployment(ece, deploymentId);
  const url = elasticsearchResource(ece, deployment).info.metadata.service_url;
  const info = await getRemoteInfo(registry.elasticsearch(environment, deploymentId, url));
  return info[request.alias]?.connected === true;
}

const gated = (gates: string[]) => ({ approval: { gates, approvers: [APPROVER], deadline: '1h' } });

async function waitForGate(run: HarnessRun, count: number): Promise<void> {
  await run.until((r) => r.timeline.filter((e) => e.kind === 'timer-started').length >= count);
}

async function rejected(run: HarnessRun, gate: string): Promise<void> {
  const token = await sign(APPROVER, {
    workflowId: run.workflowId,
    runId: run.runId,
    gate: gate as StepId,
    decision: 'reject',
    text: 'not now',
    change: await pendingChange(run),
  });
  await run.update('reject', { gate, approver: APPROVER, reason: 'not now', token });
  const outcome = await run.outcome();
  expect(outcome.status).toBe('failed');
  if (outcome.status === 'failed') expect(outcome.failure).toMatchObject({ type: FailureType.ApprovalRejected });
}

interface ModelCase {
  model: string;
  /** A connection to one remote deployment of the environment. */
  a: ConnectionRequest;
  /** A second connection from the same local deployment into the same environment, with a role (its last step). */
  b: (extra?: object) => ConnectionRequest;
  /** The gate B's first shared step waits at (what A creates too: the proxy-CA entry, the trust). */
  sharedGate: StepId;
}

const MODELS: ModelCase[] = [
  {
    model: 'API key model',
    a: apiKeyRequest({
      local: to('ece-a', DEFAULT_IDS.a9),
      remote: to('ece-b', DEFAULT_IDS.b9),
      alias: 'b9',
      roles: [],
    }),
    b: (extra = {}) =>
      apiKeyRequest({
        local: to('ece-a', DEFAULT_IDS.a9),
        remote: to('ece-b', DEFAULT_IDS.b815),
        alias: 'b815',
        roles: [
          {
            name: 'b815-reader',
            local: { remote_indices: [{ clusters: ['b815'], names: ['logs-*'], privileges: ['read'] }] },
          },
        ],
        ...extra,
      }),
    sharedGate: 'api-key',
  },
  {
    model: 'certificate model',
    a: certificateRequest({
      local: to('ece-a', DEFAULT_IDS.a9),
      remote: to('ece-b', DEFAULT_IDS.b815),
      alias: 'b815',
      roles: [],
    }),
    b: (extra = {}) =>
      certificateRequest({
        local: to('ece-a', DEFAULT_IDS.a9),
        remote: to('ece-b', DEFAULT_IDS.b9),
        alias: 'b9',
        roles: [
          { name: 'b9-reader', local: {}, remote: { indices: [{ names: ['metrics-*'], privileges: ['read'] }] } },
        ],
        ...extra,
      }),
    sharedGate: 'platform-trust',
  },
];

describe.each(MODELS)(
  '$model: two connections from one deployment into one remote environment',
  ({ a, b, sharedGate }) => {
    it('B rejected late: A stays connected and its objects untouched', async () => {
      const runA = await startConnection(t.harness, a, { activities: t.world.activities });
      expect(((await runA.resultValue()) as ConnectionResult).state).toBe('connected');
      const afterA = t.world.state();

      const runB = await startConnection(t.harness, b(gated(['roles'])), { activities: t.world.activities });
      await waitForGate(runB, 1);
      expect(await connected(b())).toBe(true);
      await rejected(runB, 'roles');

      expect(await connected(a)).toBe(true);
      expect(t.world.state()).toEqual(afterA);
    });

    it("concurrent creation: B's preflight ran before A created the shared objects; B rolls back after A connected", async () => {
      const runB = await startConnection(t.harness, b(gated([sharedGate, 'roles'])), {
        activities: t.world.activities,
      });
      await waitForGate(runB, 1);
      const runA = await startConnection(t.harness, a, { activities: t.world.activities });
      expect(((await runA.resultValue()) as ConnectionResult).state).toBe('connected');
      const afterA = t.world.state();

      await runB.update('approve', await signedApproval(runB, sharedGate, APPROVER));
      await waitForGate(runB, 2);
      await rejected(runB, 'roles');

      expect(await connected(a)).toBe(true);
      expect(t.world.state()).toEqual(afterA);
    });
  },
);

describe('one connection, one run', () => {
  const a = MODELS[0]!.a;

  it('the same connection started under another workflow id is refused before it does anything', async () => {
    const runA = await startConnection(t.harness, a, { activities: t.world.activities });
    expect(runA.workflowId).toBe(connectionId(a));
    expect(((await runA.resultValue()) as ConnectionResult).state).toBe('connected');
    const afterA = t.world.state();

    const runB = await startConnection(t.harness, a, { activities: t.world.activities, workflowId: 'conn-second' });
    const outcome = await runB.outcome();
    expect(outcome.status).toBe('failed');
    if (outcome.status === 'failed') {
      expect(outcome.failure).toMatchObject({ type: FailureType.OwnershipConflict });
      expect(outcome.failure.message).toContain(
        `the connection ${connectionId(a)} runs only under the workflow id "${connectionId(a)}", not "conn-second"`,
      );
    }
    expect(runB.scheduled()).toEqual([]);
    const b9 = t.world.simulator.snapshot()['ece-b']!.deployments[DEFAULT_IDS.b9]!;
    const keys = b9.apiKeys.filter((k) => k.type === 'cross_cluster' && !k.invalidated);
    expect(keys).toHaveLength(1);
    expect(await connected(a)).toBe(true);
    expect(t.world.state()).toEqual(afterA);
  });
});
