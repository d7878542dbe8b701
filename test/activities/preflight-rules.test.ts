/**
 * Preflight's refusal rules as tables: each row is a snapshot (what preflight read) and a request,
 * and the refusals a user would read in the PreflightRefused message. No simulator: the rules are
 * pure functions over the snapshot.
 */
import { ConnectionRequest } from '../../domain';
import { type PreflightSnapshot } from '../../activities/steps/preflight-reads';
import {
  REFUSAL_RULES,
  assessVersions,
  type RefusalRule,
  aliasKeystoreFree,
  aliasSettingsFree,
  connectionHeldElsewhere,
  pendingPlanNotes,
  deploymentsReady,
  modelSupported,
  remoteCredentialCanCreateKeys,
  roleFieldsSupported,
  roleNamesFree,
  rolesOfRun,
} from '../../activities/steps/preflight-rules';
import { apiKeyMetadata, apiKeyName, ROLE_MARK_KEY } from '../../activities/marks';
import { apiKeyRequest, certificateRequest } from '../domain/fixtures';

const CONNECTION = 'crosslink.ece-a.a9.logs-b';
const apiKey = ConnectionRequest.parse(apiKeyRequest());
const certificate = ConnectionRequest.parse(certificateRequest());

function deployment(side: 'local' | 'remote', version = '8.15.1') {
  return {
    facts: {
      environment: side === 'local' ? 'ece-a' : 'ece-b',
      deploymentId: `${side}-deployment`,
      name: side,
      refId: 'main-elasticsearch',
      region: 'ece-region',
      version,
      clusterId: `${side}-cluster`,
      endpoint: `${side}.example`,
      esUrl: `https://${side}.example:9243`,
      healthy: true,
      trustBefore: {},
      rolesBefore: [],
    },
    pendingPlan: false,
  };
}

function environment(name: string) {
  return {
    environment: name,
    accountId: `account-${name}`,
    localTrustRelationshipId: `local-${name}`,
    eceVersion: '3.8.0',
    trustRelationshipsBefore: [],
  };
}

/** A snapshot on which no rule refuses; rows change what they need. */
function snapshot(change: (s: PreflightSnapshot) => void = () => undefined): PreflightSnapshot {
  const s: PreflightSnapshot = {
    local: deployment('local'),
    remote: deployment('remote'),
    localEnvironment: environment('ece-a'),
    remoteEnvironment: environment('ece-b'),
    localSettings: {},
    localKeystore: [],
    remoteKeysNamedForRun: [],
    roles: { local: apiKey.roles.map((role) => ({ role, existing: undefined })), remote: [] },
    proxyChain: ['LEAF', 'ROOT'],
    remoteCredentialKind: 'basic',
  };
  change(s);
  return s;
}

const ownKey = {
  id: 'k1',
  name: apiKeyName('logs-b', CONNECTION),
  metadata: apiKeyMetadata(CONNECTION, 'a9', 'logs-b'),
};

interface Row {
  name: string;
  rule: RefusalRule;
  request?: ConnectionRequest;
  snapshot: PreflightSnapshot;
  refusals: string[];
}

