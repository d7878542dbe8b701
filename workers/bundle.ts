/** Where the workflow code comes from: the bundle built ahead of time, or the sources. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
/** Written by `npm run bundle` (workers/build-bundle.ts); the Docker image builds it. */
export const WORKFLOW_BUNDLE_PATH = join(ROOT, 'dist', 'workflow-bundle.js');
export const WORKFLOWS_PATH = join(ROOT, 'workflows', 'index.ts');
/** Folders whose code ends up in the bundle. */
const BUNDLED_SOURCES = [join(ROOT, 'workflows'), join(ROOT, 'domain')];

export type WorkflowCodeMode = 'auto' | 'prebuilt' | 'source';

export type WorkflowCode =
  { kind: 'prebuilt'; codePath: string } | { kind: 'source'; workflowsPath: string; reason: string };

/**
 * `auto`: the prebuilt bundle when it exists and no workflow or domain source is newer (a stale
 * bundle would run old workflow code), else bundle the sources at start. `prebuilt` refuses to
 * start without the bundle; `source` always bundles.
 */
export function workflowCode(mode: WorkflowCodeMode = 'auto', bundlePath = WORKFLOW_BUNDLE_PATH): WorkflowCode {
  if (mode === 'source') return { kind: 'source', workflowsPath: WORKFLOWS_PATH, reason: 'asked for' };
  if (!existsSync(bundlePath)) {
    if (mode === 'prebuilt') throw new Error(`no workflow bundle at ${bundlePath}: build it with \`npm run bundle\``);
    return { kind: 'source', workflowsPath: WORKFLOWS_PATH, reason: 'no prebuilt bundle' };
  }
  if (mode === 'auto' && newestSource(BUNDLED_SOURCES) > statSync(bundlePath).mtimeMs) {
    return { kind: 'source', workflowsPath: WORKFLOWS_PATH, reason: `sources are newer than ${bundlePath}` };
  }
  return { kind: 'prebuilt', codePath: bundlePath };
}

function newestSource(dirs: readonly string[]): number {
  let newest = 0;
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts')) {
        newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
      }
    }
  }
  return newest;
}
