import { createHash } from 'node:crypto';
import { Pool } from 'undici';

/** Timeouts for every call to ECE and Elasticsearch (ms). */
export const HTTP_TIMEOUTS = { connect: 10_000, headers: 30_000, body: 30_000, keepAlive: 30_000 } as const;

/**
 * TLS options of every outgoing connection. `rejectUnauthorized: true` is explicit because Node's
 * default for an unset option reads NODE_TLS_REJECT_UNAUTHORIZED (undici passes these options to
 * `tls.connect` as they are): with it pinned, no environment variable turns verification off.
 * `ca`: the environment's bundle when it has one (it then replaces Node's roots), else Node's roots.
 */
export function pinnedTls(ca?: string): { rejectUnauthorized: true; ca?: string } {
  return { rejectUnauthorized: true, ...(ca ? { ca } : {}) };
}

/**
 * The warning a process logs when NODE_TLS_REJECT_UNAUTHORIZED=0 is set: crosslink's own connections
 * ignore it (pinnedTls), but anything else in the process that leaves the option unset would not.
 */
export function tlsOverrideWarning(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NODE_TLS_REJECT_UNAUTHORIZED !== '0') return undefined;
  return 'NODE_TLS_REJECT_UNAUTHORIZED=0 is set and ignored: crosslink verifies every ECE and Elasticsearch certificate (configure environments.<name>.caCert instead)';
}

/** One keep-alive pool per origin and CA bundle, with pinned verification. */
const pools = new Map<string, Pool>();

export function poolFor(origin: string, ca?: string): Pool {
  const key = `${origin}#${ca ? createHash('sha256').update(ca).digest('hex') : 'public'}`;
  let pool = pools.get(key);
  if (!pool || pool.destroyed || pool.closed) {
    pool = new Pool(origin, {
      connect: { ...pinnedTls(ca), timeout: HTTP_TIMEOUTS.connect },
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