const rows: Row[] = [
  { name: 'healthy deployments without plans', rule: deploymentsReady, snapshot: snapshot(), refusals: [] },
  {
    name: 'an unhealthy local deployment and a remote plan in progress (the plan is waited for, not refused)',
    rule: deploymentsReady,
    snapshot: snapshot((s) => {
      s.local.facts.healthy = false;
      s.remote.pendingPlan = true;
    }),
    refusals: ['the local deployment local-deployment (ece-a) is not healthy: repair it in ECE first'],
  },
  {
    name: 'pending plans on both sides',
    rule: deploymentsReady,
    snapshot: snapshot((s) => {
      s.local.pendingPlan = true;
      s.remote.pendingPlan = true;
    }),
    refusals: [],
  },
  { name: 'api_key on 8.14+ both sides', rule: modelSupported, snapshot: snapshot(), refusals: [] },
  {
    name: 'api_key before 8.10',
    rule: modelSupported,
    snapshot: snapshot((s) => (s.local.facts.version = '8.9.2')),
    refusals: [
      'the api_key model needs Elasticsearch 8.14 or later on both sides (local 8.9.2, remote 8.15.1): upgrade, or use the certificate model',
    ],
  },
  {
    name: 'api_key on a beta version without allowBetaApiKeyModel',
    rule: modelSupported,
    snapshot: snapshot((s) => (s.remote.facts.version = '8.12.0')),
    refusals: [
      'the api_key model needs Elasticsearch 8.14 or later on both sides (local 8.15.1, remote 8.12.0); on 8.10-8.13 it was beta: upgrade, or set allowBetaApiKeyModel to accept the beta (the local keystore then needs a reload or restart)',
    ],
  },
  {
    name: 'api_key on a beta version with allowBetaApiKeyModel',
    rule: modelSupported,
    request: { ...apiKey, allowBetaApiKeyModel: true },
    snapshot: snapshot((s) => (s.local.facts.version = '8.12.0')),
    refusals: [],
  },
  {
    name: 'the certificate model on old versions',
    rule: modelSupported,
    request: certificate,
    snapshot: snapshot((s) => (s.local.facts.version = '7.17.0')),
    refusals: [],
  },
  {
    name: 'an API key as the remote credential (api_key model)',
    rule: remoteCredentialCanCreateKeys,
    snapshot: snapshot((s) => (s.remoteCredentialKind = 'apiKey')),
    refusals: [
      `creating a cross-cluster API key needs a user, but the Elasticsearch credentials for the remote deployment ${apiKey.remote.deploymentId} are an API key: configure username/password for it in environments.ece-b.elasticsearch`,
    ],
  },
  {
    name: 'an API key as the remote credential (certificate model)',
    rule: remoteCredentialCanCreateKeys,
    request: certificate,
    snapshot: snapshot((s) => (s.remoteCredentialKind = 'apiKey')),
    refusals: [],
  },
  {
    // Elasticsearch takes remote_indices from 8.10 (the API key model's beta), though the
    // specification marks it 8.14 (docs/sources.md §8A).
    name: 'remote_indices on a local 8.10 and 8.13 (the beta)',
    rule: roleFieldsSupported,
    snapshot: snapshot((s) => (s.local.facts.version = '8.10.4')),
    refusals: [],
  },
  {
    name: 'remote_indices on a local 8.13',
    rule: roleFieldsSupported,
    snapshot: snapshot((s) => (s.local.facts.version = '8.13.4')),
    refusals: [],
  },
  {
    name: 'remote_indices on a local 8.9',
    rule: roleFieldsSupported,
    snapshot: snapshot((s) => (s.local.facts.version = '8.9.2')),
    refusals: [
      'role "remote-logs-reader" uses remote_indices, which Elasticsearch accepts from 8.10 (local is 8.9.2): drop it or upgrade',
    ],
  },
  {
    name: 'remote_cluster on a local 8.14',
    rule: roleFieldsSupported,
    request: {
      ...apiKey,
      roles: [
        { name: 'monitor', local: { remote_cluster: [{ clusters: ['logs-b'], privileges: ['monitor_enrich'] }] } },
      ],
    } as ConnectionRequest,
    snapshot: snapshot((s) => (s.local.facts.version = '8.14.3')),
    refusals: [
      'role "monitor" uses remote_cluster, which Elasticsearch accepts from 8.15 (local is 8.14.3): drop it or upgrade',
    ],
  },
  {
    name: 'the alias set by this connection before (same proxy address and server name)',
    rule: aliasSettingsFree,
    snapshot: snapshot((s) => {
      s.localSettings = {
        'cluster.remote.logs-b.mode': 'proxy',
        'cluster.remote.logs-b.proxy_address': 'remote.example:9443',
        'cluster.remote.logs-b.server_name': 'remote.example',
      };
    }),
    refusals: [],
  },
  {
    name: 'the alias used by a sniff-mode connection crosslink did not create',
    rule: aliasSettingsFree,
    snapshot: snapshot((s) => (s.localSettings = { 'cluster.remote.logs-b.seeds': ['10.0.0.1:9300'] })),
    refusals: [
      `the alias "logs-b" is already used on the local deployment for another remote (cluster.remote.logs-b.seeds = 10.0.0.1:9300), not this connection's remote remote.example:9443 (cluster remote-cluster). If crosslink made it, workflow ${CONNECTION} holds it: disconnect that connection first; otherwise choose another alias`,
    ],
  },
  {
    name: 'the alias pointing at another remote deployment in proxy mode (another connection of the same alias)',
    rule: aliasSettingsFree,
    snapshot: snapshot((s) => {
      s.localSettings = {
        'cluster.remote.logs-b.mode': 'proxy',
        'cluster.remote.logs-b.proxy_address': 'c0ffee.other.example:9443',
        'cluster.remote.logs-b.server_name': 'c0ffee.other.example',
      };
    }),
    refusals: [
      `the alias "logs-b" is already used on the local deployment for another remote (cluster.remote.logs-b.proxy_address = c0ffee.other.example:9443, cluster c0ffee), not this connection's remote remote.example:9443 (cluster remote-cluster). If crosslink made it, workflow ${CONNECTION} holds it: disconnect that connection first; otherwise choose another alias`,
    ],
  },
  {
    name: 'the alias set for this remote in the certificate model (port 9400), asked for in the API key model',
    rule: aliasSettingsFree,
    snapshot: snapshot((s) => {
      s.localSettings = {
        'cluster.remote.logs-b.mode': 'proxy',
        'cluster.remote.logs-b.proxy_address': 'remote.example:9400',
        'cluster.remote.logs-b.server_name': 'remote.example',
      };
    }),
    refusals: [
      `the alias "logs-b" is already used on the local deployment for another remote (cluster.remote.logs-b.proxy_address = remote.example:9400, cluster remote), not this connection's remote remote.example:9443 (cluster remote-cluster). If crosslink made it, workflow ${CONNECTION} holds it: disconnect that connection first; otherwise choose another alias`,
    ],
  },
  {
    name: 'nulled alias settings do not count',
    rule: aliasSettingsFree,
    snapshot: snapshot((s) => (s.localSettings = { 'cluster.remote.logs-b.mode': null })),
    refusals: [],
  },
  {
    name: "a keystore credential backed by this connection's active key",
    rule: aliasKeystoreFree,
    snapshot: snapshot((s) => {
      s.localKeystore = ['cluster.remote.logs-b.credentials'];
      s.remoteKeysNamedForRun = [ownKey];
    }),
    refusals: [],
  },
  {
    name: 'a keystore credential whose key of this connection was invalidated',
    rule: aliasKeystoreFree,
    snapshot: snapshot((s) => {
      s.localKeystore = ['cluster.remote.logs-b.credentials'];
      s.remoteKeysNamedForRun = [{ ...ownKey, invalidated: true }];
    }),
    refusals: [
      `the alias "logs-b" is already used on the local deployment: its keystore holds cluster.remote.logs-b.credentials, which no live API key of this connection on the remote deployment ${apiKey.remote.deploymentId} backs: choose another alias, or disconnect what uses it`,
    ],
  },
  {
    name: "a role of the same name that is this connection's",
    rule: roleNamesFree,
    snapshot: snapshot((s) => {
      s.roles.local[0]!.existing = { metadata: { [ROLE_MARK_KEY]: CONNECTION } };
    }),
    refusals: [],
  },
  {
    name: 'a role of the same name created by someone else, on the remote (certificate model)',
    rule: roleNamesFree,
    request: certificate,
    snapshot: snapshot((s) => {
      s.roles.remote = certificate.roles.map((role) => ({ role, existing: { metadata: {} } }));
    }),
    refusals: [
      'the role "remote-search" already exists on the remote deployment and was not created by this connection: rename the role in the request',
    ],
  },
];

