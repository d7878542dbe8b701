/**
 * Approvals bound to the change (issue 19 item 4): a gate shows the exact change it lets through,
 * read from the systems when it opens; a decision counts only when its token signs that change's
 * digest; and when the change differs as the step is about to run, the gate asks again.
 */
import { type AuditEntry, type ConnectionResult, EnvironmentsFile, type Progress } from '../../domain';
import { createEnvironmentRegistry, resolveEnvironments } from '../../activities/environments';
import { elasticsearchResource, getDeployment } from '../../activities/ece/deployments';
import { putPersistentSettings } from '../../activities/elasticsearch/cluster';
import { digestMatches } from '../../common/change-digest';
import { DEFAULT_IDS } from '../../simulator/api';
import { pendingChange, sign, signedApproval } from '../harness/approvers';
import { APPROVER, apiKeyRequest, progressOf, startConnection } from './fixtures';
import { useSimulatorWorld } from './simulator-world';

const t = useSimulatorWorld();

const request = apiKeyRequest({
  local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a9 },
  remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b9 },
  alias: 'logs-bound',
  roles: [],
  approval: { gates: ['register-remote'], approvers: [APPROVER], deadline: '1h' },
});

async function openGate() {
  const run = await startConnection(t.harness, request, { activities: t.world.activities });
  await run.until((r) => r.timeline.some((e) => e.kind === 'timer-started'));
  const progress = await progressOf(run);
  expect(progress.pendingGate?.gate).toBe('register-remote');
  return { run, change: progress.pendingGate!.change! };
}

/** A hand-made change on the local cluster while the gate waits (another operator, another tool). */
async function setByHand(settings: Record<string, unknown>): Promise<void> {
  const registry = createEnvironmentRegistry(
    resolveEnvironments(EnvironmentsFile.parse(structuredClone(t.world.simulator.config)), { env: {} }),
  );
  const ece = registry.ece('ece-a');
  const { deployment } = await getDeployment(ece, DEFAULT_IDS.a9);
  const url = elasticsearchResource(ece, deployment).info.metadata.service_url;
  await putPersistentSettings(registry.elasticsearch('ece-a', DEFAULT_IDS.a9, url), settings);
}

it('the gate shows the Elasticsearch request and the settings before -> after, with a digest of exactly that', async () => {
  const { run, change } = await openGate();
  expect(digestMatches(change)).toBe(true);
  expect(change.activities).toEqual([
    expect.objectContaining({
      activity: 'registerRemoteCluster',
      requests: [
        expect.objectContaining({
          system: 'elasticsearch',
          environment: 'ece-a',
          method: 'PUT',
          path: '/_cluster/settings',
          body: { persistent: expect.objectContaining({ 'cluster.remote.logs-bound.mode': 'proxy' }) },
        }),
      ],
      changes: expect.arrayContaining([{ what: 'cluster.remote.logs-bound.mode', before: null, after: 'proxy' }]),
    }),
  ]);
  await run.update('approve', await signedApproval(run, 'register-remote', APPROVER));
  expect(((await run.resultValue()) as ConnectionResult).state).toBe('connected');
});

it('a token signed for another change, or for none, is refused; one signed for this change opens the gate', async () => {
  const { run, change } = await openGate();
  const ids = { workflowId: run.workflowId, runId: run.runId, gate: 'register-remote' as const };
  const other = `sha256:${'0'.repeat(64)}`;
  const forOther = await run.update<AuditEntry>('approve', {
    gate: 'register-remote',
    approver: APPROVER,
    token: await sign(APPROVER, { ...ids, decision: 'approve', change: other }),
  });
  expect(forOther).toMatchObject({
    decision: 'refused',
    refusal: expect.stringContaining('signed for another change'),
  });
  const forNone = await run.update<AuditEntry>('approve', {
    gate: 'register-remote',
    approver: APPROVER,
    token: await sign(APPROVER, { ...ids, decision: 'approve' }),
  });
  expect(forNone).toMatchObject({ decision: 'refused', refusal: expect.stringContaining('names no change') });
  expect((await progressOf(run)).state).toBe('awaiting-approval');
  const right = await run.update<AuditEntry>('approve', {
    gate: 'register-remote',
    approver: APPROVER,
    token: await sign(APPROVER, { ...ids, decision: 'approve', change: change.digest }),
  });
  expect(right.decision).toBe('approved');
  expect(((await run.resultValue()) as ConnectionResult).state).toBe('connected');
});

it('a change that differs when the step is about to run asks again, showing the change now', async () => {
  const { run, change } = await openGate();
  // While the gate waits, someone registers the same alias by hand, pointing elsewhere.
  await setByHand({
    'cluster.remote.logs-bound.mode': 'proxy',
    'cluster.remote.logs-bound.proxy_address': 'elsewhere.example:9443',
  });
  await run.update('approve', await signedApproval(run, 'register-remote', APPROVER));
  await run.until((r) => r.timeline.filter((e) => e.kind === 'timer-started').length === 2);
  const progress: Progress = await progressOf(run);
  expect(progress.audit.map((a) => a.decision)).toEqual(['requested', 'approved', 'superseded', 'requested']);
  const now = progress.pendingGate!.change!;
  expect(now.digest).not.toBe(change.digest);
  // The approver now sees that the step would overwrite the hand-made address.
  expect(now.activities[0]!.changes).toContainEqual({
    what: 'cluster.remote.logs-bound.proxy_address',
    before: 'elsewhere.example:9443',
    after: expect.stringMatching(/:9443$/),
  });
  expect(now.activities[0]!.changes.map((c) => c.what)).not.toContain('cluster.remote.logs-bound.mode');
  expect(await pendingChange(run)).toBe(now.digest);
  await run.update('approve', await signedApproval(run, 'register-remote', APPROVER));
  expect(((await run.resultValue()) as ConnectionResult).state).toBe('connected');
});
