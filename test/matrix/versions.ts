/**
 * The Elasticsearch versions crosslink is tested at: one per version line the derived specs cover
 * (specs/elasticsearch, 8.10 to the newest 8.x and every 9.x line), and a topology with a deployment
 * on each in two environments.
 */
import { esLines } from '../../simulator/es-spec';
import { type TopologyInput } from '../../simulator/topology';

/** `8.10` -> `8.10.0`: the facts are per line; the patch does not change them. */
export const SUPPORTED_VERSIONS: string[] = esLines().map((l) => `${l.line}.0`);

/** 32 hex characters: environment letter, major, two-digit minor, zeros. */
export function deploymentIdFor(env: 'a' | 'b', version: string): string {
  const [major, minor] = version.split('.');
  return `${env}${major}${minor!.padStart(2, '0')}`.padEnd(32, '0');
}

const opsKey = { name: 'ops-automation', type: 'rest' as const, metadata: { owner: 'ops' } };

/** ece-a (public proxy CA) and ece-b (private proxy CA), each with one deployment per version. */
export function versionTopology(versions: readonly string[] = SUPPORTED_VERSIONS): TopologyInput {
  const deployments = (env: 'a' | 'b') =>
    versions.map((version) => ({
      id: deploymentIdFor(env, version),
      name: `${env === 'a' ? 'search-a' : 'logs-b'}-${version}`,
      version,
      apiKeys: [opsKey],
    }));
  return {
    environments: {
      'ece-a': { accountId: 'ac0000000000000000000000000000a1', proxyCa: 'public', deployments: deployments('a') },
      'ece-b': { accountId: 'ac0000000000000000000000000000b2', proxyCa: 'private', deployments: deployments('b') },
    },
  };
}
