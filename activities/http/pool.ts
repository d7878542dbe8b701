import { createHash } from 'node:crypto';
import { Pool } from 'undici';

/** Timeouts for every call to ECE and Elasticsearch (ms). */
export const HTTP_TIMEOUTS = { connect: 10_000, headers: 30_000, body: 30_000, keepAlive: 30_000 } as const;

/**
 * One keep-alive pool per origin and CA bundle. TLS is always verified: against the environment's
 * CA bundle when it has one, else against Node's public roots. Certificate verification is never turned off.
 */
const pools = new Map<string, Pool>();

export function poolFor(origin: string, ca?: string): Pool {
  const key = `${origin}#${ca ? createHash('sha256').update(ca).digest('hex') : 'public'}`;
  let pool = pools.get(key);
  if (!pool || pool.destroyed || pool.closed) {
    pool = new Pool(origin, {
      connect: { ...(ca ? { ca } : {}), timeout: HTTP_TIMEOUTS.connect },
      headersTimeout: HTTP_TIMEOUTS.headers,
      bodyTimeout: HTTP_TIMEOUTS.body,
      keepAliveTimeout: HTTP_TIMEOUTS.keepAlive,
      connections: 8,
    });
    pools.set(key, pool);
  }
  return pool;
}

/** Close every pool (worker shutdown, end of a test file). */
export async function closeAllPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.close().catch(() => undefined)));
}
