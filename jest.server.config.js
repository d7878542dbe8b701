// Suites that need a real Temporal server (`temporal server start-dev`); see test/server/README.md.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testMatch: ['<rootDir>/test/server/**/*.test.ts'],
  testTimeout: 180_000,
  maxWorkers: 1,
  // A worker that failed to start can leave native bridge handles open; do not let that hang CI.
  forceExit: true,
};
