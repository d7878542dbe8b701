/**
 * The repository is self-contained: no tracked file cites or loads a path outside it (issue 9 part 1).
 * Facts from outside material live in docs/sources.md and specs/; comments cite those.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SELF = path.relative(ROOT, __filename);

/** Tracked files (git), or every file but node_modules and .git when there is no git checkout. */
function trackedFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  } catch {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(path.join(ROOT, dir))) {
        if (name === 'node_modules' || name === '.git') continue;
        const rel = path.join(dir, name);
        if (statSync(path.join(ROOT, rel)).isDirectory()) walk(rel);
        else out.push(rel);
      }
    };
    walk('');
    return out;
  }
}

const files = trackedFiles().filter((f) => f !== SELF && f !== 'package-lock.json' && existsSync(path.join(ROOT, f)));
const text = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');

// Names of the reading material the project was built from; joined so this file does not match itself.
const FORBIDDEN = [
  ['..', 'shared', ''].join('/'),
  ['', 'work', 'shared'].join('/'),
  ['ece-api', 'md'].join('.'),
  ['temporal-notes', 'md'].join('.'),
  ['temporal', 'notes'].join('-'),
  ['ARCHITECTURE', 'md'].join('.'),
  ['STYLE', 'md'].join('.'),
];

describe('the repository is self-contained', () => {
  it('finds the tracked files', () => {
    expect(files).toContain('package.json');
    expect(files).toContain('docs/sources.md');
  });

  it.each(FORBIDDEN)('no tracked file mentions %s', (needle) => {
    const hits = files.flatMap((f) =>
      text(f)
        .split('\n')
        .map((line, i) => (line.includes(needle) ? `${f}:${i + 1}: ${line.trim()}` : undefined))
        .filter((h): h is string => h !== undefined),
    );
    expect(hits).toEqual([]);
  });

  it('every relative import and __dirname path of the TypeScript sources stays inside the repository', () => {
    const escapes: string[] = [];
    for (const f of files.filter((name) => /\.(ts|js|mjs)$/.test(name))) {
      const dir = path.dirname(path.join(ROOT, f));
      const source = text(f);
      const specifiers = [
        ...source.matchAll(/(?:from|import|require)\s*\(?\s*'(\.{1,2}\/[^']*)'/g),
        ...source.matchAll(/path\.(?:resolve|join)\(__dirname,\s*'([^']+)'/g),
      ].map((m) => m[1]!);
      for (const s of specifiers) {
        const target = path.resolve(dir, s);
        if (path.relative(ROOT, target).startsWith('..')) escapes.push(`${f}: ${s}`);
      }
    }
    expect(escapes).toEqual([]);
  });

  it('docs/sources.md has every section the code cites', () => {
    const section = '§(?:T\\d+|\\d+[A-Z]?(?:\\.\\d+)?)';
    const headings = new RegExp(`^#{2,3} (${section})`, 'gm');
    const citations = new RegExp(`docs/sources\\.md ((?:${section}(?:,\\s*)?)+)`, 'g');
    const sections = new Set([...text('docs/sources.md').matchAll(headings)].map((m) => m[1]!));
    const cited = new Set<string>();
    for (const f of files) {
      for (const m of text(f).matchAll(citations)) {
        for (const s of m[1]!.split(/,\s*/).filter(Boolean)) cited.add(s);
      }
    }
    expect(cited.size).toBeGreaterThan(5);
    expect([...cited].filter((s) => !sections.has(s))).toEqual([]);
  });
});
