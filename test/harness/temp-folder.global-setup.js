// `npm test` (jest.config.js): every suite's temporary files go to one new folder, which
// temp-folder.global-teardown.js checks is empty at the end (a suite must remove what it makes)
// and then removes. Worker processes start after this and inherit TMPDIR, so os.tmpdir() there,
// and in every process a suite starts, is this folder.
'use strict';
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async function setUpTempFolder() {
  process.env.CROSSLINK_TEST_OUTER_TMPDIR = process.env.TMPDIR ?? '';
  process.env.TMPDIR = mkdtempSync(join(tmpdir(), 'crosslink-npm-test-'));
};
