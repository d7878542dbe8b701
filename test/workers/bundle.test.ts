import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { suiteTempDir } from '../harness/temp-dir';
import { WORKFLOWS_PATH, WORKFLOW_BUNDLER_OPTIONS, workflowCode } from '../../workers/bundle';

const dir = suiteTempDir('crosslink-bundle-');

describe('which workflow code a worker runs', () => {
  test('without a prebuilt bundle: sources in auto mode, a clear refusal in prebuilt mode', () => {
    const missing = join(dir, 'missing.js');
    expect(workflowCode('auto', missing)).toMatchObject({ kind: 'source', reason: 'no prebuilt bundle' });
    expect(() => workflowCode('prebuilt', missing)).toThrow(/no workflow bundle at .*npm run build/);
  });

  test('a bundle newer than the workflow sources is used', () => {
    const fresh = join(dir, 'fresh.js');
    writeFileSync(fresh, '// bundle');
    const future = new Date(Date.now() + 3_600_000);
    utimesSync(fresh, future, future);
    expect(workflowCode('auto', fresh)).toEqual({ kind: 'prebuilt', codePath: fresh });
  });

  test('a bundle older than the sources is stale: auto bundles the sources, prebuilt uses it as told', () => {
    const stale = join(dir, 'stale.js');
    writeFileSync(stale, '// bundle');
    utimesSync(stale, new Date(0), new Date(0));
    expect(workflowCode('auto', stale)).toMatchObject({ kind: 'source', reason: expect.stringMatching(/newer than/) });
    expect(workflowCode('prebuilt', stale)).toEqual({ kind: 'prebuilt', codePath: stale });
    expect(workflowCode('source', stale)).toMatchObject({ kind: 'source' });
  });
});

describe('the workflow bundle shares zod between runs', () => {
  test('zod is loaded once, by the preload, and the workflows use that one copy', async () => {
    const noop = () => undefined;
    const { code } = await bundleWorkflowCode({
      workflowsPath: WORKFLOWS_PATH,
      ...WORKFLOW_BUNDLER_OPTIONS,
      logger: { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop },
    });
    // The preload function the SDK runs once per workflow thread, before any run, requires it.
    const preload = /exports\.preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(code)?.[1] ?? '';
    expect(preload).toContain('workflow-preload');
    // One zod build in the bundle: a second (the other module format) would be evaluated per run.
    const zodObjectModules = [
      ...code.matchAll(/^\/\*\*\*\/ "(\.\/node_modules\/zod\/[^"]*\/schemas\.[a-z]*js)"/gm),
    ].map((m) => m[1]);
    expect(zodObjectModules.filter((m) => m!.includes('/classic/'))).toHaveLength(1);
  }, 60_000);
});
