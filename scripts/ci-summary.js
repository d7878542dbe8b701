#!/usr/bin/env node
// Prints the closing line CI is judged by from Jest's --json reports. A suite that failed to load
// (a missing file, a syntax error) ran no test, so it is counted as one failure of its own: it
// cannot hide behind "0 failed". Exits 1 when anything failed.
// Usage: node scripts/ci-summary.js <label> <report.json> [more reports...]
const { existsSync, readFileSync } = require('node:fs');

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
  skipped += report.numPendingTests;
  for (const suite of report.testResults) {
    if (suite.status === 'failed' && suite.assertionResults.length === 0) {
      broken += 1;
      console.log(`suite failed to run: ${suite.name}`);
    }
  }
}
const prefix = label === 'total' ? '' : `${label}: `;
if (broken > 0) console.log(`${broken} suite(s) failed to run; each counts as one failure below`);
console.log(`${prefix}${passed} passed, ${failed + broken} failed, ${skipped} skipped`);
process.exitCode = failed + broken > 0 ? 1 : 0;
