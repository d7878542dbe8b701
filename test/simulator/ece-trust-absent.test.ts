/**
 * A deployment whose trust was never written (topology `trustAbsent`): ECE returns no `trust`, the
 * own-account default applies, and a written object replaces that default (docs/sources.md §2).
 * Observed through a same-environment certificate-model connection, which needs account trust.
 */
import { aliasState, esResource, registerRemote } from './connect';
import { DEFAULT_IDS, planSettled, startClients, type Clients } from './fixtures';
import { DEFAULT_TOPOLOGY } from '../../simulator/default-topology';
import { type TopologyInput } from '../../simulator/topology';

let c: Clients;
const a9 = { env: 'ece-a', id: DEFAULT_IDS.a9 };
const a815 = { env: 'ece-a', id: DEFAULT_IDS.a815 };

beforeAll(async () => {
  const topology = structuredClone(DEFAULT_TOPOLOGY) as TopologyInput;
  const a9Spec = topology.environments['ece-a']!.deployments.find((d) => d.id === DEFAULT_IDS.a9)!;
  a9Spec.trustAbsent = true;
  c = await startClients({ planDurationMs: 30, topology });
});
afterAll(() => c.close());

async function putTrust(trust: unknown) {
  const res = await c.ece(a9.env, 'GET', `/deployments/${a9.id}?show_settings=true`);
  const es = res.body.resources.elasticsearch[0];
  const put = await c.ece(a9.env, 'PUT', `/deployments/${a9.id}`, {
    prune_orphans: false,
    resources: {
      elasticsearch: [
        { ref_id: es.ref_id, region: es.region, plan: es.info.plan_info.current.plan, settings: { trust } },
      ],
    },
  });
  expect(put.status).toBe(200);
  await planSettled(c, a9.env, a9.id);
}

test('absent trust: GET omits it and the same-environment default applies', async () => {
  expect((await esResource(c, a9)).info.settings).not.toHaveProperty('trust');
  expect(c.sim.snapshot()['ece-a']!.deployments[a9.id]!.trustAbsent).toBe(true);
  await registerRemote(c, a9, 'same-env', a815, { port: 9400 });
  expect((await aliasState(c, a9, 'same-env')).info.connected).toBe(true);
});

test('writing trust without an accounts entry drops the default: the same-environment connection breaks', async () => {
  await putTrust({
    direct: [
      {
        name: 'other',
        type: 'proxy',
        trust_all: false,
        certificates: [{ pem: c.sim.config.environments['ece-b']!.caCert as string }],
      },
    ],
  });
  expect((await esResource(c, a9)).info.settings.trust.accounts).toEqual([]);
  const { info, resolved } = await aliasState(c, a9, 'same-env');
  expect(info.connected).toBe(false);
  expect(resolved.error).toContain('failed to establish trust');
});

test('null reverts to the default: trust absent again and the connection back', async () => {
  await putTrust(null);
  expect((await esResource(c, a9)).info.settings).not.toHaveProperty('trust');
  expect(c.sim.snapshot()['ece-a']!.deployments[a9.id]!.trustAbsent).toBe(true);
  expect((await aliasState(c, a9, 'same-env')).info.connected).toBe(true);
});
