/** Coordinator behaviour: authentication, plans over time, optimistic locking, trust replacement. */
import { esResource, updateTrust } from './connect';
import { DEFAULT_IDS, eventually, planSettled, startClients, type Clients } from './fixtures';
import { DEFAULT_ACCOUNTS, LEGACY_TRUST_RELATIONSHIP_ID } from '../../simulator/default-topology';

let c: Clients;
beforeAll(async () => {
  c = await startClients({ planDurationMs: 30 });
});
afterAll(() => c.close());

const A = 'ece-a';

async function payload(env: string, id: string, trust?: unknown) {
  const res = await c.ece(env, 'GET', `/deployments/${id}?show_settings=true`);
  const es = res.body.resources.elasticsearch[0];
  const settings = trust === undefined ? {} : { settings: { trust } };
  return {
    version: res.headers['x-cloud-resource-version'] as string,
    body: {
      prune_orphans: false,
      resources: {
        elasticsearch: [{ ref_id: es.ref_id, region: es.region, plan: es.info.plan_info.current.plan, ...settings }],
      },
    },
  };
}

describe('authentication', () => {
  test.each([
    ['no Authorization header', null],
    ['a wrong key', 'ApiKey not-the-key'],
    ['Basic credentials', 'Basic ZWxhc3RpYzpwYXNz'],
  ])('%s gets 401 with a BasicFailedReply', async (_what, auth) => {
    for (const path of ['/platform', '/deployments', `/deployments/${DEFAULT_IDS.a9}`]) {
      const res = await c.ece(A, 'GET', path, undefined, auth);
      expect(res.status).toBe(401);
      expect(res.body.errors[0].code).toBe('root.unauthorized');
    }
  });

  test("another environment's key is refused", async () => {
    const other = c.sim.config.environments['ece-b']!.apiKey as string;
    const res = await c.ece(A, 'GET', '/platform/configuration/trust-relationships', undefined, `ApiKey ${other}`);
    expect(res.status).toBe(401);
  });
});

describe('plans', () => {
  test('an update stays pending for the plan duration, then becomes current ending in plan-completed', async () => {
    c.sim.setTiming({ planDurationMs: 1_500 });
    try {
      const { body } = await payload(A, DEFAULT_IDS.a9);
      expect((await c.ece(A, 'PUT', `/deployments/${DEFAULT_IDS.a9}`, body)).status).toBe(200);
      const during = await c.ece(A, 'GET', `/deployments/${DEFAULT_IDS.a9}?show_plan_logs=true`);
      const info = during.body.resources.elasticsearch[0].info;
      expect(info.status).toBe('reconfiguring');
      expect(info.plan_info.pending.plan_attempt_log.at(-1).status).toBe('pending');
    } finally {
      c.sim.setTiming({ planDurationMs: 30 });
    }
    expect(await planSettled(c, A, DEFAULT_IDS.a9)).toMatchObject({ step_id: 'plan-completed', status: 'success' });
    const after = await c.ece(A, 'GET', `/deployments/${DEFAULT_IDS.a9}?show_plan_history=true`);
    expect(after.body.resources.elasticsearch[0].info.status).toBe('started');
    expect(after.body.resources.elasticsearch[0].info.plan_info.history.length).toBeGreaterThan(1);
  });

  test('an update while a plan is pending is refused', async () => {
    c.sim.setTiming({ planDurationMs: 5_000 });
    try {
      const { body } = await payload(A, DEFAULT_IDS.a813);
      expect((await c.ece(A, 'PUT', `/deployments/${DEFAULT_IDS.a813}`, body)).status).toBe(200);
      const second = await c.ece(A, 'PUT', `/deployments/${DEFAULT_IDS.a813}`, body);
      expect(second.status).toBe(400);
      expect(second.body.errors[0].code).toBe('deployments.deployment_resource_plan_change_error');
    } finally {
      c.sim.setTiming({ planDurationMs: 30 });
      await c.ece(A, 'DELETE', `/deployments/${DEFAULT_IDS.a813}/elasticsearch/_main/plan/pending`);
    }
  });

  test('failNextPlan ends the plan with an error and restores the previous trust', async () => {
    const before = (await esResource(c, { env: A, id: DEFAULT_IDS.a815 })).info.settings.trust;
    c.sim.failNextPlan(A, DEFAULT_IDS.a815, 'simulated allocator failure');
    const last = await updateTrust(c, { env: A, id: DEFAULT_IDS.a815 }, (t) => (t.direct = []));
    expect(last).toMatchObject({ step_id: 'plan-completed', status: 'error' });
    const es = await c.ece(A, 'GET', `/deployments/${DEFAULT_IDS.a815}?show_settings=true`);
    const info = es.body.resources.elasticsearch[0].info;
    expect(info.settings.trust).toEqual(before);
    expect(info.plan_info.current.error.message).toBe('simulated allocator failure');
    expect(c.sim.snapshot()[A]!.deployments[DEFAULT_IDS.a815]!.plans.at(-1)?.status).toBe('error');
  });
});

