/** Whether this run is CI, where every test must run (scripts/ci-mode.js). */
export function isCi(env?: NodeJS.ProcessEnv): boolean;
