/** Where the workflow code comes from: the bundle built ahead of time, or the sources. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * This file runs either from the sources (tsx, ts-jest) or compiled (`npm run build`: dist/workers).
 * Either way the workflow code sits next to it, as .ts or .js, and the bundle is dist/workflow-bundle.js.
 */
const COMPILED = __filename.endsWith('.js');
const CODE_ROOT = resolve(__dirname, '..');
const SOURCE_EXTENSION = COMPILED ? '.js' : '.ts';
/** Written by `npm run build` (workers/build-bundle.ts); the Docker image carries it. */
export const WORKFLOW_BUNDLE_PATH = COMPILED
  ? join(CODE_ROOT, 'workflow-bundle.js')
  : join(CODE_ROOT, 'dist', 'workflow-bundle.js');
export const WORKFLOWS_PATH = join(CODE_ROOT, 'workflows', `index${SOURCE_EXTENSION}`);
/** Loaded once per workflow thread and shared by every run in it (see the file). */
export const WORKFLOW_PRELOAD_PATH = join(CODE_ROOT, 'workers', `workflow-preload${SOURCE_EXTENSION}`);
/**
 * The bundler options of every workflow bundle: the prebuilt one, the sources at start, tests.
 * The preload module is the same flavour (.ts or compiled .js) as the workflows, so both resolve
 * the same zod build and the runs use the shared copy.
 */
export const WORKFLOW_BUNDLER_OPTIONS = { preloadModules: [WORKFLOW_PRELOAD_PATH] };
/** Folders and files whose code ends up in the bundle. */
const BUNDLED_SOURCES = [join(CODE_ROOT, 'workflows'), join(CODE_ROOT, 'domain'), WORKFLOW_PRELOAD_PATH];

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
    if (mode === 'prebuilt') throw new Error(`no workflow bundle at ${bundlePath}: build it with \`npm run build\``);
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
    if (statSync(dir).isFile()) {
      newest = Math.max(newest, statSync(dir).mtimeMs);
      continue;
    }
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith(SOURCE_EXTENSION)) {
        newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
      }
    }
  }
  return newest;
}
