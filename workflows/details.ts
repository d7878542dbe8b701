/**
 * The run's business view for the Temporal Web UI and CLI (user metadata): a one-line summary and
 * markdown details at start (client/connection-metadata.ts), and the current details, rewritten from
 * Progress on every state change (ConnectionProgress calls `currentDetails`).
 */
import { type GateApprovers, type PendingGate, type Progress } from '../domain';

/** Who may decide a gate, as people read it: "bob, carol or alice", "2 of bob, carol, alice". */
export function approversText(approvers: GateApprovers | undefined): string {
  if (!approvers || approvers.groups.length === 0) return 'the approval policy';
  return approvers.groups
    .map((g) => (g.required > 1 ? `${g.required} of ${g.approvers.join(', ')}` : orList(g.approvers.map((a) => a))))
    .join(' and ');
}

function orList(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** A changed value as the Web UI shows it: its JSON in code, long ones cut (the CLI's status shows all). */
function shown(value: unknown): string {
  if (value === undefined || value === null) return '(none)';
  const json = JSON.stringify(value);
  return `\`${json.length > 300 ? `${json.slice(0, 300)}…` : json}\``;
}

function gateLine(gate: PendingGate): string {
  const approved = gate.approvedBy?.length ? `; approved so far by ${gate.approvedBy.join(', ')}` : '';
  const line = `**waiting for approval** of \`${gate.gate}\` by ${approversText(gate.approvers)}; deadline ${gate.deadline}${approved}`;
  if (!gate.change) return line;
  // What the approval lets through, and the digest a decision must sign.
  const what = gate.change.activities.flatMap((a) => [
    `- ${a.summary}`,
    ...a.requests.map(
      (r) =>
        `  - \`${r.method} ${r.path}\` (${r.system} ${r.environment}${r.deploymentId ? `/${r.deploymentId}` : ''})`,
    ),
    ...a.changes.map((c) => `  - ${c.what}: ${shown(c.before)} → ${shown(c.after)}`),
  ]);
  // A blank line before the list: the Web UI's markdown does not let a list interrupt a paragraph.
  return [line, '', `the change (\`${gate.change.digest}\`):`, '', ...what].join('\n');
}

function headline(p: Progress): string {
  const reason = p.reason
    ? `\`${p.reason.type}\`${p.reason.step ? ` at \`${p.reason.step}\`` : ''}: ${p.reason.message}`
    : '';
  switch (p.state) {
    case 'running':
      return `**running** \`${p.currentStep ?? 'preflight'}\``;
    case 'awaiting-approval':
      return p.pendingGate ? gateLine(p.pendingGate) : '**waiting for approval**';
    case 'compensating':
      return `**rolling back** after ${reason}`;
    case 'rolled-back':
      return `**rolled back** (an expected outcome: everything this run created is removed) after ${reason}`;
    case 'failed':
      return `**failed**: rolled back after ${reason}, but ${p.compensationFailures.length} undo(s) failed; see below`;
    case 'connected':
      return `**connected**: \`${p.alias}\` on ${p.local.environment}/${p.local.deploymentId} reaches ${p.remote.environment}/${p.remote.deploymentId}`;
    case 'disconnected':
      return `**disconnected**: \`${p.alias}\` removed from ${p.local.environment}/${p.local.deploymentId}`;
  }
}

/** Markdown for the Web UI's "Current Details": what the run is doing, why, and each step. */
export function currentDetails(p: Progress): string {
  const lines = [headline(p)];
  const refused = p.audit.filter((a) => a.decision === 'refused');
  const last = refused.at(-1);
  if (last) {
    lines.push(
      '',
      `${refused.length} decision(s) **refused**; the last (${last.by ?? 'unknown'} via ${last.via}, gate \`${last.gate}\`): ${last.refusal ?? ''}`,
    );
  }
  for (const f of p.compensationFailures) lines.push('', `undo failed: \`${f.step}\` ${f.activity}: ${f.message}`);
  // Its own paragraph: a list right after the change's list would be read as part of it.
  lines.push(
    '',
    '**steps**',
    '',
    ...p.steps.map((s) => `- \`${s.id}\`: ${s.status}${s.detail ? ` (${s.detail})` : ''}`),
  );
  return lines.join('\n');
}
