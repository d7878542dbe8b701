/**
 * UNCONFIRMED (docs/simulator.md): a deployment update whose empty lists and omitted resources are
 * `null`, as Elastic's Go SDK sends them (its generated models have no `omitempty` on lists:
 * `DeploymentUpdateResources`, `ElasticsearchClusterTrustSettings`). The ECE spec types those fields
 * as optional arrays and says nothing of `null`. The simulator accepts them (the likely reading);
 * the other reading refuses them. Both are run here; crosslink itself never sends such nulls
 * (test/activities/null-lists.test.ts runs its trust writes under both readings).
 */
import { planSettled, startClients, type Clients, DEFAULT_IDS } from './fixtures';
import { type NullListsReading } from '../../simulator/unconfirmed';

const A = 'ece-a';

/** The update Elastic's Go SDK serialises for a trust change: every unset list is `null`. */
async function goSdkUpdate(c: Clients, id: string) {
  const res = await c.ece(A, 'GET', `/deployments/${id}?show_settings=true`);
  const es = res.body.resources.elasticsearch[0];
  return {
    prune_orphans: false,
    resources: {
      apm: null,
      appsearch: null,
      elasticsearch: [
        {
          ref_id: es.ref_id,
          region: es.region,
          plan: es.info.plan_info.current.plan,
          settings: {
            trust: {
              accounts: [{ account_id: 'ac0000000000000000000000000000a1', trust_all: false, trust_allowlist: null }],
              direct: null,
              external: null,
            },
          },
        },
      ],
      enterprise_search: null,
      integrations_server: null,
      kibana: null,
    },
  };
}

describe.each<NullListsReading>(['accepted', 'refused'])('null lists in a deployment update: %s', (reading) => {
  let c: Clients;
  beforeAll(async () => {
    c = await startClients({ planDurationMs: 30, readings: { nullListsInDeploymentUpdate: reading } });
  });
  afterAll(() => c.close());

  test(`the Go SDK's body is ${reading}`, async () => {
    const id = DEFAULT_IDS.a9;
    // Sent as text: the body is outside the spec's strict typing on purpose, so the fixtures'
    // conformance check of accepted bodies does not apply (that check is the spec's reading).
    const res = await c.ece(A, 'PUT', `/deployments/${id}`, JSON.stringify(await goSdkUpdate(c, id)));
    if (reading === 'accepted') {
      expect(res.status).toBe(200);
      await planSettled(c, A, id);
      const got = await c.ece(A, 'GET', `/deployments/${id}?show_settings=true`);
      // A null list is taken as an omitted one: the trust object written has no entries there.
      expect(got.body.resources.elasticsearch[0].info.settings.trust).toEqual({
        accounts: [{ account_id: 'ac0000000000000000000000000000a1', trust_all: false }],
        direct: [],
        external: [],
      });
    } else {
      expect(res.status).toBe(400);
      expect(res.body.errors[0].code).toBe('root.invalid_json_request');
      expect(res.body.errors[0].fields).toEqual(
        expect.arrayContaining([
          'resources.apm',
          'resources.kibana',
          'resources.elasticsearch[0].settings.trust.direct',
          'resources.elasticsearch[0].settings.trust.accounts[0].trust_allowlist',
        ]),
      );
    }
  });

  test('a null where a value is required is refused either way', async () => {
    const body = { prune_orphans: null, resources: { elasticsearch: null } };
    const res = await c.ece(A, 'PUT', `/deployments/${DEFAULT_IDS.a9}`, body);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].fields).toContain('prune_orphans');
  });
});
