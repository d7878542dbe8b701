import { randomBytes } from 'node:crypto';
import { type StepInput } from '../../domain/activities';
import { connectionId } from '../../domain/connection-request';
import { createSealer } from '../../activities/secrets/sealing';
import { DEFAULT_IDS, type Harness, apiKeyRequest, failureOf, runPreflight, startHarness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('the cross-cluster key never leaves an activity in plaintext', () => {
  it('appears in no result, error message or log line; only this worker key opens it', async () => {
    const request = apiKeyRequest({
      local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a813 },
      remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 },
      allowBetaApiKeyModel: true,
      roles: [], // the keystore is what these tests are about
      verifyTimeout: '300ms',
    });
    const input: StepInput = {
      connectionId: connectionId(request),
      request,
      preflight: await runPreflight(h, request),
    };
    const outputs: unknown[] = [input.preflight];
    const errors: string[] = [];

    const key = await h.run('createCrossClusterApiKey', input);
    outputs.push(key);
    const encoded = h.sealer.unseal(key.sealedEncoded!, input.connectionId);
    const [id, secret] = Buffer.from(encoded, 'base64').toString('utf8').split(':');
    expect(id).toBe(key.keyId);
    expect(() => createSealer(randomBytes(32)).unseal(key.sealedEncoded!, input.connectionId)).toThrow(
      expect.objectContaining({ type: 'SealedSecretInvalid' }),
    );

    // A keystore write whose response is lost and one that fails: the errors name no secret.
    h.sim.inject({ route: 'set-deployment-es-resource-keystore', kind: 'drop-response' });
    errors.push((await failureOf(h.run('writeKeystoreCredentials', { ...input, apiKey: key }))).message);
    h.sim.inject({
      route: 'set-deployment-es-resource-keystore',
      kind: 'status',
      status: 400,
      code: 'root.invalid_json_request',
    });
    errors.push((await failureOf(h.run('writeKeystoreCredentials', { ...input, apiKey: key }))).message);
    outputs.push(await h.run('writeKeystoreCredentials', { ...input, apiKey: key }));
    outputs.push(await h.run('ensureProxyCaTrust', input));
    outputs.push(await h.run('registerRemoteCluster', input));
    outputs.push(await h.run('reloadSecureSettings', input));
    outputs.push(await h.run('restartElasticsearch', input));
    outputs.push(await h.run('verifyRemoteConnection', input));
    await h.run('invalidateCrossClusterApiKey', input);
    errors.push((await failureOf(h.run('verifyRemoteConnection', input))).message);
    outputs.push(await h.run('unregisterRemoteCluster', input));
    outputs.push(await h.run('removeKeystoreCredentials', input));
    outputs.push(await h.run('removeProxyCaTrust', input));

    const everything = JSON.stringify({
      outputs,
      errors,
      logs: h.transcript.logs,
      heartbeats: h.transcript.heartbeats,
    });
    expect(h.transcript.logs.length).toBeGreaterThan(10); // every activity logs its outcome
    expect(everything).toContain(key.keyId); // the id is not secret, and proves the search covers the key
    expect(everything).not.toContain(encoded);
    expect(everything).not.toContain(secret);
  });
});

describe('credentials never appear in errors', () => {
  it('a refused ECE API key gives a 401 that names the field to fix, not the key', async () => {
    const bad = await startHarness({
      env: (file) => {
        file.environments['ece-a']!.apiKey = 'wrong-ece-api-key-value';
      },
    });
    try {
      const error = await failureOf(runPreflight(bad, apiKeyRequest()));
      expect(error).toMatchObject({ type: 'Unauthorized', nonRetryable: true });
      expect(error.message).toMatch(/^ECE ece-a: 401 .* check environments\.ece-a\.apiKey$/);
      expect(error.message).not.toContain('wrong-ece-api-key-value');
    } finally {
      await bad.close();
    }
  });

  it('a refused Elasticsearch password gives a 401 that names the credentials field, not the password', async () => {
    const bad = await startHarness({
      env: (file) => {
        file.environments['ece-b']!.elasticsearch = {
          default: { credentials: { username: 'elastic', password: 'wrong-es-password' } },
        };
      },
    });
    try {
      const error = await failureOf(runPreflight(bad, apiKeyRequest()));
      expect(error).toMatchObject({ type: 'Unauthorized', nonRetryable: true });
      expect(error.message).toContain('check environments.ece-b.elasticsearch.default.credentials');
      expect(error.message).not.toContain('wrong-es-password');
      expect(error.message).not.toContain(Buffer.from('elastic:wrong-es-password').toString('base64'));
    } finally {
      await bad.close();
    }
  });

  it('TLS is verified: a coordinator signed by another CA is refused as a configuration error', async () => {
    const bad = await startHarness({
      env: (file, sim) => {
        file.environments['ece-a']!.caCert = sim.config.environments['ece-b']!.caCert;
      },
    });
    try {
      const error = await failureOf(runPreflight(bad, apiKeyRequest()));
      expect(error).toMatchObject({ type: 'ConfigurationError', nonRetryable: true });
      expect(error.message).toContain('check environments.ece-a.caCert');
    } finally {
      await bad.close();
    }
  });
});
