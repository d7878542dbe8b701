/** Small formatting helpers shared by the CLI renderers (pure, deterministic). */

/** `1.2s`, `3m 04s`, `2h 05m`. */
export function formatDuration(ms: number): string {
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function durationBetween(start?: string, end?: string): number | undefined {
  if (!start || !end) return undefined;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) ? ms : undefined;
}

/** ISO timestamp without milliseconds, in UTC: stable output for tests and logs. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '-';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A deadline with how far away it is from `now` ("in 23h 59m" / "passed"). */
export function formatDeadline(deadline: string, now: Date): string {
  const left = Date.parse(deadline) - now.getTime();
  return `${formatTime(deadline)} (${left > 0 ? `in ${formatDuration(left)}` : 'passed'})`;
}

/** Fixed-width plain-text table; the last column is not padded. */
export function renderTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
