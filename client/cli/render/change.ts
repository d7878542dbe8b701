/** The change an approval gate guards (domain/changes.ts), as an approver reads it in the terminal. */
import { type GateChange } from '../../../domain';

const value = (v: unknown): string =>
  v === undefined || v === null ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v);

export function renderChange(change: GateChange, indent = ''): string {
  const lines = [`${indent}Change the gate "${change.gate}" lets through (${change.digest}):`];
  for (const a of change.activities) {
    lines.push(`${indent}  ${a.activity}: ${a.summary}`);
    for (const r of a.requests) {
      const where = `${r.system} ${r.environment}${r.deploymentId ? `/${r.deploymentId}` : ''}`;
      lines.push(`${indent}    ${r.method} ${r.path}  (${where})`);
      if (r.body !== undefined) lines.push(`${indent}      ${JSON.stringify(r.body)}`);
    }
    for (const c of a.changes) lines.push(`${indent}    ${c.what}: ${value(c.before)} -> ${value(c.after)}`);
    if (a.requests.length === 0 && a.changes.length === 0) lines.push(`${indent}    (writes nothing)`);
  }
  return lines.join('\n');
}
