/**
 * Which Node.js crosslink supports is said once and the same everywhere (package.json `engines`,
 * what CI installs, the Docker image, the README, docs/running.md), and the README is honest about
 * an older Node: nothing enforces `engines` (no `engine-strict`), so it says that npm only warns
 * and what was checked on which older version.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
const supported = Number(/^>=\s*(\d+)$/.exec(engines)?.[1]);
const readme = read('README.md');
/** The README's "Node.js versions" section, up to the next heading. */
const section = /^### Node\.js versions\n([\s\S]*?)(?=^#)/m.exec(readme)?.[1] ?? '';

test('engines, CI, the Docker image, the README and docs/running.md name the same Node.js major', () => {
  expect(supported).toBeGreaterThan(0);
  expect(Number(/^NODE_MAJOR=(\d+)$/m.exec(read('.ci/run'))?.[1])).toBe(supported);
  expect([...read('Dockerfile').matchAll(/^FROM node:(\d+)/gm)].map((m) => Number(m[1]))).toEqual([
    supported,
    supported,
  ]);
  expect(section).toContain(`crosslink supports Node.js ${supported}`);
  expect(read('docs/running.md')).toContain(`crosslink supports Node.js ${supported}`);
});

test('the README says what an older Node does and what was checked on it, since nothing refuses one', () => {
  const npmrc = existsSync(path.join(ROOT, '.npmrc')) ? read('.npmrc') : '';
  expect(npmrc).not.toMatch(/^\s*engine-strict\s*=\s*true/m); // the README's statement below is about this choice
  expect(section).toMatch(/EBADENGINE/);
  expect(section).toMatch(/nothing refuses/i);
  // Each older version named as checked, with the npm it was checked with and what ran.
  const checked = [...section.matchAll(/Node\.js (\d+)\.\d+\.\d+ with npm \d+\.\d+\.\d+/g)].map((m) => Number(m[1]));
  expect(checked.length).toBeGreaterThan(0);
  expect(checked.every((major) => major < supported)).toBe(true);
  expect(section).toMatch(/`npm ci`.*`npm test`.*`npm run local -- --auto-approve`/s);
  // The README's first instructions point at the section rather than claiming a requirement.
  expect(readme).not.toMatch(/requires Node/i);
});
