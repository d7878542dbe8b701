/**
 * The migration part of a certificate-model matrix cell: through the connected alias a follower and
 * an auto-follow pattern, then every Elasticsearch request `crosslink migrate` sends, as its
 * activities send them: the inspection's reads, the pause, the keystore credential, the switch of
 * the alias to 9443 (with a reload, or a restart where the version needs one), verify with the API
 * key, the local roles moved, the resume; then every undo (roles back as read, settings back,
 * credential removed and unloaded, what was paused resumed, proxy CA and key removed) and verify
 * with certificates again. The retire rows' requests are ECE trust writes and role deletes, which the
 * connect cell already sends. Set-up and clean-up requests are sent as a user would.
 */
import { type StepInput } from '../../domain/activities';
import { type EsClient } from '../../activities/elasticsearch/client';
import { type Harness } from '../activities/support/harness';
import { CCR_LEADER_NAMES } from './ccr-cell';

export interface MigrationCell {
  local: EsClient;
  remote: { environment: string; deploymentId: string };
  /** The certificate connection's step input. */
  input: StepInput;
  tag: string;
}

/** What the migration's requests saw; a green cell sees expectedMigrationOutcome. */
export interface MigrationOutcome {
  paused: string[];
  loadedBy: string;
  verifiedWithKey: boolean;
  resumed: string[];
  followingAfterResume: string[];
  rolledBack: string[];
  verifiedWithCertificates: boolean;
  followerStatusAfterRollback: string | undefined;
}

const names = (tag: string) => {
  const leader = `ccr-mig-${tag.replace(/\./g, '-')}`;
  return { leader, follower: `${leader}-copy`, pattern: `${leader}-auto` };
};

export function expectedMigrationOutcome(cell: Pick<MigrationCell, 'tag'>, localVersion: string): MigrationOutcome {
  const { follower, pattern } = names(cell.tag);
  const restarts = /^8\.1[0-3]\./.test(localVersion);
  return {
    paused: [follower, pattern],
    loadedBy: restarts ? 'restart' : 'automatic',
    verifiedWithKey: true,
    resumed: [follower, pattern],
    followingAfterResume: [follower],
    rolledBack: [
      'restoreMigratedRoles',
      'restoreRemoteCluster',
      'removeMigratedCredentials',
      'resumePausedReplication',
    ],
    verifiedWithCertificates: true,
    followerStatusAfterRollback: 'active',
  };
}

export async function runMigrationRequests(h: Harness, cell: MigrationCell): Promise<MigrationOutcome> {
  const { local: es, remote, input: certificate } = cell;
  const alias = certificate.request.alias;
  const { leader, follower, pattern } = names(cell.tag);
  h.sim.ccr.createIndex(remote.environment, remote.deploymentId, leader, 2);
  await es.http.request({
    method: 'PUT',
    path: `/${follower}/_ccr/follow`,
    query: { wait_for_active_shards: 1 },
    body: { remote_cluster: alias, leader_index: leader },
  });
  await es.http.request({
    method: 'PUT',
    path: `/_ccr/auto_follow/${pattern}`,
    body: { remote_cluster: alias, leader_index_patterns: [`${leader}-auto-*`] },
  });

  const inspected = await h.run('inspectConnection', {
    connectionId: certificate.connectionId,
    operation: 'migrate',
    requestedBy: 'tester',
    gates: [],
    deadline: '1h',
    change: {
      access: { search: [{ names: ['logs-*'] }], replication: [{ names: [CCR_LEADER_NAMES] }] },
      verifyTimeout: '2s',
      allowBetaApiKeyModel: true,
    },
  });
  const input: StepInput = {
    connectionId: certificate.connectionId,
    request: inspected.request,
    preflight: inspected.preflight,
  };
  const key = await h.run('createCrossClusterApiKey', input);
  await h.run('ensureProxyCaTrust', input);
  const pause = await h.run('pauseReplication', input);
  await h.run('writeKeystoreCredentials', { ...input, apiKey: key });
  await h.run('switchRemoteCluster', input);
  let load = await h.run('reloadSecureSettings', input);
  const restarted = !load.loaded;
  if (restarted) load = await h.run('restartElasticsearch', input);
  const verifiedWithKey = (await h.run('verifyRemoteConnection', input)).connected;
  await h.run('createRoles', { ...input, side: 'local' });
  const resume = await h.run('resumeReplication', { ...input, paused: pause.paused });

  // Every undo, newest first, as a rollback runs them.
  const rolledBack: string[] = [];
  const undo = async (name: string, run: () => Promise<unknown>) => {
    await run();
    rolledBack.push(name);
  };
  await undo('restoreMigratedRoles', () => h.run('restoreMigratedRoles', { ...input, side: 'local' }));
  await undo('restoreRemoteCluster', () => h.run('restoreRemoteCluster', input));
  await undo('removeMigratedCredentials', () =>
    h.run('removeMigratedCredentials', { ...input, apiKey: key, restart: restarted }),
  );
  await undo('resumePausedReplication', () => h.run('resumePausedReplication', { ...input, paused: pause.paused }));
  await h.run('removeProxyCaTrust', input);
  await h.run('invalidateCrossClusterApiKey', input);
  const verifiedWithCertificates = (await h.run('verifyRemoteConnection', certificate)).connected;
  const followerStatusAfterRollback = h.sim.ccr.index(es.environment, es.deploymentId, follower)?.follower?.status;

  // Clean-up: the follower becomes a regular index; the pattern goes.
  await es.http.request({ method: 'POST', path: `/${follower}/_ccr/pause_follow` });
  await es.http.request({ method: 'POST', path: `/${follower}/_close` });
  await es.http.request({ method: 'POST', path: `/${follower}/_ccr/unfollow` });
  await es.http.request({ method: 'DELETE', path: `/_ccr/auto_follow/${pattern}` });
  return {
    paused: [...pause.paused.followers, ...pause.paused.patterns],
    loadedBy: load.via,
    verifiedWithKey,
    resumed: [...resume.resumed.followers, ...resume.resumed.patterns],
    followingAfterResume: resume.following.map((f) => f.follower),
    rolledBack,
    verifiedWithCertificates,
    followerStatusAfterRollback,
  };
}
