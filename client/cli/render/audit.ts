/** `crosslink audit report`: the summary, then each drifted connection with the repair it suggests. */
import { type AuditReport, repairCommand } from '../../../domain/drift';
import { formatTime, renderTable } from './format';

export function renderAuditReport(report: AuditReport, run?: { workflowId: string; runId: string }): string {
  const { connected, degraded, broken } = report.health;
  const leftovers = report.leftovers ?? 0;
  const total = report.connections.length - leftovers;
  const leftoverText = leftovers ? `, ${leftovers} leftover${leftovers === 1 ? '' : 's'} of ended runs` : '';
  const lines = [
    `Audit of ${formatTime(report.auditedAt)}${run ? ` (${run.workflowId})` : ''}: ${total} connection${total === 1 ? '' : 's'}, ${connected} connected, ${degraded} degraded, ${broken} broken${leftoverText}; ${report.driftCount} with drift (key expiry warning ${report.expiryWarning}).`,
  ];
  const skipped = report.skipped;
  if (skipped && (skipped.inProgress || skipped.residue)) {
    lines.push(
      `Not audited: ${skipped.inProgress} in progress (a run is changing them), ${skipped.residue} residue (marks of rolled-back or disconnected runs; not connections).`,
    );
  }
  const rows = report.connections.flatMap((c) =>
    c.drift.map((d) => [
      `${c.local.environment}/${c.local.name ?? c.local.deploymentId}`,
      c.alias,
      d.kind,
      d.repair.map((r) => repairCommand(r, c)).join(' | '),
      d.detail,
    ]),
  );
  if (rows.length) {
    lines.push('', renderTable(['LOCAL', 'ALIAS', 'DRIFT', 'SUGGESTED REPAIR', 'DETAIL'], rows));
    lines.push(
      '',
      'Repairs are suggestions: nothing was changed. Run each as its own operation (it waits at its approval gates).',
    );
  }
  if (report.unmanaged) lines.push(`${report.unmanaged} remote cluster(s) without crosslink marks were not audited.`);
  if (report.errors.length) {
    lines.push('', 'Not read (the audit is incomplete there):');
    for (const e of report.errors)
      lines.push(`  ${e.environment}${e.deploymentId ? `/${e.deploymentId}` : ''}: ${e.message}`);
  }
  return lines.join('\n');
}