describe('preflight refusal rules', () => {
  it.each(rows)('$name', ({ rule, request, snapshot: s, refusals }) => {
    expect(rule(s, request ?? apiKey, CONNECTION)).toEqual(refusals);
  });

  it('every rule lets the clean snapshot through, for both models', () => {
    for (const request of [apiKey, certificate]) {
      expect(REFUSAL_RULES.flatMap((rule) => rule(snapshot(), request, CONNECTION))).toEqual([]);
    }
  });

  it("counts only the roles that carry this connection's mark as the run's own", () => {
    const s = snapshot((x) => {
      x.roles.local = [
        { role: apiKey.roles[0]!, existing: { metadata: { [ROLE_MARK_KEY]: CONNECTION } } },
        { role: { ...apiKey.roles[0]!, name: 'other' }, existing: undefined },
      ];
    });
    expect(rolesOfRun(s, CONNECTION)).toEqual({ local: ['remote-logs-reader'], remote: [] });
  });
});

describe('pending plans are waited for, and said so', () => {
  it('notes each side with a pending plan and how long writes wait', () => {
    const s = snapshot((x) => {
      x.local.pendingPlan = true;
    });
    expect(pendingPlanNotes(s, 30 * 60_000)).toEqual([
      'the local deployment local-deployment has a pending plan (another change): writes wait for it, up to 30 min',
    ]);
    expect(pendingPlanNotes(snapshot(), 30 * 60_000)).toEqual([]);
    expect(
      pendingPlanNotes(
        snapshot((x) => (x.remote.pendingPlan = true)),
        45_000,
      ),
    ).toEqual([
      'the remote deployment remote-deployment has a pending plan (another change): writes wait for it, up to 45 s',
    ]);
  });
});

