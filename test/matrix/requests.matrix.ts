/**
 * The version matrix (`npm run test:matrix`): crosslink's Elasticsearch requests at every supported
 * local x remote version, in both security models, against the strict simulator: the connection's
 * steps and undos, and through the connection the cross-cluster replication requests of a
 * security-model migration (ccr-cell.ts), and in the certificate model the migration to the API key
 * model itself, forward and rolled back, where both sides are on one line (migrate-cell.ts). A
 * request a version refuses fails its cell.
 * MATRIX_VERSIONS=8.13.0,9.1.0 narrows it for a quick look.
 */
import { type Harness, startHarness } from '../activities/support/harness';
import { expectedCcrOutcome } from './ccr-cell';
import { type Model, runCell } from './connect-cell';
import { expectedMigrationOutcome } from './migrate-cell';
import { SUPPORTED_VERSIONS, versionTopology } from './versions';

const versions = process.env.MATRIX_VERSIONS ? process.env.MATRIX_VERSIONS.split(',') : SUPPORTED_VERSIONS;
const models: Model[] = ['api_key', 'certificate'];

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ topology: versionTopology(versions) });
});
afterAll(() => h.close());

describe.each(models)('%s model', (model) => {
  describe.each(versions)('local %s', (localVersion) => {
    test.each(versions)(`remote %s: every Elasticsearch request accepted`, async (remoteVersion) => {
      const result = await runCell(h, localVersion, remoteVersion, model);
      expect(result.refused).toEqual([]);
      // Before 8.13 there is no _resolve/cluster: verify confirms from _remote/info alone.
      expect(result.verifyError).toBeUndefined();
      expect(result.connected).toBe(true);
      expect(result.ccr).toEqual(expectedCcrOutcome({ tag: `${model}-${localVersion}-${remoteVersion}` }));
      // Certificate model, local and remote on one line: every request of a migration to the API key
      // model, and of its rollback (connect-cell.ts says why the diagonal).
      expect(result.migration).toEqual(
        model === 'certificate' && localVersion === remoteVersion
          ? expectedMigrationOutcome({ tag: `${localVersion}-${remoteVersion}` }, localVersion)
          : undefined,
      );
    });
  });
});
