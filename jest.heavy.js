// Suites that run under `npm run test:proof` (jest.proof.config.js) instead of `npm test`.
module.exports = ['<rootDir>/test/proof/fault-matrix.test.ts'];
