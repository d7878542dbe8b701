/** Reads a connection request file for the local run: each way it can be wrong gets one plain sentence. */
import { readFileSync } from 'node:fs';
import { type z } from 'zod';
import { parseOrThrow } from '../../domain';

export function readRequestFile<S extends z.ZodType>(
  path: string,
  schema: S,
  read: (p: string) => string = (p) => readFileSync(p, 'utf8'),
): z.input<S> {
  let text: string;
  try {
    text = read(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? (err as Error).message)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  parseOrThrow(schema, raw, `connection request ${path}`);
  return raw as z.input<S>;
}
