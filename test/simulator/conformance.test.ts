/**
 * Every ECE operation the simulator serves, in its success and error forms: the fixture checks each
 * response against the spec's schema for the operation and status, and each accepted body against
 * the request schema. Invalid bodies get 400 BasicFailedReply naming the fields.
 */
import { DEFAULT_IDS, planSettled, startClients, type Clients } from './fixtures';
import { checkRequest, definition } from './spec';
import { USED_OPERATIONS } from '../../scripts/specs/derive-ece-spec';

let c: Clients;
beforeAll(async () => {
  c = await startClients();
});
afterAll(() => c.close());

const A = 'ece-a';
const dep = DEFAULT_IDS.a9;

async function updatePayload(env: string, id: string, mutateTrust?: (t: any) => any) {
  const res = await c.ece(env, 'GET', `/deployments/${id}?show_settings=true&show_plans=true`);
  const es = res.body.resources.elasticsearch[0];
  const { metadata: _metadata, ...settings } = es.info.settings;
  if (mutateTrust) settings.trust = mutateTrust(settings.trust);
  return {
    version: res.headers['x-cloud-resource-version'] as string,
    body: {
      prune_orphans: false,
      resources: {
        elasticsearch: [
          {
            ref_id: es.ref_id,
            region: es.region,
            display_name: es.info.cluster_name,
            plan: es.info.plan_info.current.plan,
            settings,
          },
        ],
      },
    },
  };
}

describe('platform', () => {
  test.each(['', '/regions/ece-region'])('GET %s/platform and the TLS chains', async (prefix) => {
    const platform = await c.ece(A, 'GET', `${prefix}/platform`);
    expect(platform.status).toBe(200);
    expect(platform.body.regions[0].region_id).toBe('ece-region');
    for (const service of ['proxy', 'adminconsole', 'ui', 'internalca']) {
      const tls = await c.ece(A, 'GET', `${prefix}/platform/configuration/security/tls/${service}`);
      expect(tls.status).toBe(200);
      expect(tls.body.chain.length).toBeGreaterThan(0);
    }
  });

  test('a region that is not the environment region is not found', async () => {
    const res = await c.ece(A, 'GET', '/regions/elsewhere/platform');
    expect(res.status).toBe(404);
    expect(definition('BasicFailedReply')(res.body)).toBe(true);
  });
});

