/** The topology file: defaults, errors that name the field, and a custom topology served as written. */
import { ValidationError } from '../../domain/validation';
import { DEFAULT_TOPOLOGY } from '../../simulator/default-topology';
import { parseTopology } from '../../simulator/topology';
import { startClients } from './fixtures';

test('the default topology parses, with defaults filled in', () => {
  const t = parseTopology(DEFAULT_TOPOLOGY);
  expect(t.environments['ece-a']!.proxyCa).toBe('public');
  expect(t.environments['ece-b']!.proxyCa).toBe('private');
  expect(t.environments['ece-b']!.region).toBe('ece-region');
  expect(t.environments['ece-a']!.deployments.map((d) => d.version)).toEqual(['9.1.3', '8.15.1', '8.13.4']);
  expect(t.environments['ece-a']!.deployments[0]!.refId).toBe('main-elasticsearch');
});

test.each([
  [{}, 'environments'],
  [{ environments: {} }, 'environments'],
  [{ environments: { 'Bad Name': { deployments: [] } } }, 'environments.Bad Name'],
  [
    { environments: { x: { deployments: [{ id: 'short', name: 'n', version: '8.15.1' }] } } },
    'environments.x.deployments[0].id',
  ],
  [
    { environments: { x: { deployments: [{ id: 'a'.repeat(32), name: 'n', version: '8.15' }] } } },
    'environments.x.deployments[0].version',
  ],
  [
    { environments: { x: { proxyCa: 'maybe', deployments: [{ id: 'a'.repeat(32), name: 'n', version: '8.15.1' }] } } },
    'environments.x.proxyCa',
  ],
  [
    {
      environments: {
        x: { deployments: [{ id: 'a'.repeat(32), name: 'n', version: '8.15.1', trust: { direct: [{ name: 'd' }] } }] },
      },
    },
    'environments.x.deployments[0].trust.direct[0].trust_all',
  ],
  [
    {
      environments: {
        x: { deployments: [{ id: 'a'.repeat(32), name: 'n', version: '8.15.1' }] },
        y: { deployments: [{ id: 'a'.repeat(32), name: 'm', version: '8.15.1' }] },
      },
    },
    'environments.y.deployments[0].id',
  ],
])('bad topology %j names %s', (input, field) => {
  try {
    parseTopology(input);
    throw new Error('parsed');
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).errors.map((e) => e.field)).toContain(field);
  }
});

test('a custom topology is served as written', async () => {
  const c = await startClients({
    topology: {
      environments: {
        solo: {
          region: 'us-east',
          accountId: 'abcdefabcdefabcdefabcdefabcdef12',
          deployments: [
            {
              id: 'd'.repeat(32),
              name: 'only',
              version: '8.17.0',
              clusterId: 'e'.repeat(32),
              refId: 'es-main',
              elasticPassword: 'correct-horse-battery',
              roles: { reader: { cluster: ['monitor'] } },
            },
          ],
        },
      },
    },
  });
  try {
    expect(c.sim.config.environments.solo).toMatchObject({ region: 'us-east' });
    const dep = await c.ece('solo', 'GET', `/deployments/${'d'.repeat(32)}?show_settings=true`);
    const es = dep.body.resources.elasticsearch[0];
    expect(es).toMatchObject({ ref_id: 'es-main', id: 'e'.repeat(32), region: 'us-east' });
    expect(es.info.settings.trust.accounts).toEqual([
      { account_id: 'abcdefabcdefabcdefabcdefabcdef12', trust_all: true },
    ]);
    expect((await c.ece('solo', 'GET', '/regions/us-east/platform')).status).toBe(200);
    expect((await c.es('solo', 'd'.repeat(32), 'GET', '/_security/role/reader')).status).toBe(200);
    expect(c.sim.config.environments.solo!.elasticsearch?.deployments?.['d'.repeat(32)]).toEqual({
      credentials: { username: 'elastic', password: 'correct-horse-battery' },
    });
  } finally {
    await c.close();
  }
});
