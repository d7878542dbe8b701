/** Stack versions: parse and compare "8.15.1" style strings. */
export function parseVersion(v: string): [number, number, number] {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : [0, 0, 0];
}

export function atLeast(version: string, min: string): boolean {
  const a = parseVersion(version);
  const b = parseVersion(min);
  for (let i = 0; i < 3; i++) if (a[i]! !== b[i]!) return a[i]! > b[i]!;
  return true;
}

/** The API key model: GA from 8.14 (documented prerequisite), beta 8.10-8.13. */
export const API_KEY_GA = '8.14.0';
export const API_KEY_BETA = '8.10.0';

/**
 * Role fields a local cluster accepts (docs/sources.md §8A): `remote_indices` from 8.10, the API key
 * model's beta (the specification marks it 8.14, its GA); `remote_cluster` from 8.15.
 */
export const ROLE_REMOTE_INDICES_SINCE = '8.10.0';
export const ROLE_REMOTE_CLUSTER_SINCE = '8.15.0';
