/**
 * verify's diagnosis as a table: what `_remote/info`, the probe and the ingredient reads showed,
 * and the most likely cause a user reads in the VerificationFailed message. No simulator.
 */
import { type StepInput } from '../../domain';
import { ConnectionRequest } from '../../domain';
import { type Ingredients, diagnose } from '../../activities/steps/verify';
import { apiKeyMetadata, apiKeyName } from '../../activities/marks';
import { createCa } from '../../simulator/certs';
import { apiKeyRequest, certificateRequest } from '../domain/fixtures';

const CONNECTION = 'crosslink.ece-a.a9.logs-b';
let rootPem = '';
beforeAll(async () => {
  rootPem = (await createCa('proxy root')).certPem;
});

function facts(side: 'local' | 'remote') {
  return {
    environment: side === 'local' ? 'ece-a' : 'ece-b',
    deploymentId: `${side}-deployment`,
    name: side,
    refId: 'main-elasticsearch',
    region: 'ece-region',
    version: '8.15.1',
    clusterId: `${side}-cluster`,
    endpoint: `${side}.example`,
    esUrl: `https://${side}.example:9243`,
    healthy: true,
    trustBefore: {},
    rolesBefore: [],
  };
}

function stepInput(model: 'api_key' | 'certificate'): StepInput {
  const request = ConnectionRequest.parse(model === 'api_key' ? apiKeyRequest() : certificateRequest());
  const env = (name: string) => ({
    environment: name,
    accountId: `account-${name}`,
    localTrustRelationshipId: `local-${name}`,
    eceVersion: '3.8.0',
    trustRelationshipsBefore: [],
  });
  return {
    connectionId: CONNECTION,
    request,
    preflight: {
      connectionId: CONNECTION,
      model,
      local: facts('local'),
      remote: facts('remote'),
      localEnvironment: env('ece-a'),
      remoteEnvironment: env('ece-b'),
      ...(model === 'api_key'
        ? { proxyCa: { rootPem, fingerprintSha256: 'ab', subject: 'CN=proxy root', private: true } }
        : {}),
      restartExpected: false,
      attempt: 1,
    },
  };
}

const apiKeyEntry = {
  connected: false,
  mode: 'proxy',
  proxy_address: 'remote.example:9443',
  server_name: 'remote.example',
  cluster_credentials: '::es_redacted::',
};
const certEntry = { ...apiKeyEntry, proxy_address: 'remote.example:9400', cluster_credentials: undefined };
const ownKey = {
  id: 'k1',
  name: apiKeyName('logs-b', CONNECTION),
  metadata: apiKeyMetadata(CONNECTION, 'a9', 'logs-b'),
};
/** Every ingredient of the API key model in place (a thunk: the proxy root exists once beforeAll ran). */
const allApiKeyIngredients = (): Ingredients => ({
  keystore: ['cluster.remote.logs-b.credentials'],
  keys: [ownKey],
  localTrust: { direct: [{ name: 'proxy-ca', type: 'proxy', trust_all: true, certificates: [{ pem: rootPem }] }] },
  trust: [],
});
const relationship = (side: 'local' | 'remote') => ({
  id: `rel-${side}`,
  name: 'peer',
  local: false,
  account_ids: [side === 'local' ? 'account-ece-b' : 'account-ece-a'],
});
const trusting = (side: 'local' | 'remote', peer: string) => ({
  side,
  trust: { external: [{ trust_relationship_id: `rel-${side}`, trust_all: false, trust_allowlist: [peer] }] },
  relationships: [relationship(side)],
});

const rows: Array<
  [string, 'api_key' | 'certificate', object | undefined, object | undefined, () => Ingredients, string]
> = [
  [
    'no _remote/info entry',
    'api_key',
    undefined,
    undefined,
    () => ({ trust: [] }),
    'the alias is not registered on the local cluster (cluster.remote.logs-b settings are missing)',
  ],
  [
    'the certificate port on the API key model',
    'api_key',
    { ...apiKeyEntry, proxy_address: 'remote.example:9400' },
    undefined,
    allApiKeyIngredients,
    'wrong port: proxy_address is remote.example:9400 but the api_key model uses port 9443',
  ],
  [
    'no credential in the keystore',
    'api_key',
    apiKeyEntry,
    undefined,
    () => ({ ...allApiKeyIngredients(), keystore: [] }),
    'key missing: the local keystore has no cluster.remote.logs-b.credentials',
  ],
  [
    "the connection's key invalidated",
    'api_key',
    apiKeyEntry,
    undefined,
    () => ({ ...allApiKeyIngredients(), keys: [{ ...ownKey, invalidated: true }] }),
    'key invalid: the cross-cluster API key of this connection on the remote is invalidated, expired or gone',
  ],
  [
    'the private proxy CA missing from trust.direct',
    'api_key',
    apiKeyEntry,
    undefined,
    () => ({ ...allApiKeyIngredients(), localTrust: { direct: [] } }),
    "CA not trusted: the remote proxy root CA (CN=proxy root) is private and the local deployment's trust.direct does not hold it",
  ],
  [
    'the credential not loaded yet',
    'api_key',
    { ...apiKeyEntry, cluster_credentials: undefined },
    undefined,
    allApiKeyIngredients,
    'the keystore credential is not loaded yet: reload secure settings or restart the local deployment',
  ],
  [
    'everything in place, the probe says a handshake failed',
    'api_key',
    apiKeyEntry,
    { connected: false, skip_unavailable: true, error: 'SSL handshake failed' },
    allApiKeyIngredients,
    'CA not trusted: the TLS handshake with the remote failed (SSL handshake failed)',
  ],
  [
    'everything in place and a silent probe',
    'api_key',
    apiKeyEntry,
    undefined,
    allApiKeyIngredients,
    'every ingredient is in place, so the network is the likely cause: check that the local allocators reach remote.example:9443 (firewall, IP filters)',
  ],
  [
    'the remote environment has no relationship for the local one',
    'certificate',
    certEntry,
    undefined,
    () => ({
      trust: [trusting('local', 'remote-cluster'), { ...trusting('remote', 'local-cluster'), relationships: [] }],
    }),
    'trust missing one way: ece-b has no trust relationship for ece-a',
  ],
  [
    'the local deployment does not allowlist the remote cluster',
    'certificate',
    certEntry,
    undefined,
    () => ({ trust: [trusting('local', 'someone-else'), trusting('remote', 'local-cluster')] }),
    'trust missing one way: the local deployment does not trust the remote cluster (trust.external of local-deployment lacks remote-cluster)',
  ],
];

describe("verify's diagnosis", () => {
  it.each(rows)('%s', (_name, model, entry, probe, found, mostLikely) => {
    const causes = diagnose(stepInput(model), entry as never, probe as never, found());
    expect(causes[0]).toBe(mostLikely);
  });
});
