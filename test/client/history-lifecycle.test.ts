/**
 * `crosslink history` of the lifecycle operations: the operation is named (not "requested" like a
 * connect), a disconnect's end says what was removed and what was kept and why (it does not say
 * "connected"), rotate's own activities are shown under the steps they belong to, and a migration
 * ends "connected" with what it changed and the certificate trust it retired.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { type temporal } from '@temporalio/proto';
import { auditTrailFromHistory } from '../../client/cli/history/audit-trail';
import { renderHistory } from '../../client/cli/render/history';
import { historyFromJSON } from '../harness/sdk-internals';
import { DISCONNECT_WORKFLOW, ROTATE_WORKFLOW, type DisconnectReport } from '../../domain';

type Event = temporal.api.history.v1.IHistoryEvent;
const ID = 'crosslink.ece-a.a9000000000000000000000000000001.logs-b';
const payloads = (value: unknown) => ({ payloads: [defaultPayloadConverter.toPayload(value)!] });
let eventId = 0;
const event = (attributes: Partial<Event>): Event => ({
  eventId: ++eventId as unknown as Event['eventId'],
  eventTime: { seconds: 1_790_000_000 + eventId, nanos: 0 } as never,
  ...attributes,
});
const started = (type: string, input: unknown) =>
  event({ workflowExecutionStartedEventAttributes: { workflowType: { name: type }, input: payloads(input) } });
const activity = (name: string, input: unknown, result: unknown): Event[] => {
  const scheduled = event({
    activityTaskScheduledEventAttributes: { activityType: { name }, input: payloads(input) },
  });
  return [
    scheduled,
    event({ activityTaskStartedEventAttributes: { scheduledEventId: scheduled.eventId, attempt: 1 } }),
    event({ activityTaskCompletedEventAttributes: { scheduledEventId: scheduled.eventId, result: payloads(result) } }),
  ];
};
const completed = (result: unknown) =>
  event({ workflowExecutionCompletedEventAttributes: { result: payloads(result) } });

it('a disconnect names the connection and ends "disconnected" with what was removed and what was kept, and why', () => {
  const report: DisconnectReport = {
    connectionId: ID,
    state: 'disconnected',
    found: 'certificate connection to b9 (ece-b)',
    removed: [
      {
        step: 'register-remote',
        environment: 'ece-a',
        kind: 'remote-cluster-settings',
        id: 'logs-b',
        description: 'cluster.remote.logs-b.* on a9',
      },
    ],
    kept: [
      {
        resource: {
          step: 'platform-trust',
          environment: 'ece-b',
          kind: 'trust-relationship',
          id: 'rel-1',
          description: 'trust relationship "crosslink ece-a 1234abcd" in ece-b',
        },
        reason: 'still used by the trust.external of b7',
      },
    ],
    failures: [],
  };
  const history = {
    events: [
      started(DISCONNECT_WORKFLOW, { connectionId: ID, requestedBy: 'alice', reason: 'decommissioned' }),
      ...activity(
        'removePlatformTrust',
        { side: 'remote' },
        { detail: 'kept rel-1 (still used by the trust.external of b7)', removed: [] },
      ),
      completed(report),
    ],
  };
  const trail = auditTrailFromHistory(history, ID);
  expect(trail.entries[0]).toMatchObject({ operation: 'disconnect', connection: ID, by: 'alice' });
  expect(trail.entries.at(-1)).toMatchObject({ kind: 'closed', outcome: 'disconnected' });
  const text = renderHistory(trail);
  expect(text).toMatch(/disconnect requested\s+by alice; connection crosslink\.ece-a\.\S+; reason "decommissioned"/);
  expect(text).toMatch(/platform-trust \(undo\) \[remote\]\s+completed \(removePlatformTrust\): kept rel-1/);
  expect(text).toContain(
    'disconnected: removed cluster.remote.logs-b.* on a9. kept trust relationship "crosslink ece-a 1234abcd" in ece-b (still used by the trust.external of b7)',
  );
  expect(text).not.toMatch(/closed\s+connected/);
});

it('a rotation shows its activities under their steps and ends with what it changed', () => {
  const history = {
    events: [
      started(ROTATE_WORKFLOW, {
        local: { environment: 'ece-a', deploymentId: 'a9' },
        alias: 'logs-b',
        requestedBy: 'alice',
      }),
      ...activity('inspectConnection', {}, { detail: 'api_key connection to b9' }),
      ...activity('createRotatedApiKey', {}, { detail: 'created key k2' }),
      ...activity('reloadRotatedCredentials', {}, { detail: 'reloaded' }),
      ...activity('invalidateReplacedApiKey', {}, { detail: 'invalidated the old key k1' }),
      completed({
        connectionId: ID,
        operation: 'rotate',
        state: 'connected',
        changes: ['created key k2', 'invalidated the old key k1'],
        verification: 'ok',
      }),
    ],
  };
  const text = renderHistory(auditTrailFromHistory(history, ID));
  expect(text).toMatch(/rotate requested\s+by alice; ece-a\/a9 remote cluster "logs-b"/);
  expect(text).toMatch(/preflight\s+completed \(inspectConnection\)/);
  expect(text).toMatch(/api-key\s+completed \(createRotatedApiKey\): created key k2/);
  expect(text).toMatch(/restart\s+completed \(reloadRotatedCredentials\)/);
  expect(text).toMatch(/api-key\s+completed \(invalidateReplacedApiKey\)/);
  expect(text).not.toContain('(undo)');
  expect(text).toMatch(/closed\s+connected: created key k2; invalidated the old key k1/);
});

it('a recorded migration names the operation and ends "connected" with what it changed and what it retired', () => {
  const file = join(__dirname, '../replay/histories/0.3.0/migrated.json');
  const history = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
  const id = 'crosslink.ece-a.a8150000000000000000000000000002.migrated-b';
  const trail = auditTrailFromHistory(history, id);
  expect(trail.entries[0]).toMatchObject({ operation: 'migrate', alias: 'migrated-b' });
  expect(trail.entries.at(-1)).toMatchObject({ kind: 'closed', outcome: 'connected' });
  const text = renderHistory(trail);
  expect(text).toMatch(/migrate requested\s+by automation/);
  expect(text).toMatch(/pause-replication\s+completed \(pauseReplication\): paused 1 follower\(s\) \(leader-1-copy\)/);
  expect(text).toMatch(
    /register-remote\s+completed \(switchRemoteCluster\): switched migrated-b from \S+:9400 to \S+:9443/,
  );
  expect(text).toMatch(/connected: .*resumed 1 follower\(s\).*\. removed /);
});
