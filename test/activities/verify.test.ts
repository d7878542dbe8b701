import { type StepInput } from '../../domain/activities';
import { connectionId } from '../../domain/connection-request';
import { putPersistentSettings } from '../../activities/elasticsearch/cluster';
import {
  DEFAULT_IDS,
  type Harness,
  apiKeyRequest,
  certificateRequest,
  failureOf,
  runPreflight,
  startHarness,
} from './support/harness';

/**
 * A fresh simulator per test: each case leaves deployment-level state behind (the proxy CA trust,
 * keystore entries, remote settings), and a case that fails midway must not hand it to the next.
 */
let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

/** Short verify timeout: each failing case waits this long. */
const quick = { verifyTimeout: '300ms' };

async function apiKeyInput(): Promise<StepInput> {
  const request = apiKeyRequest(quick);
  return { connectionId: connectionId(request), request, preflight: await runPreflight(h, request) };
}

/** Every API key ingredient except those listed. */
async function apiKeyConnection(skip: Array<'proxy-ca' | 'keystore' | 'register'>): Promise<StepInput> {
  const input = await apiKeyInput();
  const key = await h.run('createCrossClusterApiKey', input);
  if (!skip.includes('proxy-ca')) await h.run('ensureProxyCaTrust', input);
  if (!skip.includes('keystore')) await h.run('writeKeystoreCredentials', { ...input, apiKey: key });
  if (!skip.includes('register')) await h.run('registerRemoteCluster', input);
  return input;
}

async function diagnosis(input: StepInput): Promise<string> {
  const error = await failureOf(h.run('verifyRemoteConnection', input));
  expect(error).toMatchObject({ type: 'VerificationFailed', nonRetryable: true });
  return error.message;
}

describe('verify names the most likely cause', () => {
  it('heartbeats while polling and connects when everything is in place', async () => {
    const input = await apiKeyConnection([]);
    h.transcript.heartbeats.length = 0;
    const report = await h.run('verifyRemoteConnection', input);
    expect(report.connected).toBe(true);
    expect(report.probe).toContain('_resolve/cluster');
    expect(h.transcript.heartbeats.length).toBeGreaterThan(0);
  });

  it('a connected alias costs two calls: _remote/info and the probe (the version is known from preflight)', async () => {
    const input = await apiKeyConnection([]);
    h.sim.resetCalls();
    expect((await h.run('verifyRemoteConnection', input)).connected).toBe(true);
    expect(h.sim.calls.map((c) => `${c.method} ${c.route}`)).toEqual([
      'GET cluster.remote_info',
      'GET indices.resolve_cluster',
    ]);
  });

  it('alias not registered', async () => {
    const input = await apiKeyConnection(['register']);
    expect(await diagnosis(input)).toContain('Most likely cause: the alias is not registered');
  });

  it('wrong port', async () => {
    const input = await apiKeyConnection(['register']);
    const { alias } = input.request;
    const es = h.registry.elasticsearch('ece-a', DEFAULT_IDS.a9, input.preflight.local.esUrl);
    await putPersistentSettings(es, {
      [`cluster.remote.${alias}.mode`]: 'proxy',
      [`cluster.remote.${alias}.proxy_address`]: `${input.preflight.remote.endpoint}:9400`,
      [`cluster.remote.${alias}.server_name`]: input.preflight.remote.endpoint,
    });
    const message = await diagnosis(input);
    expect(message).toContain('Most likely cause: wrong port: proxy_address is');
    expect(message).toContain('uses port 9443');
  });

  it('CA not trusted', async () => {
    const input = await apiKeyConnection(['proxy-ca']);
    expect(await diagnosis(input)).toContain('Most likely cause: CA not trusted');
  });

  it('key missing', async () => {
    const input = await apiKeyConnection(['keystore']);
    expect(await diagnosis(input)).toContain('Most likely cause: key missing');
  });

  it('key invalid', async () => {
    const input = await apiKeyConnection([]);
    await h.run('invalidateCrossClusterApiKey', input);
    const message = await diagnosis(input);
    expect(message).toContain('Most likely cause: key invalid');
    expect(message).toContain('unable to authenticate');
  });

  it('trust missing one way (certificate model)', async () => {
    const request = certificateRequest(quick);
    const input: StepInput = {
      connectionId: connectionId(request),
      request,
      preflight: await runPreflight(h, request),
    };
    const [a, b] = await Promise.all([
      h.run('ensurePlatformTrust', { ...input, side: 'local' }),
      h.run('ensurePlatformTrust', { ...input, side: 'remote' }),
    ]);
    await h.run('ensureDeploymentTrust', { ...input, side: 'local', trustRelationshipId: a.trustRelationshipId });
    await h.run('registerRemoteCluster', input);
    const message = await diagnosis(input);
    expect(message).toContain(
      'Most likely cause: trust missing one way: the remote deployment does not trust the local cluster',
    );
    expect(message).toContain('bad_certificate');

    await h.run('ensureDeploymentTrust', { ...input, side: 'remote', trustRelationshipId: b.trustRelationshipId });
    expect(
      (await h.run('verifyRemoteConnection', { ...input, request: { ...request, verifyTimeout: '2s' } })).connected,
    ).toBe(true);
  });
});
