/**
 * What a migration's gates show and refuse (domain/migration.ts), as pure functions: the remote
 * roles' grants beside the key's, and the followers and patterns a key's replication access misses.
 */
import { compareGrants, keyGrants, remoteGrants, uncoveredReplication } from '../../domain';

const roles = [
  { name: 'reader', definition: { indices: [{ names: ['logs-*', 'metrics-*'], privileges: ['read'] }] } },
  { name: 'empty', definition: {} },
];

test('the remote roles and the key, side by side: where the key reaches further and where less far', () => {
  const access = { search: [{ names: ['logs-*', 'traces-*'] }], replication: [{ names: 'leader-*' }] };
  expect(remoteGrants(roles)).toEqual(['reader: read on logs-*,metrics-*', 'empty: no index privileges']);
  expect(keyGrants(access)).toBe('search: logs-*, traces-*; replication: leader-*');
  expect(compareGrants(roles, access)).toEqual({ wider: ['traces-*', 'leader-*'], narrower: ['metrics-*'] });
  expect(compareGrants(roles, { search: [{ names: ['logs-*', 'metrics-*'] }] })).toEqual({ wider: [], narrower: [] });
});

test('followers and auto-follow patterns whose leaders the key does not grant replication on', () => {
  const facts = {
    followers: [
      { name: 'copy-a', leaderIndex: 'leader-a', status: 'active' as const },
      { name: 'copy-b', leaderIndex: 'other-b', status: 'paused' as const },
    ],
    patterns: [{ name: 'auto', active: true, leaderIndexPatterns: ['leader-auto-*', 'misc-*'] }],
  };
  expect(uncoveredReplication(facts, { replication: [{ names: ['leader-*'] }] })).toEqual([
    'follower copy-b (leader other-b)',
    'auto-follow pattern auto (leader misc-*)',
  ]);
  expect(uncoveredReplication(facts, { search: [{ names: ['*'] }] })).toHaveLength(4);
  expect(uncoveredReplication(facts, { replication: [{ names: ['*'] }] })).toEqual([]);
});
