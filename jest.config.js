// `npm test`: every suite that needs no Temporal server. Real-server suites live in
// test/server and run with `npm run test:server` (jest.server.config.js).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/server/'],
  testTimeout: 60_000,
  // Workflow-harness suites install process-wide handlers; one process per file keeps them apart.
  maxWorkers: 2,
};
