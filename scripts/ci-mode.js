// Whether this run is CI, where every test must run: a skipped test (a real-server suite without a
// server) fails the run instead of passing quietly. CI is the variable CI services set; `.ci/run`
// sets CI=true unless told otherwise. Used by scripts/ci-summary.js and test/server/temporal-server.ts.

/** CI set to anything but '', '0' or 'false' (case-insensitive). */
function isCi(env = process.env) {
  const value = (env.CI ?? '').trim().toLowerCase();
  return value !== '' && value !== '0' && value !== 'false';
}

module.exports = { isCi };
