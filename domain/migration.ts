/**
 * A migration from the certificate model to the API key model, as data: which of its steps apply
 * and why (what each gate shows), from what the inspection read of the certificate connection
 * (MigrationFacts). Pure: the inspection activity decides with these, the workflow only shows them.
 */
import { type CrossClusterAccess } from './connection-request';
import { type MigrationFacts, type RoleGrant } from './records';
import { type Decision, type DecisionFacts, STEP_CATALOG, type StepId } from './step-catalog';

/** The index names of one kind of a key's access, each once, in the order given. */
function accessNames(access: CrossClusterAccess | undefined, kind: 'search' | 'replication'): string[] {
  const names = (access?.[kind] ?? []).flatMap((e) => (Array.isArray(e.names) ? e.names : [e.names]));
  return [...new Set(names)];
}

/** `names` of a role's index entry (a string or a list), as a list. */
function entryNames(entry: unknown): string[] {
  const names = (entry as { names?: unknown }).names;
  return (Array.isArray(names) ? names : [names]).filter((n): n is string => typeof n === 'string');
}

function entryPrivileges(entry: unknown): string[] {
  const privileges = (entry as { privileges?: unknown }).privileges;
  return Array.isArray(privileges) ? privileges.filter((p): p is string => typeof p === 'string') : [];
}

function indexEntries(role: RoleGrant): unknown[] {
  const indices = role.definition.indices;
  return Array.isArray(indices) ? indices : [];
}

/** What the certificate model's remote roles grant, one line per role: `role: read on logs-*`. */
export function remoteGrants(roles: readonly RoleGrant[]): string[] {
  return roles.map((role) => {
    const entries = indexEntries(role).map((e) => `${entryPrivileges(e).join(',')} on ${entryNames(e).join(',')}`);
    return `${role.name}: ${entries.length ? entries.join('; ') : 'no index privileges'}`;
  });
}

/** What the key grants: `search: logs-*; replication: leader-*`. */
export function keyGrants(access: CrossClusterAccess | undefined): string {
  const parts = (['search', 'replication'] as const)
    .map((kind) => [kind, accessNames(access, kind)] as const)
    .filter(([, names]) => names.length > 0)
    .map(([kind, names]) => `${kind}: ${names.join(', ')}`);
  return parts.join('; ') || 'nothing';
}

/**
 * Index patterns, compared as written: the key's names no remote role names (the key reaches
 * further) and the remote roles' names the key does not (it reaches less). Elasticsearch compares
 * patterns by what they match; an approver reads these as "look here", not as a proof.
 */
export function compareGrants(
  roles: readonly RoleGrant[],
  access: CrossClusterAccess | undefined,
): { wider: string[]; narrower: string[] } {
  const granted = new Set(roles.flatMap((r) => indexEntries(r).flatMap(entryNames)));
  const keyed = new Set([...accessNames(access, 'search'), ...accessNames(access, 'replication')]);
  return {
    wider: [...keyed].filter((n) => !granted.has(n)),
    narrower: [...granted].filter((n) => !keyed.has(n)),
  };
}

/** `*` wildcards, as Elasticsearch matches index names against a key's `names`. */
function simpleMatch(pattern: string, name: string): boolean {
  const source = pattern
    .split('*')
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(name);
}

/**
 * What the key's `access.replication` would refuse: a follower's leader index, or an auto-follow
 * pattern's leader pattern, that no replication entry covers (resuming it would be refused, 403).
 */
export function uncoveredReplication(
  facts: Pick<MigrationFacts, 'followers' | 'patterns'>,
  access: CrossClusterAccess | undefined,
): string[] {
  const names = accessNames(access, 'replication');
  const covered = (index: string) => names.some((n) => simpleMatch(n, index));
  return [
    ...facts.followers
      .filter((f) => !covered(f.leaderIndex))
      .map((f) => `follower ${f.name} (leader ${f.leaderIndex})`),
    ...facts.patterns.flatMap((p) =>
      p.leaderIndexPatterns.filter((l) => !covered(l)).map((l) => `auto-follow pattern ${p.name} (leader ${l})`),
    ),
  ];
}

function list(items: readonly string[], none = 'none'): string {
  return items.length ? items.join(', ') : none;
}

function jobs(facts: MigrationFacts): string {
  const running = (kind: string, found: MigrationFacts['transforms']) =>
    found.map((j) => `${kind} ${j.id} (${j.state}, reads ${j.indices.join(',')})`);
  const all = [...running('transform', facts.transforms), ...running('datafeed', facts.datafeeds)];
  const unread = facts.unread.length ? `; could not be listed: ${facts.unread.join('; ')}` : '';
  return all.length
    ? `read through the alias and are not stopped by crosslink (confirm they may be interrupted, or stop them first): ${all.join(', ')}${unread}`
    : `no transform or datafeed reads through the alias${unread}`;
}

/** What a migration asks at each step, and why: the inspection's decisions. */
export function decideMigration(connect: DecisionFacts, facts: MigrationFacts): Partial<Record<StepId, Decision>> {
  const { request } = connect;
  const alias = request.alias;
  const { wider, narrower } = compareGrants(facts.remoteRoles, request.access);
  const activeFollowers = facts.followers.filter((f) => f.status === 'active').map((f) => f.name);
  const pausedFollowers = facts.followers.filter((f) => f.status === 'paused').map((f) => f.name);
  const activePatterns = facts.patterns.filter((p) => p.active).map((p) => p.name);
  const certificateAddress = String(facts.settings[`cluster.remote.${alias}.proxy_address`] ?? '?');
  return {
    'api-key': [
      true,
      [
        `a cross-cluster API key on ${request.remote.deploymentId} granting ${keyGrants(request.access)}`,
        `today the certificate model's remote roles grant ${list(remoteGrants(facts.remoteRoles), 'nothing crosslink knows of (no roles of this connection on the remote)')}`,
        `the key reaches further on: ${list(wider)}`,
        `less far on: ${list(narrower)}`,
      ].join('; '),
    ],
    'proxy-ca': STEP_CATALOG['proxy-ca'].decide(connect),
    'pause-replication': [
      true,
      [
        `the alias ${alias} stops working from the keystore write until the switch verifies`,
        `pauses the active followers (${list(activeFollowers)}) and auto-follow patterns (${list(activePatterns)}) replicating through it`,
        `already paused and left so: ${list([...pausedFollowers, ...facts.patterns.filter((p) => !p.active).map((p) => p.name)])}`,
        `transforms and datafeeds: ${jobs(facts)}`,
      ].join('; '),
    ],
    keystore: [true, `cluster.remote.${alias}.credentials in the local keystore (the new key)`],
    'register-remote': [
      true,
      `cluster.remote.${alias} switched from ${certificateAddress} to ${connect.expectedAddress} (the certificate settings recorded: the undo writes them back)`,
    ],
    restart: STEP_CATALOG.restart.decide(connect),
    verify: [true, '_remote/info connected with cluster_credentials, then _resolve/cluster'],
    roles:
      request.roles.length > 0
        ? [
            true,
            `${request.roles.map((r) => r.name).join(', ')} on the local deployment get the API key model's remote privileges`,
          ]
        : [false, 'the connection has no roles to move'],
    'resume-replication': [true, 'resumes exactly what the pause paused and waits until the followers read again'],
    'retire-certificate': [
      true,
      `after its own gate, no rollback: removes the trust.external allowlist entries, the trust relationships and the remote roles (${list(facts.remoteRoles.map((r) => r.name))}) of this connection that nothing else uses`,
    ],
  };
}
