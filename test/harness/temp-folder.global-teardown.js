// Fails `npm test` when a suite left files in the run's temporary folder (see
// temp-folder.global-setup.js), naming them; removes the folder either way. Tools' own caches that
// are meant to outlive a process (tsx's and Node's compile caches) are not a suite's leftovers.
'use strict';
const { readdirSync, rmSync } = require('node:fs');

const TOOL_CACHES = [/^tsx-\d+$/, /^node-compile-cache$/];

module.exports = async function tearDownTempFolder() {
  const folder = process.env.TMPDIR;
  const outer = process.env.CROSSLINK_TEST_OUTER_TMPDIR;
  if (outer) process.env.TMPDIR = outer;
  else delete process.env.TMPDIR;
  if (!folder || !/crosslink-npm-test-/.test(folder)) return;
  const left = readdirSync(folder).filter((name) => !TOOL_CACHES.some((cache) => cache.test(name)));
  rmSync(folder, { recursive: true, force: true });
  if (left.length > 0) {
    throw new Error(`suites left files in the temporary folder (each must remove what it makes): ${left.join(', ')}`);
  }
};
