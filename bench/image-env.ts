/**
 * The environment the image gives the worker: the runtime stage's `ENV` instructions in the
 * Dockerfile, so the benchmarks start the worker with exactly what the image sets (NODE_ENV,
 * MALLOC_ARENA_MAX, NODE_OPTIONS...), not a copy that drifts from it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const DOCKERFILE = path.join(__dirname, '..', 'Dockerfile');

/** `KEY=value` pairs of one ENV instruction's arguments (values may be double-quoted). */
function pairs(args: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const re = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g;
  for (const m of args.matchAll(re)) {
    const raw = m[2]!;
    out.push([m[1]!, raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw]);
  }
  return out;
}

/** The ENV of the Dockerfile's last stage (the runtime image), continuation lines joined. */
export function imageEnvironment(dockerfile = readFileSync(DOCKERFILE, 'utf8')): Record<string, string> {
  const lines = dockerfile.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  const stages = lines.reduce<string[][]>((acc, line) => {
    if (/^\s*FROM\s/i.test(line)) acc.push([]);
    acc[acc.length - 1]?.push(line);
    return acc;
  }, []);
  const env: Record<string, string> = {};
  for (const line of stages[stages.length - 1] ?? []) {
    const m = /^\s*ENV\s+(.*)$/i.exec(line);
    if (m) for (const [k, v] of pairs(m[1]!)) env[k] = v;
  }
  return env;
}
