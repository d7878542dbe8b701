/** Fixture for the determinism guard: workflow code that reads a file must not bundle. */
import { readFileSync } from 'node:fs';

export async function readsAFile(): Promise<string> {
  return readFileSync('/etc/hostname', 'utf8');
}
