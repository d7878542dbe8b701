/**
 * A connection that exists converges on its key: a connect started again, or an update-access, with
 * the access the key already grants changes nothing. Elasticsearch returns a key's `access` in its
 * own form (a document-level-security `query` as a JSON string, `allow_restricted_indices` added,
 * `names` a list), so the comparison is made on what the access means, not on how it was written.
 */
import { type StepInput, preflightFacts } from '../../domain/activities';
import { type ConnectionRequest, connectionId } from '../../domain/connection-request';
import { accessMatches } from '../../activities/steps/existing-key';
import { DEFAULT_IDS, type Harness, apiKeyRequest, runPreflight, startHarness } from './support/harness';

const DLS = { bool: { filter: [{ term: { team: 'blue' } }, { range: { level: { gte: 2 } } }] } };

describe('accessMatches: the access Elasticsearch returns against the access requested', () => {
  /** What GET /_security/api_key returns for `{search: [{names: 'logs-*', query: DLS}]}`. */
  const returned = {
    search: [{ names: ['logs-*'], query: JSON.stringify(DLS), allow_restricted_indices: false }],
  };

  test.each([
    ['the query as an object, names as one string', { search: [{ names: 'logs-*', query: DLS }] }],
    ['the query as its JSON string', { search: [{ names: ['logs-*'], query: JSON.stringify(DLS) }] }],
    [
      'the query as a JSON string laid out differently',
      { search: [{ names: ['logs-*'], query: JSON.stringify(DLS, null, 2) }] },
    ],
    [
      'fields and query keys in another order',
      {
        search: [
          {
            query: { bool: { filter: [{ term: { team: 'blue' } }, { range: { level: { gte: 2 } } }] } },
            allow_restricted_indices: false,
            names: ['logs-*'],
          },
        ],
      },
    ],
  ])('matches: %s', (_what, requested) => {
    expect(accessMatches(returned, requested)).toBe(true);
  });

  test.each([
    ['another query', { search: [{ names: ['logs-*'], query: { term: { team: 'red' } } }] }],
    ['no query', { search: [{ names: ['logs-*'] }] }],
    [
      'the filters in another order (a list keeps its order)',
      { search: [{ names: ['logs-*'], query: { bool: { filter: [...DLS.bool.filter].reverse() } } }] },
    ],
    ['restricted indices allowed', { search: [{ names: ['logs-*'], query: DLS, allow_restricted_indices: true }] }],
    ['replication as well', { search: [{ names: ['logs-*'], query: DLS }], replication: [{ names: ['logs-*'] }] }],
  ])('differs: %s', (_what, requested) => {
    expect(accessMatches(returned, requested)).toBe(false);
  });

  test('a query that is not JSON is compared as the text it is', () => {
    const text = { search: [{ names: ['a'], query: '{{#toJson}}groups{{/toJson}}' }] };
    expect(accessMatches({ search: [{ names: ['a'], query: '{{#toJson}}groups{{/toJson}}' }] }, text)).toBe(true);
    expect(accessMatches({ search: [{ names: ['a'], query: '{{x}}' }] }, text)).toBe(false);
  });
});

describe('a connection whose key already grants a document-level-security access', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  /** Connects step by step as the workflow does; returns the key id. */
  async function connect(request: ConnectionRequest): Promise<string> {
    const preflight = await runPreflight(h, request);
    const input: StepInput = { connectionId: connectionId(request), request, preflight: preflightFacts(preflight) };
    const key = await h.run('createCrossClusterApiKey', input);
    await h.run('ensureProxyCaTrust', input);
    await h.run('writeKeystoreCredentials', { ...input, apiKey: key });
    await h.run('registerRemoteCluster', input);
    expect((await h.run('verifyRemoteConnection', input)).connected).toBe(true);
    return key.keyId;
  }

  const updateCalls = () => h.sim.calls.filter((c) => c.route === 'security.update_cross_cluster_api_key');
  const storedKey = (id: string) =>
    h.sim.snapshot()['ece-b']!.deployments[DEFAULT_IDS.b9]!.apiKeys.find((k) => k.id === id);

  test.each([
    ['an object', DLS],
    ['a JSON string', JSON.stringify(DLS)],
  ])('connect started again (query as %s): the key is kept, nothing is updated', async (_form, query) => {
    const request = apiKeyRequest({ access: { search: [{ names: 'logs-*', query }] } });
    const keyId = await connect(request);
    const before = storedKey(keyId);
    h.sim.resetCalls();

    const again = await runPreflight(h, request);
    expect(again.existingKey).toMatchObject({ keyId, matches: true });
    expect(again.steps.find((s) => s.id === 'api-key')).toMatchObject({ applies: false });
    const input: StepInput = { connectionId: connectionId(request), request, preflight: preflightFacts(again) };
    const step = await h.run('createCrossClusterApiKey', input);
    expect(step).toMatchObject({ keyId, created: [] });
    expect(step.detail).toContain('already grants the requested access');
    expect(updateCalls()).toEqual([]);
    expect(storedKey(keyId)).toEqual(before);
  });

  test.each([
    ['the same form', DLS, DLS],
    ['the other form', DLS, JSON.stringify(DLS)],
  ])('update-access to the access the key has (%s): no update', async (_what, connectedWith, askedFor) => {
    const request = apiKeyRequest({ access: { search: [{ names: ['logs-*'], query: connectedWith }] } });
    const keyId = await connect(request);
    h.sim.resetCalls();

    const inspected = await h.run('inspectConnection', {
      connectionId: connectionId(request),
      requestedBy: 'tester',
      gates: ['api-key'],
      deadline: '1h',
      change: { access: { search: [{ names: ['logs-*'], query: askedFor }] }, verifyTimeout: '2s' },
    });
    expect(inspected.preflight.existingKey).toMatchObject({ keyId, matches: true });
    const input: StepInput = {
      connectionId: connectionId(request),
      request: inspected.request,
      preflight: preflightFacts(inspected.preflight),
    };
    const step = await h.run('createCrossClusterApiKey', input);
    expect(step).toMatchObject({ keyId, created: [] });
    expect(updateCalls()).toEqual([]);
  });

  test('update-access to another query updates the key in place', async () => {
    const request = apiKeyRequest({ access: { search: [{ names: ['logs-*'], query: DLS }] } });
    const keyId = await connect(request);
    const other = { term: { team: 'red' } };
    const inspected = await h.run('inspectConnection', {
      connectionId: connectionId(request),
      requestedBy: 'tester',
      gates: ['api-key'],
      deadline: '1h',
      change: { access: { search: [{ names: ['logs-*'], query: other }] }, verifyTimeout: '2s' },
    });
    expect(inspected.preflight.existingKey).toMatchObject({ keyId, matches: false });
    const input: StepInput = {
      connectionId: connectionId(request),
      request: inspected.request,
      preflight: preflightFacts(inspected.preflight),
    };
    const step = await h.run('createCrossClusterApiKey', input);
    expect(step.created).toEqual([expect.objectContaining({ kind: 'api-key', id: keyId })]);
    // Read back the way preflight reads it: Elasticsearch's form, and it now matches the request.
    const now = await runPreflight(h, { ...request, access: { search: [{ names: 'logs-*', query: other }] } });
    expect(now.existingKey).toEqual({
      keyId,
      keyName: expect.any(String),
      access: { search: [{ names: ['logs-*'], query: JSON.stringify(other), allow_restricted_indices: false }] },
      matches: true,
    });
  });
});