describe('optimistic locking', () => {
  test('a stale ?version= gets 409 deployments.deployment_version_conflict; the current one passes', async () => {
    const { body, version } = await payload(A, DEFAULT_IDS.a9);
    const stale = await c.ece(A, 'PUT', `/deployments/${DEFAULT_IDS.a9}?version=${Number(version) - 1}`, body);
    expect(stale.status).toBe(409);
    expect(stale.body.errors[0].code).toBe('deployments.deployment_version_conflict');
    expect(stale.headers['x-cloud-error-codes']).toBe('deployments.deployment_version_conflict');
    const okRes = await c.ece(A, 'PUT', `/deployments/${DEFAULT_IDS.a9}?version=${version}`, body);
    expect(okRes.status).toBe(200);
    expect(Number(okRes.headers['x-cloud-resource-version'])).toBe(Number(version) + 1);
    await planSettled(c, A, DEFAULT_IDS.a9);
  });
});

describe('trust settings', () => {
  const side = { env: A, id: DEFAULT_IDS.a9 };

  test('the trust object is replaced whole; names come from the relationship; null reverts to the default', async () => {
    await updateTrust(c, side, (t) => {
      t.accounts = [];
      t.external = [{ trust_relationship_id: LEGACY_TRUST_RELATIONSHIP_ID, trust_all: true, name: 'ignored' }];
    });
    const trust = (await esResource(c, side)).info.settings.trust;
    expect(trust.accounts).toEqual([]);
    expect(trust.external).toEqual([
      { trust_relationship_id: LEGACY_TRUST_RELATIONSHIP_ID, trust_all: true, name: 'ece-legacy' },
    ]);
    expect(c.sim.snapshot()[A]!.deployments[side.id]!.trust.external).toEqual([
      { trust_relationship_id: LEGACY_TRUST_RELATIONSHIP_ID, trust_all: true },
    ]);

    // null reverts to the default: no trust object is stored any more (UNCONFIRMED.trustAfterNullWrite).
    const { body } = await payload(A, side.id, null);
    expect((await c.ece(A, 'PUT', `/deployments/${side.id}`, body)).status).toBe(200);
    await planSettled(c, A, side.id);
    expect((await esResource(c, side)).info.settings).not.toHaveProperty('trust');
    const after = c.sim.snapshot()[A]!.deployments[side.id]!;
    expect(after.trustAbsent).toBe(true);
    expect(after.trust).toEqual({
      accounts: [{ account_id: DEFAULT_ACCOUNTS['ece-a'], trust_all: true }],
      external: [],
      direct: [],
    });

    // Back to an explicit default for the next tests.
    const explicit = {
      accounts: [{ account_id: DEFAULT_ACCOUNTS['ece-a'], trust_all: true }],
      external: [],
      direct: [],
    };
    await c.ece(A, 'PUT', `/deployments/${side.id}`, (await payload(A, side.id, explicit)).body);
    await planSettled(c, A, side.id);
    expect((await esResource(c, side)).info.settings.trust).toEqual(explicit);
  });

  test('an update without trust keeps it; a direct entry gets a uid and certificate metadata', async () => {
    const pem = c.sim.config.environments['ece-b']!.caCert as string;
    await updateTrust(
      c,
      side,
      (t) => (t.direct = [{ name: 'b', type: 'generic', trust_all: true, certificates: [{ pem }] }]),
    );
    const { body } = await payload(A, side.id);
    await c.ece(A, 'PUT', `/deployments/${side.id}`, body);
    await planSettled(c, A, side.id);
    const direct = (await esResource(c, side)).info.settings.trust.direct;
    expect(direct).toHaveLength(1);
    expect(direct[0].uid).toMatch(/^[a-f0-9]{32}$/);
    expect(direct[0].certificates[0].metadata.fingerprint).toMatch(/^[a-f0-9]{64}$/);
  });

  test('an external entry naming an unknown relationship is refused', async () => {
    const { body } = await payload(A, side.id, { external: [{ trust_relationship_id: 'nope', trust_all: true }] });
    const res = await c.ece(A, 'PUT', `/deployments/${side.id}`, body);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].fields).toEqual([
      'resources.elasticsearch[0].settings.trust.external[0].trust_relationship_id',
    ]);
  });
});

test('the plan duration applies to restarts too', async () => {
  expect((await c.ece(A, 'POST', `/deployments/${DEFAULT_IDS.a9}/elasticsearch/_main/_restart`)).status).toBe(202);
  const restarted = await eventually(async () => {
    const res = await c.ece(A, 'GET', `/deployments/${DEFAULT_IDS.a9}?show_plan_logs=true`);
    const info = res.body.resources.elasticsearch[0].info;
    return info.plan_info.pending ? undefined : info.plan_info.current;
  }, 'restart');
  expect(restarted.plan_attempt_log.map((s: any) => s.step_id)).toEqual([
    'plan-validate',
    'rolling-restart',
    'plan-completed',
  ]);
});
