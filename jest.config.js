// `npm test`: every suite that needs no Temporal server, except the heavy proof matrices
// (jest.heavy.js, run by `npm run test:proof`). Real-server suites live in test/server and run with
// `npm run test:server` (jest.server.config.js). CI runs all three (.ci/run).
const heavy = require('./jest.heavy');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // tsconfig.json has isolatedModules, so ts-jest transpiles file by file (no type check: `npm run typecheck`).
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/server/', ...heavy.map((p) => p.replace(/\./g, '\\.'))],
  testTimeout: 60_000,
  // Suites write temporary files into one folder per run; the run fails if any is left behind.
  globalSetup: '<rootDir>/test/harness/temp-folder.global-setup.js',
  globalTeardown: '<rootDir>/test/harness/temp-folder.global-teardown.js',
  // Workflow-harness suites install process-wide handlers; one process per file keeps them apart.
  maxWorkers: 2,
};
