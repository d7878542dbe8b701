/**
 * Determinism guard: bundling fails when workflow code imports something the sandbox forbids
 * (fs, @temporalio/client, activities...). Also checks the bundle exports only the workflow.
 */
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_TYPES } from '../../domain';
import { WORKFLOWS_PATH } from './fixtures';

describe('workflow bundle', () => {
  it('bundles workflows/ without forbidden imports', async () => {
    const warnings: string[] = [];
    const { code } = await bundleWorkflowCode({
      workflowsPath: WORKFLOWS_PATH,
      logger: {
        log: () => undefined,
        trace: () => undefined,
        debug: () => undefined,
        info: () => undefined,
        warn: (m: string) => void warnings.push(m),
        error: (m: string) => void warnings.push(m),
      },
    });
    expect(code).toContain('connectRemoteCluster');
    expect(warnings).toEqual([]);
  });

  it('refuses workflow code that imports node:fs (the guard works)', async () => {
    await expect(
      bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'forbidden-import'), logger: quiet() }),
    ).rejects.toThrow(/Webpack finished with errors/);
  });

  it('exports exactly the workflow types of the contract (domain WORKFLOW_TYPES) from workflows/index.ts', async () => {
    const mod = (await import('../../workflows')) as Record<string, unknown>;
    expect(Object.keys(mod).sort()).toEqual(Object.values(WORKFLOW_TYPES).sort());
    for (const name of Object.keys(mod)) expect(typeof mod[name]).toBe('function');
  });
});

function quiet() {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
}
