#!/usr/bin/env node
// Prints the closing line CI is judged by from Jest's --json reports. A suite that failed to load
// (a missing file, a syntax error) ran no test, so it is counted as one failure of its own: it
// cannot hide behind "0 failed". Under CI (scripts/ci-mode.js) every test must run, so a skipped
// test counts as a failure too: a layer that never ran (the real-server suites without a server)
// cannot end green. Exits 1 when anything failed.
// Usage: node scripts/ci-summary.js <label> <report.json> [more reports...]
const { existsSync, readFileSync } = require('node:fs');
const { isCi } = require('./ci-mode');

const [label, ...files] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
let broken = 0;
for (const file of files) {
  if (!existsSync(file)) {
    console.log(`${file}: no report (the test run did not finish)`);
    broken += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  for (const suite of report.testResults) {
    if (suite.status === 'failed' && suite.assertionResults.length === 0) {
      broken += 1;
      console.log(`suite failed to run: ${suite.name}`);
    }
  }
}
const skipsFail = isCi(process.env) && skipped > 0;
const prefix = label === 'total' ? '' : `${label}: `;
if (broken > 0) console.log(`${broken} suite(s) failed to run; each counts as one failure below`);
if (skipsFail)
  console.log(`${skipped} test(s) skipped under CI (CI=${process.env.CI}); each counts as one failure below`);
const failures = failed + broken + (skipsFail ? skipped : 0);
console.log(`${prefix}${passed} passed, ${failures} failed, ${skipped} skipped`);
process.exitCode = failures > 0 ? 1 : 0;
