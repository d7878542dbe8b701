/**
 * The built-in topology: two environments, deployments on 9.1.3, 8.15.1 and 8.13.4 in each, and on
 * ece-a's 8.15 deployment things that exist before crosslink and that it must never touch.
 */
import { DEFAULT_IDS } from './api';
import { type TopologyInput } from './topology';

export const DEFAULT_ACCOUNTS = {
  'ece-a': 'ac0000000000000000000000000000a1',
  'ece-b': 'ac0000000000000000000000000000b2',
} as const;

/** A pre-existing relationship in ece-a with a third environment ("ece-legacy") that is not simulated. */
export const LEGACY_TRUST_RELATIONSHIP_ID = '1e9ac7000000000000000000000000c3';
const LEGACY_ACCOUNT = 'ac0000000000000000000000000000c3';

/** Every ES deployment gets one REST API key, for the "cross-cluster key needs a user" rule. */
const opsKey = { name: 'ops-automation', type: 'rest' as const, metadata: { owner: 'ops' } };

export const DEFAULT_TOPOLOGY: TopologyInput = {
  environments: {
    'ece-a': {
      accountId: DEFAULT_ACCOUNTS['ece-a'],
      installationId: 'e1a00000000000000000000000000001',
      proxyCa: 'public',
      trustRelationships: [
        {
          id: LEGACY_TRUST_RELATIONSHIP_ID,
          name: 'ece-legacy',
          account_ids: [LEGACY_ACCOUNT],
          installation_id: 'e1c00000000000000000000000000003',
        },
      ],
      deployments: [
        { id: DEFAULT_IDS.a9, name: 'search-a-9', version: '9.1.3', apiKeys: [opsKey] },
        {
          id: DEFAULT_IDS.a815,
          name: 'search-a-815',
          version: '8.15.1',
          apiKeys: [opsKey],
          trust: {
            accounts: [{ account_id: DEFAULT_ACCOUNTS['ece-a'], trust_all: true }],
            external: [
              {
                trust_relationship_id: LEGACY_TRUST_RELATIONSHIP_ID,
                trust_all: false,
                trust_allowlist: ['c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3'],
              },
            ],
            direct: [
              {
                name: 'legacy-self-managed',
                type: 'generic',
                trust_all: false,
                scope_id: 'legacyselfmanaged',
                trust_allowlist: ['legacy-node-1'],
              },
            ],
          },
          keystore: { 's3.client.default.secret_key': 'pre-existing-s3-secret' },
          persistentSettings: {
            'cluster.remote.legacy-remote.mode': 'sniff',
            'cluster.remote.legacy-remote.seeds': ['10.20.30.40:9300'],
            'cluster.remote.legacy-remote.skip_unavailable': true,
          },
          roles: {
            analyst: {
              cluster: ['monitor'],
              indices: [{ names: ['logs-*'], privileges: ['read', 'view_index_metadata'] }],
              metadata: { owner: 'analytics-team' },
            },
          },
        },
        { id: DEFAULT_IDS.a813, name: 'search-a-813', version: '8.13.4', apiKeys: [opsKey] },
      ],
    },
    'ece-b': {
      accountId: DEFAULT_ACCOUNTS['ece-b'],
      installationId: 'e1b00000000000000000000000000002',
      proxyCa: 'private',
      deployments: [
        { id: DEFAULT_IDS.b9, name: 'logs-b-9', version: '9.1.3', apiKeys: [opsKey] },
        { id: DEFAULT_IDS.b815, name: 'logs-b-815', version: '8.15.1', apiKeys: [opsKey] },
        { id: DEFAULT_IDS.b813, name: 'logs-b-813', version: '8.13.4', apiKeys: [opsKey] },
      ],
    },
  },
};
