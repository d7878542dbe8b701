/**
 * bin/require-built.js runs the compiled entry point; in a checkout where a source changed after the
 * last build it says so (the compiled code is that build's: a CLI run after `git pull` without
 * `npm run build` would otherwise behave as the old release, silently).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

let root: string;
beforeEach(() => {
  // A checkout in miniature: bin/require-built.js, dist/entry.js and a source folder.
  root = mkdtempSync(path.join(tmpdir(), 'crosslink-require-built-'));
  mkdirSync(path.join(root, 'bin'));
  mkdirSync(path.join(root, 'dist'));
  mkdirSync(path.join(root, 'client'));
  copyFileSync(path.join(__dirname, '../../bin/require-built.js'), path.join(root, 'bin/require-built.js'));
  writeFileSync(path.join(root, 'dist/entry.js'), "process.stdout.write('ran');\n");
  writeFileSync(path.join(root, 'client/entry.ts'), 'export {};\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function run(): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ['-e', "require('./bin/require-built.js')('entry')"], {
    cwd: root,
    encoding: 'utf8',
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const at = (file: string, seconds: number) => utimesSync(path.join(root, file), seconds, seconds);

it('a build newer than every source runs without a word', () => {
  at('client/entry.ts', 1_000_000);
  at('dist/entry.js', 2_000_000);
  expect(run()).toEqual({ stdout: 'ran', stderr: '', status: 0 });
});

it('a source changed after the build: it still runs, and says which file and what to do', () => {
  at('dist/entry.js', 1_000_000);
  at('client/entry.ts', 2_000_000);
  const r = run();
  expect(r).toMatchObject({ stdout: 'ran', status: 0 });
  expect(r.stderr).toBe(
    'crosslink: warning: client/entry.ts changed after the last build; this runs the compiled code of that build. Run `npm run build` for the current sources.\n',
  );
});

it('an installed package (no sources) runs the build as it is; a missing build says how to make it', () => {
  rmSync(path.join(root, 'client'), { recursive: true });
  expect(run()).toEqual({ stdout: 'ran', stderr: '', status: 0 });
  rmSync(path.join(root, 'dist/entry.js'));
  const r = run();
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/crosslink is not built: dist\/entry\.js is missing\. Run `npm ci && npm run build`/);
});
