// `npm run test:proof`: the heaviest matrix (every step x every fault x both security models, on the
// simulator), apart from `npm test` so everyday feedback stays quick. CI runs both (.ci/run).
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: require('./jest.heavy'),
  testPathIgnorePatterns: ['/node_modules/'],
};
