/**
 * The README's step table, from the step catalog (domain/step-catalog.ts). `npm run docs:steps`
 * rewrites the table between its markers; test/domain/step-catalog.test.ts fails when they differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { STEP_CATALOG, STEP_IDS, type SecurityModel } from '../../domain';

export const README = resolve(__dirname, '../../README.md');
export const START = '<!-- step-table:start (generated from domain/step-catalog.ts: npm run docs:steps) -->';
export const END = '<!-- step-table:end -->';

const MODEL_NAMES: Record<SecurityModel, string> = { api_key: 'API key', certificate: 'certificate' };

/** One row per step: id, model, what it does, undo. */
export function stepTableRows(): string[][] {
  return STEP_IDS.map((id) => {
    const row = STEP_CATALOG[id];
    const models = row.models.length === 2 ? 'both' : row.models.map((m) => MODEL_NAMES[m]).join(', ');
    return [`\`${id}\``, models, row.docs.does, row.docs.undo];
  });
}

export function stepTable(): string {
  const lines = [['id', 'model', 'what it does', 'undo'], ['---', '---', '---', '---'], ...stepTableRows()];
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** The cells of the table between the markers of `readme`, as written (any column padding). */
export function readmeTableRows(readme: string): string[][] {
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error('README.md has no step-table markers');
  return readme
    .slice(from + START.length, to)
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2)
    .map((line) =>
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
}

async function main(): Promise<void> {
  const readme = readFileSync(README, 'utf8');
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error('README.md has no step-table markers');
  const next = `${readme.slice(0, from + START.length)}\n\n${stepTable()}\n\n${readme.slice(to)}`;
  // Loaded here only: the tests read the table without formatting it.
  const prettier = await import('prettier');
  writeFileSync(README, await prettier.format(next, { filepath: README }));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
