import { connectionId } from '../../domain/connection-request';
import { DEFAULT_TOPOLOGY } from '../../simulator';
import { type TopologyInput } from '../../simulator/topology';
import { setKeystoreSecret } from '../../activities/ece/keystore';
import { restartElasticsearchResource } from '../../activities/ece/restart';
import { waitForPlan } from '../../activities/ece/plan-tracker';
import {
  DEFAULT_IDS,
  type Harness,
  apiKeyRequest,
  certificateRequest,
  failureOf,
  runPreflight,
  startHarness,
} from './support/harness';

const restKey = (sim: Harness['sim']) => sim.secrets['ece-b']![DEFAULT_IDS.b9]!.apiKeys[0]!.encoded;

const topology: TopologyInput = structuredClone(DEFAULT_TOPOLOGY);
const b813 = topology.environments['ece-b']!.deployments!.find((d) => d.id === DEFAULT_IDS.b813)!;
b813.healthy = false;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ topology });
});
afterAll(() => h.close());

async function refusal(request: ReturnType<typeof apiKeyRequest>) {
  const error = await failureOf(runPreflight(h, request));
  expect(error).toMatchObject({ type: 'PreflightRefused', nonRetryable: true });
  return error.message;
}

describe('preflight decides', () => {
  it('API key model on 8.15 -> 9.x: no restart expected, proxy CA public for ece-a', async () => {
    const request = apiKeyRequest({
      local: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 },
      remote: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a9 },
    });
    const p = await runPreflight(h, request);
    expect(p).toMatchObject({
      model: 'api_key',
      restartExpected: false,
      attempt: 1,
      connectionId: connectionId(request),
    });
    expect(p.proxyCa?.private).toBe(false);
    expect(p.steps.find((s) => s.id === 'proxy-ca')).toMatchObject({
      applies: false,
      reason: expect.stringContaining('publicly trusted'),
    });
    expect(p.local).toMatchObject({
      version: '8.15.1',
      clusterId: expect.stringMatching(/^[0-9a-f]{32}$/),
      healthy: true,
    });
    expect(p.localEnvironment.trustRelationshipsBefore).toEqual([]);
    expect(p.remoteEnvironment.trustRelationshipsBefore).toHaveLength(1);
  });

  it('certificate model allows 8.13', async () => {
    const p = await runPreflight(
      h,
      certificateRequest({
        local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a813 },
        remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 },
      }),
    );
    expect(p.steps.filter((s) => s.applies).map((s) => s.id)).toEqual([
      'preflight',
      'platform-trust',
      'deployment-trust',
      'register-remote',
      'verify',
      'roles',
    ]);
  });

  it('a local role with remote_indices on 8.13 (the API key beta): Elasticsearch takes it from 8.10', async () => {
    const local = { environment: 'ece-a', deploymentId: DEFAULT_IDS.a813 };
    const p = await runPreflight(h, apiKeyRequest({ local, allowBetaApiKeyModel: true }));
    expect(p.steps.find((s) => s.id === 'roles')).toMatchObject({ applies: true });
  });
});

describe('preflight refuses', () => {
  it('the API key model on 8.13 unless the beta is accepted', async () => {
    const local = { environment: 'ece-a', deploymentId: DEFAULT_IDS.a813 };
    expect(await refusal(apiKeyRequest({ local }))).toContain(
      'needs Elasticsearch 8.14 or later on both sides (local 8.13.4, remote 9.1.3)',
    );
    const p = await runPreflight(h, apiKeyRequest({ local, allowBetaApiKeyModel: true, roles: [] }));
    expect(p.restartExpected).toBe(true);
  });

  it('an alias used by settings crosslink did not create', async () => {
    const message = await refusal(
      apiKeyRequest({ local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 }, alias: 'legacy-remote' }),
    );
    expect(message).toContain('alias "legacy-remote" is already used');
    expect(message).toContain('10.20.30.40:9300');
  });

  it('an alias whose credentials are in the keystore but not from this connection', async () => {
    const request = apiKeyRequest();
    await setKeystoreSecret(
      h.registry.ece('ece-a'),
      DEFAULT_IDS.a9,
      'main-elasticsearch',
      `cluster.remote.${request.alias}.credentials`,
      'someone-elses-key',
    );
    const message = await refusal(request);
    expect(message).toContain(`keystore holds cluster.remote.${request.alias}.credentials`);
    expect(message).not.toContain('someone-elses-key');
  });

  it('a role that exists without this connection mark', async () => {
    const message = await refusal(
      apiKeyRequest({
        local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 },
        roles: [{ name: 'analyst', local: {} }],
      }),
    );
    expect(message).toContain('role "analyst" already exists on the local deployment');
  });

  it('an unhealthy deployment', async () => {
    const message = await refusal(
      certificateRequest({ remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b813 } }),
    );
    expect(message).toContain(`remote deployment ${DEFAULT_IDS.b813} (ece-b) is not healthy`);
  });

  it('a deployment with a pending plan is not refused: the decisions say writes wait for it', async () => {
    h.sim.setTiming({ planDurationMs: 1500 });
    const ece = h.registry.ece('ece-b');
    await restartElasticsearchResource(ece, DEFAULT_IDS.b9, 'main-elasticsearch');
    h.sim.setTiming({ planDurationMs: 60 });
    const p = await runPreflight(h, apiKeyRequest());
    expect(p.steps.find((s) => s.id === 'preflight')?.reason).toContain(
      `the remote deployment ${DEFAULT_IDS.b9} has a pending plan (another change): writes wait for it, up to`,
    );
    await waitForPlan(ece, DEFAULT_IDS.b9, 'main-elasticsearch', { heartbeat: () => undefined, pollMs: 50 });
  });

  it('remote credentials that are an API key when a cross-cluster key must be created', async () => {
    const other = await startHarness({
      env: (file, sim) => {
        // Use the remote deployment's REST API key instead of the elastic user.
        file.environments['ece-b']!.elasticsearch = {
          ...file.environments['ece-b']!.elasticsearch,
          deployments: { [DEFAULT_IDS.b9]: { credentials: { apiKey: restKey(sim) } } },
        };
      },
    });
    try {
      const error = await failureOf(runPreflight(other, apiKeyRequest()));
      expect(error).toMatchObject({ type: 'PreflightRefused' });
      expect(error.message).toContain('credentials for the remote deployment');
      expect(error.message).not.toContain(restKey(other.sim));
    } finally {
      await other.close();
    }
  });

  it('an environment the worker does not know', async () => {
    const error = await failureOf(
      runPreflight(h, apiKeyRequest({ remote: { environment: 'ece-z', deploymentId: DEFAULT_IDS.b9 } })),
    );
    expect(error).toMatchObject({ type: 'ConfigurationError', nonRetryable: true });
    expect(error.message).toContain('"ece-z"');
  });
});
