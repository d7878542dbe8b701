/**
 * The fault matrix as a text table: one line per row (step or undo), one column per fault kind.
 * A cell reads `<outcome> <retries>r <leaked>L`, e.g. `connected 1r 0L`; `!` marks a failed cell;
 * `left N` counts objects a failed undo left and reported; `·` means the fault does not apply.
 */
import { type CellResult } from './cell';
import { FAULT_KINDS, FAULT_MEANING, type FaultKind, ROWS } from './rows';

const SHORT: Record<string, string> = {
  connected: 'connected',
  'rolled-back': 'rolled-back',
  'compensation-failed': 'undo-failed',
};

function cellText(c: CellResult): string {
  const outcome = SHORT[c.outcome] ?? c.outcome;
  const left = c.reported.length > 0 ? ` left ${c.reported.length}` : '';
  const bad = c.problems.length > 0 ? '!' : '';
  return `${bad}${outcome} ${c.retries}r ${c.leaked.length + c.touched.length}L${left}`;
}

export function renderMatrix(results: CellResult[]): string {
  const header = ['model', 'row', ...FAULT_KINDS];
  const lines: string[][] = ROWS.map((row) => {
    const cells = FAULT_KINDS.map((kind: FaultKind) => {
      const c = results.find((r) => r.row === row && r.kind === kind);
      return c ? cellText(c) : '·';
    });
    return [row.model, row.label, ...cells];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (l: string[]) =>
    l
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join(' | ')
      .trimEnd();
  const failed = results.filter((r) => r.problems.length > 0);
  const leaks = results.reduce((n, r) => n + r.leaked.length + r.touched.length, 0);
  return [
    'Fault matrix: outcome, retries of the faulted activity (r), leaked objects (L)',
    fmt(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...lines.map(fmt),
    '',
    ...FAULT_KINDS.map((k) => `  ${k.padEnd(11)} ${FAULT_MEANING[k]}`),
    '',
    `${results.length} cells, ${failed.length} failed, ${leaks} leaked or touched objects`,
    ...failed.map((r) => `  ! ${r.row.model} ${r.row.label} x ${r.kind}: ${r.problems.join('; ')}`),
  ].join('\n');
}
