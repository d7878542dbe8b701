/** Temporary folders for a suite's files that the suite removes when it ends, whatever happened. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A new folder under the temporary folder, removed (with everything in it) after the suite. Call
 * it where `afterAll` may be called: at the top of a suite file or in a `describe` body.
 */
export function suiteTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * New folders made while tests run (inside a test, where `afterAll` may not be called), all
 * removed after the suite. Call `tempDirs()` at the top of the suite file.
 */
export function tempDirs(): (prefix: string) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return (prefix) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}
