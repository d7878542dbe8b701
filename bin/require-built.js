// Runs one compiled entry point (dist/, written by `npm run build`), or says how to build it.
// In a checkout it also says when a source changed after the build (the compiled code would be old).
'use strict';
const { existsSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
/** The folders tsconfig.build.json compiles (an installed package has none of them). */
const SOURCE_DIRS = ['activities', 'client', 'common', 'domain', 'simulator', 'workers', 'workflows'];

/** The newest .ts file under the source folders, or undefined outside a checkout. */
function newestSource() {
  let newest;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts')) {
        const mtimeMs = statSync(file).mtimeMs;
        if (!newest || mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
      }
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(path.join(ROOT, dir))) walk(path.join(ROOT, dir));
  return newest;
}

module.exports = function requireBuilt(entry) {
  const file = path.join(ROOT, 'dist', `${entry}.js`);
  if (!existsSync(file)) {
    process.stderr.write(
      `crosslink is not built: ${path.relative(process.cwd(), file) || file} is missing. ` +
        'Run `npm ci && npm run build` in the crosslink checkout first.\n',
    );
    process.exit(1);
  }
  const source = newestSource();
  if (source && source.mtimeMs > statSync(file).mtimeMs) {
    process.stderr.write(
      `crosslink: warning: ${path.relative(ROOT, source.file)} changed after the last build; ` +
        'this runs the compiled code of that build. Run `npm run build` for the current sources.\n',
    );
  }
  require(file);
};
