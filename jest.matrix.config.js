// `npm run test:matrix`: the Elasticsearch version matrix (test/matrix), kept out of `npm test` for its size.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testMatch: ['<rootDir>/test/matrix/**/*.matrix.ts'],
  testTimeout: 60_000,
  maxWorkers: 1,
};