describe('one connection, one run', () => {
  const keyOf = (workflowId: string, extra: object = {}) => ({
    ...ownKey,
    metadata: apiKeyMetadata(CONNECTION, 'a9', 'logs-b', { workflowId, runId: 'r-1' }),
    ...extra,
  });
  it.each([
    ['a live key of this connection made by another workflow', [keyOf('other-id')], 'this-id', true],
    ['a live key made by this workflow', [keyOf('this-id')], 'this-id', false],
    ['an invalidated key of another workflow', [keyOf('other-id', { invalidated: true })], 'this-id', false],
    ['a key without a run mark (made before keys carried it)', [ownKey], 'this-id', false],
  ] as const)('%s', (_name, keys, workflowId, refused) => {
    const s = snapshot((x) => (x.remoteKeysNamedForRun = [...keys]));
    const message = connectionHeldElsewhere(s, apiKey, CONNECTION, workflowId);
    if (refused) {
      expect(message).toBe(
        `the connection ${CONNECTION} is already being made or held by workflow other-id (run r-1): its live cross-cluster API key "${ownKey.name}" (k1) is on ${apiKey.remote.deploymentId}. One connection, one run: follow or disconnect that workflow instead of starting another`,
      );
    } else {
      expect(message).toBeUndefined();
    }
  });
});

describe('version assessment', () => {
  it.each([
    ['api_key GA', apiKey, '8.15.1', '9.1.0', { restartExpected: false, note: 'local 8.15.1, remote 9.1.0' }],
    [
      'api_key beta allowed, local 8.12 does not reload its keystore',
      { ...apiKey, allowBetaApiKeyModel: true },
      '8.12.0',
      '8.15.1',
      {
        restartExpected: true,
        note: 'local 8.12.0, remote 8.15.1 (api_key model in beta, allowed by allowBetaApiKeyModel)',
      },
    ],
    [
      'certificate on 9.x is deprecated',
      certificate,
      '9.0.1',
      '8.15.1',
      {
        restartExpected: false,
        note: 'local 9.0.1, remote 8.15.1 (the certificate model is deprecated from 9.0; prefer api_key)',
      },
    ],
  ] as const)('%s', (_name, request, lv, rv, expected) => {
    expect(assessVersions(request as ConnectionRequest, lv, rv)).toEqual(expected);
  });
});
