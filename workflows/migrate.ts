/**
 * `crosslink migrate` (workflow type MIGRATE_WORKFLOW, workflow id = the connection id): the
 * MIGRATE plan (domain/plans.ts) on the inspected certificate connection, Elastic's "Migrate
 * remote clusters from certificate to API key authentication" done in place: the same alias, the
 * followers and auto-follow patterns that replicate through it paused and resumed (never
 * re-created), the cross-cluster API key, the keystore credential, the alias switched to the API
 * key port and verified, the local roles moved, and, after its own gate, the certificate trust
 * only this connection used removed. Until that gate is approved, any failure, rejection, deadline
 * or cancellation puts the certificate connection back as it was.
 */
import {
  type CreatedResource,
  type KeptResource,
  MIGRATE,
  migrationInspection,
  MigrateRequest,
  type MigrateRequestInput,
  type MigrationReport,
  type ReplicationPauseRecord,
  type ReplicationResumeRecord,
  type RetirementRecord,
  type VerificationReport,
  connectionId,
} from '../domain';
import { inspectForPlan } from './engine/lifecycle';
import { badInput } from './lifecycle-input';

export async function migrateConnection(input: MigrateRequestInput): Promise<MigrationReport> {
  const parsed = MigrateRequest.safeParse(input);
  if (!parsed.success) throw badInput('request', parsed.error);
  const ask = parsed.data;
  const id = connectionId(ask);
  const { runner, progress } = await inspectForPlan(MIGRATE, migrationInspection(id, ask), undefined);
  await runner.run(MIGRATE);
  progress.finished('connected');
  const [pause] = runner.records('pause-replication') as ReplicationPauseRecord[];
  const [resume] = runner.records('resume-replication') as ReplicationResumeRecord[];
  const retired = [
    ...runner.records('retire-certificate'),
    ...runner.records('retire-platform-trust'),
    ...runner.records('retire-remote-roles'),
  ] as RetirementRecord[];
  const changes = [
    ...runner.records('api-key'),
    ...runner.records('proxy-ca'),
    ...runner.records('pause-replication'),
    ...runner.records('migrate-keystore'),
    ...runner.records('switch-remote'),
    ...runner.records('restart'),
    ...runner.records('migrate-roles'),
    ...runner.records('resume-replication'),
    ...retired,
  ].map((r) => r.detail ?? '');
  const none = { followers: [], patterns: [] };
  return {
    connectionId: id,
    operation: 'migrate',
    state: 'connected',
    model: 'api_key',
    changes: changes.filter(Boolean),
    paused: pause?.paused ?? none,
    resumed: resume?.resumed ?? none,
    interrupted: pause?.interrupted ?? { transforms: [], datafeeds: [] },
    removed: retired.flatMap((r): CreatedResource[] => r.removed),
    kept: retired.flatMap((r): KeptResource[] => r.kept),
    // The last check, without the certificate trust, when it ran.
    verification: (runner.records('verify')[0] as VerificationReport | undefined)?.detail ?? '',
  };
}
