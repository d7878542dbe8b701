/**
 * Reading a desired-state file (YAML or JSON: JSON is YAML) with the `yaml` package's document
 * API, which keeps each node's place in the text, so every problem (a syntax error, a field the
 * schema refuses) names the file, its line and column, and the field's path. Used by the CLI and
 * by the worker (the scheduled reconcile); the schema is domain/desired-state.ts.
 */
import { type Document, LineCounter, type Node, isMap, isNode, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import { type z } from 'zod';
import { DesiredState, formatPath } from '../domain';

/** One problem, where it is. */
export interface FileProblem {
  file: string;
  line: number;
  column: number;
  /** The field's path (`connections[1].access`), `(root)` for the file itself. */
  field: string;
  message: string;
}

/** The file is not a valid desired state: every problem, each with its place. */
export class DesiredStateFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: FileProblem[],
  ) {
    super(`${file} is not a valid desired-state file:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.name = 'DesiredStateFileError';
  }
}

/** `file:line:column: field: message`, the form editors and terminals link to. */
export function formatProblem(p: FileProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.field}: ${p.message}`;
}

type Path = readonly PropertyKey[];

/** The node at `path`, or the deepest node on the way (a missing field is reported at its parent). */
function nodeAt(doc: Document, path: Path): { node: Node | undefined; rest: PropertyKey[] } {
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    let next: unknown;
    if (isMap(node)) next = node.get(key, true);
    else if (isSeq(node) && typeof key === 'number') next = node.get(key, true);
    if (!isNode(next)) return { node: isNode(node) ? node : undefined, rest: path.slice(i) as PropertyKey[] };
    node = next;
  }
  return { node: isNode(node) ? node : undefined, rest: [] };
}

/** The key node of `name` in the map at `path` (where an unknown field is written). */
function keyNode(doc: Document, path: Path, name: string): Node | undefined {
  const { node, rest } = nodeAt(doc, path);
  if (rest.length > 0 || !isMap(node)) return undefined;
  const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === name);
  return pair && isNode(pair.key) ? pair.key : undefined;
}

function position(lines: LineCounter, node: Node | undefined): { line: number; column: number } {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

/** Zod issues as problems at their nodes (an unknown field at its own key). */
function schemaProblems(file: string, doc: Document, lines: LineCounter, error: z.ZodError): FileProblem[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({
        file,
        ...position(lines, keyNode(doc, issue.path, k) ?? nodeAt(doc, issue.path).node),
        field: formatPath([...issue.path, k]),
        message: 'is not a field of this format (check its spelling and its level)',
      }));
    }
    const { node, rest } = nodeAt(doc, issue.path);
    const missing = rest.length > 0 && issue.code === 'invalid_type' && issue.input === undefined;
    return [
      {
        file,
        ...position(lines, node),
        field: formatPath(issue.path),
        message: missing ? `is required (${issue.message})` : issue.message,
      },
    ];
  });
}

/** Parses and validates a desired-state file's text; throws DesiredStateFileError naming every problem's place. */
export function parseDesiredState(text: string, file: string): DesiredState {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new DesiredStateFileError(
      file,
      doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return { file, line, column: col, field: '(syntax)', message: e.message.split('\n')[0] ?? e.message };
      }),
    );
  }
  // Aliases would let a small file expand into a huge one; a desired state needs none.
  const raw: unknown = doc.toJS({ maxAliasCount: 0 });
  if (raw === null || raw === undefined) {
    throw new DesiredStateFileError(file, [
      { file, line: 1, column: 1, field: '(root)', message: 'is empty: a desired state needs version and connections' },
    ]);
  }
  const parsed = DesiredState.safeParse(raw);
  if (!parsed.success)
    throw new DesiredStateFileError(file, inFileOrder(schemaProblems(file, doc, lines, parsed.error)));
  return parsed.data;
}

/**
 * Each problem once (a declared connection is checked by its own fields' schemas and again as a
 * connection request: the same finding twice), in the order of the file.
 */
function inFileOrder(problems: FileProblem[]): FileProblem[] {
  const unique = new Map(problems.map((p) => [`${p.field}\u0000${p.message}`, p]));
  return [...unique.values()].sort((a, b) => a.line - b.line || a.column - b.column);
}
