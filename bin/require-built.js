// Runs one compiled entry point (dist/, written by `npm run build`), or says how to build it.
'use strict';
const { existsSync } = require('node:fs');
const path = require('node:path');

module.exports = function requireBuilt(entry) {
  const file = path.join(__dirname, '..', 'dist', `${entry}.js`);
  if (!existsSync(file)) {
    process.stderr.write(
      `crosslink is not built: ${path.relative(process.cwd(), file) || file} is missing. ` +
        'Run `npm ci && npm run build` in the crosslink checkout first.\n',
    );
    process.exit(1);
  }
  require(file);
};
