/** Where the workflow code comes from: the bundle built ahead of time, or the sources. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Written by `npm run bundle` (workers/build-bundle.ts); the Docker image builds it. */
export const WORKFLOW_BUNDLE_PATH = resolve(__dirname, '..', 'dist', 'workflow-bundle.js');
export const WORKFLOWS_PATH = resolve(__dirname, '..', 'workflows', 'index.ts');

export type WorkflowCodeMode = 'auto' | 'prebuilt' | 'source';

export type WorkflowCode = { kind: 'prebuilt'; codePath: string } | { kind: 'source'; workflowsPath: string };

/**
 * `auto`: the prebuilt bundle when it exists (production), else bundle the sources at start
 * (development). `prebuilt` refuses to start without the bundle; `source` always bundles.
 */
export function workflowCode(mode: WorkflowCodeMode = 'auto', bundlePath = WORKFLOW_BUNDLE_PATH): WorkflowCode {
  if (mode === 'source') return { kind: 'source', workflowsPath: WORKFLOWS_PATH };
  if (existsSync(bundlePath)) return { kind: 'prebuilt', codePath: bundlePath };
  if (mode === 'prebuilt') {
    throw new Error(`no workflow bundle at ${bundlePath}: build it with \`npm run bundle\``);
  }
  return { kind: 'source', workflowsPath: WORKFLOWS_PATH };
}
