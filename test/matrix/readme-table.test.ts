/** The README's supported-version table is the one the version matrix backs (test/matrix/table.ts). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderVersionTable } from './table';

/** Cells without the padding and rule widths a formatter adds. */
const normalize = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .split('|')
        .map((c) => c.trim().replace(/^-+$/, '---'))
        .join('|'),
    );

test('README "Supported versions" shows the table rendered from the matrix', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.split('## Supported versions')[1]!.split('\n## ')[0]!;
  expect(normalize(section)).toEqual(normalize(renderVersionTable()));
});
