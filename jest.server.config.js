// Suites that need a real Temporal server (`temporal server start-dev`); see test/server/README.md.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testMatch: ['<rootDir>/test/server/**/*.test.ts'],
  testTimeout: 180_000,
  maxWorkers: 1,
};
