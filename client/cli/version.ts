/** The version of the installed crosslink package, for `crosslink --version`. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Reads it from crosslink's own package.json, the nearest one above this file: the checkout's when
 * run from the sources or from dist/, the installed package's when installed.
 */
export function crosslinkVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'crosslink' && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) return 'unknown (no crosslink package.json above the CLI)';
  }
}