describe('trust relationships', () => {
  test('list with filter and include_certificate; get; create; update; delete with version', async () => {
    const local = await c.ece(
      A,
      'GET',
      '/platform/configuration/trust-relationships?filter=local&include_certificate=true',
    );
    expect(local.body.trust_relationships).toHaveLength(1);
    const record = local.body.trust_relationships[0];
    expect(record).toMatchObject({ local: true, account_ids: ['ac0000000000000000000000000000a1'] });
    expect(record.public_ca_cert).toBe(c.sim.config.environments[A]!.caCert);

    const withoutCert = await c.ece(A, 'GET', '/regions/ece-region/platform/configuration/trust-relationships');
    expect(withoutCert.body.trust_relationships.every((t: any) => t.public_ca_cert === undefined)).toBe(true);

    const b = await c.ece(
      'ece-b',
      'GET',
      '/platform/configuration/trust-relationships?filter=local&include_certificate=true',
    );
    const bLocal = b.body.trust_relationships[0];
    const created = await c.ece(A, 'POST', '/platform/configuration/trust-relationships', {
      name: 'ece-b',
      public_ca_cert: bLocal.public_ca_cert,
      account_ids: bLocal.account_ids,
      installation_id: bLocal.installation_id,
      trust_by_default: false,
    });
    expect(created.status).toBe(201);
    expect(created.headers['x-cloud-resource-version']).toBe('1');
    const id = created.body.id;

    const got = await c.ece(A, 'GET', `/platform/configuration/trust-relationships/${id}?include_certificate=true`);
    expect(got.body).toMatchObject({ id, name: 'ece-b', local: false, public_ca_cert: bLocal.public_ca_cert });

    const nonLocal = await c.ece(A, 'GET', '/platform/configuration/trust-relationships?filter=non-local');
    expect(nonLocal.body.trust_relationships.map((t: any) => t.id)).toContain(id);

    const updated = await c.ece(A, 'PUT', `/platform/configuration/trust-relationships/${id}`, {
      name: 'ece-b renamed',
    });
    expect(updated.status).toBe(200);
    expect(updated.headers['x-cloud-resource-version']).toBe('2');

    const stale = await c.ece(A, 'DELETE', `/platform/configuration/trust-relationships/${id}?version=1`);
    expect(stale.status).toBe(409);
    const deleted = await c.ece(A, 'DELETE', `/platform/configuration/trust-relationships/${id}?version=2`);
    expect(deleted).toMatchObject({ status: 200, body: {} });
    const gone = await c.ece(A, 'DELETE', `/platform/configuration/trust-relationships/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.errors[0].code).toBe('trust_relationships.not_found');
    expect(gone.headers['x-cloud-error-codes']).toBe('trust_relationships.not_found');
    expect((await c.ece(A, 'GET', `/platform/configuration/trust-relationships/${id}`)).status).toBe(404);
    expect((await c.ece(A, 'PUT', `/platform/configuration/trust-relationships/${id}`, {})).status).toBe(404);
  });

  test.each([
    [{ public_ca_cert: 'x' }, ['name', 'public_ca_cert']],
    [
      { name: 'n', public_ca_cert: '-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----', account_ids: 'abc' },
      ['account_ids'],
    ],
    [
      { name: 'n', public_ca_cert: '-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----', unknown: 1 },
      ['(root)'],
    ],
  ])('an invalid create body %j gets 400 naming %j', async (body, fields) => {
    const res = await c.ece(A, 'POST', '/platform/configuration/trust-relationships', body);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].fields).toEqual(fields);
  });
});

describe('deployments', () => {
  test('list, get (all flags), get the ES resource by ref_id and _main', async () => {
    const list = await c.ece(A, 'GET', '/deployments');
    expect(list.body.deployments.map((d: any) => d.id)).toEqual([DEFAULT_IDS.a9, DEFAULT_IDS.a815, DEFAULT_IDS.a813]);
    const full = await c.ece(
      A,
      'GET',
      `/deployments/${dep}?show_settings=true&show_plans=true&show_plan_logs=true&show_plan_history=true`,
    );
    const es = full.body.resources.elasticsearch[0];
    expect(es.info.metadata.endpoint).toBe(`${es.id}.ece-a.ece.local`);
    expect(es.info.metadata.service_url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(es.info.plan_info.current.plan.elasticsearch.version).toBe('9.1.3');
    expect(es.info.plan_info.current.plan_attempt_log.at(-1).step_id).toBe('plan-completed');
    expect(es.info.settings.trust).toBeDefined();
    const bare = await c.ece(A, 'GET', `/deployments/${dep}?show_plans=false`);
    expect(bare.body.resources.elasticsearch[0].info.settings).toBeUndefined();
    for (const ref of ['main-elasticsearch', '_main']) {
      const res = await c.ece(A, 'GET', `/deployments/${dep}/elasticsearch/${ref}?show_settings=true`);
      expect(res.body).toMatchObject({ ref_id: 'main-elasticsearch', id: es.id });
    }
    const missing = await c.ece(A, 'GET', `/deployments/${'f'.repeat(32)}`);
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0].code).toBe('deployments.deployment_not_found');
    expect((await c.ece(A, 'GET', `/deployments/${'f'.repeat(32)}/elasticsearch/_main`)).status).toBe(404);
  });

  test('update: the read-modify-write payload from a GET validates and is accepted', async () => {
    const { body, version } = await updatePayload(A, dep);
    expect(checkRequest('PUT', `/api/v1/deployments/${dep}`, body).errors).toEqual([]);
    const res = await c.ece(A, 'PUT', `/deployments/${dep}?version=${version}`, body);
    expect(res.status).toBe(200);
    expect(res.body.resources[0]).toMatchObject({ kind: 'elasticsearch', ref_id: 'main-elasticsearch' });
    await planSettled(c, A, dep);
    const validateOnly = await c.ece(A, 'PUT', `/deployments/${dep}?validate_only=true`, body);
    expect(validateOnly.status).toBe(200);
  });

  test.each([
    [{}, ['prune_orphans']],
    [
      { prune_orphans: false, resources: { elasticsearch: [{ ref_id: 'main-elasticsearch' }] } },
      ['resources.elasticsearch[0].region', 'resources.elasticsearch[0].plan'],
    ],
    [
      {
        prune_orphans: false,
        resources: {
          elasticsearch: [
            {
              ref_id: 'main-elasticsearch',
              region: 'ece-region',
              plan: { cluster_topology: [], elasticsearch: {} },
              settings: { trust: { direct: [{ name: 'x', type: 'proxy', trust_all: true, certificates: [] }] } },
            },
          ],
        },
      },
      [
        'resources.elasticsearch[0].settings.trust.direct[0].certificates',
        'resources.elasticsearch[0].settings.trust.direct[0].trust_all',
      ],
    ],
  ])('an invalid update body %j gets 400 naming %j', async (body, fields) => {
    const res = await c.ece(A, 'PUT', `/deployments/${dep}`, body);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].fields).toEqual(fields);
  });

  test('a body that is not JSON gets 400', async () => {
    const res = await c.ece(A, 'PUT', `/deployments/${dep}`, '{not json');
    expect(res.status).toBe(400);
    expect(definition('BasicFailedReply')(res.body)).toBe(true);
  });

  test('keystore get and patch, and invalid patches', async () => {
    const path = `/deployments/${dep}/elasticsearch/main-elasticsearch/keystore`;
    const set = await c.ece(A, 'PATCH', path, { secrets: { 'a.b': { value: 'v' }, 'c.d': { value: { k: 1 } } } });
    expect(set.body).toEqual({ secrets: { 'a.b': { as_file: false }, 'c.d': { as_file: true } } });
    const removed = await c.ece(A, 'PATCH', path, { secrets: { 'a.b': {}, 'c.d': null } });
    expect(removed.body).toEqual({ secrets: {} });
    expect((await c.ece(A, 'GET', path)).body).toEqual({ secrets: {} });
    const bad = await c.ece(A, 'PATCH', path, { secrets: { x: { value: 1 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].fields).toEqual(['secrets.x.value']);
    const noSecrets = await c.ece(A, 'PATCH', path, { values: {} });
    expect(noSecrets.status).toBe(400);
    expect((await c.ece(A, 'GET', `/deployments/${dep}/elasticsearch/nope/keystore`)).body.errors[0].code).toBe(
      'deployments.deployment_resource_not_found',
    );
  });

  test('restart (202, then 422 while pending) and cancel the pending plan (200, then 400)', async () => {
    const base = `/deployments/${DEFAULT_IDS.a813}/elasticsearch/main-elasticsearch`;
    c.sim.setTiming({ planDurationMs: 5_000 });
    try {
      expect((await c.ece(A, 'POST', `${base}/_restart`)).status).toBe(202);
      const busy = await c.ece(A, 'POST', `${base}/_restart`);
      expect(busy.status).toBe(422);
      expect(busy.body.errors[0].code).toBe('deployments.deployment_resource_plan_change_error');
      const cancelled = await c.ece(A, 'DELETE', `/deployments/${DEFAULT_IDS.a813}/elasticsearch/_main/plan/pending`);
      expect(cancelled.body).toEqual({ id: DEFAULT_IDS.a813, kind: 'elasticsearch', ref_id: 'main-elasticsearch' });
      const none = await c.ece(A, 'DELETE', `/deployments/${DEFAULT_IDS.a813}/elasticsearch/_main/plan/pending`);
      expect(none.status).toBe(400);
      expect(none.body.errors[0].code).toBe('deployments.resource_does_not_have_a_pending_plan');
      const ignored = await c.ece(
        A,
        'DELETE',
        `/deployments/${DEFAULT_IDS.a813}/elasticsearch/_main/plan/pending?ignore_missing=true`,
      );
      expect(ignored.status).toBe(200);
    } finally {
      c.sim.setTiming({ planDurationMs: 80 });
    }
    const last = await planSettled(c, A, DEFAULT_IDS.a813);
    expect(last).toMatchObject({ step_id: 'plan-completed', status: 'error' });
  });

  test('every operation crosslink uses was exercised against the spec', () => {
    const seen = new Set(c.conformance.map((x) => x.operationId));
    // The operations kept in specs/ece/ are exactly the ones crosslink uses.
    for (const op of USED_OPERATIONS) {
      expect(seen).toContain(op);
    }
  });
});
