/**
 * npm 11 runs a dependency's install script only when package.json `allowScripts` allows it, and
 * warns after every install about each one it does not cover. Every package the lock file marks
 * as having an install script is decided there, allowed or denied; only what the project needs is
 * allowed (README "Dependencies and why": install scripts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string): unknown => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));

const lock = read('package-lock.json') as {
  packages: Record<string, { version?: string; hasInstallScript?: boolean }>;
};
const allowScripts = (read('package.json') as { allowScripts?: Record<string, boolean> }).allowScripts ?? {};

/** `name` or `name@range` (a scoped name starts with `@`). */
function nameOf(key: string): string {
  const at = key.lastIndexOf('@');
  return at > 0 ? key.slice(0, at) : key;
}

const withScripts = Object.entries(lock.packages)
  .filter(([, entry]) => entry.hasInstallScript)
  .map(([where, entry]) => ({
    name: where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length),
    version: entry.version,
  }));

test('every dependency with an install script is allowed or denied in allowScripts', () => {
  const decided = new Set(Object.keys(allowScripts).map(nameOf));
  expect(withScripts.length).toBeGreaterThan(0);
  expect(withScripts.filter((p) => !decided.has(p.name))).toEqual([]);
});

test("only esbuild's script runs: it checks the native binary tsx loads and fetches it if npm skipped its platform package", () => {
  const allowed = Object.entries(allowScripts)
    .filter(([, allow]) => allow)
    .map(([key]) => nameOf(key));
  expect(allowed).toEqual(['esbuild']);
});
