/** `crosslink history`: the audit trail as a three-column text table. */
import { type AuditTrail, type TrailEntry } from '../history/audit-trail';
import { formatTime, renderTable } from './format';

export function renderHistory(trail: AuditTrail): string {
  const rows = trail.entries.map((e) => [formatTime(e.at), what(e), detail(e)]);
  const title = trail.workflowId ? `Audit trail of ${trail.workflowId}\n\n` : '';
  return title + renderTable(['TIME', 'WHAT', 'DETAIL'], rows);
}

function what(e: TrailEntry): string {
  switch (e.kind) {
    case 'requested':
      return e.operation && e.operation !== 'connect' ? `${e.operation} requested` : 'requested';
    case 'gate-opened':
      return `${e.gate}: approval asked`;
    case 'step': {
      const name = e.step ?? e.activity;
      return `${name}${e.undo ? ' (undo)' : ''}${e.side ? ` [${e.side}]` : ''}`;
    }
    case 'decision': {
      const refused = e.result?.startsWith('refused') ? ' REFUSED' : '';
      return `${e.gate ?? '?'}: ${e.decision === 'approve' ? 'approval' : 'rejection'}${refused}`;
    }
    case 'cancel-requested':
      return 'cancel requested';
    case 'closed':
      return 'closed';
  }
}

function detail(e: TrailEntry): string {
  switch (e.kind) {
    case 'requested': {
      const parts = [`by ${e.by ?? 'unknown'}`];
      if (e.model) parts.push(`${e.model} ${e.local ?? '?'} -> ${e.remote ?? '?'} as "${e.alias ?? '?'}"`);
      else if (e.connection) parts.push(`connection ${e.connection}`);
      else if (e.local) parts.push(`${e.local} remote cluster "${e.alias ?? '?'}"`);
      if (e.reason) parts.push(`reason "${e.reason}"`);
      if (e.gates.length > 0) parts.push(`gates ${e.gates.join(', ')}`);
      return parts.join('; ');
    }
    case 'gate-opened':
      return 'waiting for an approver';
    case 'step': {
      const attempt = e.attempt && e.attempt > 1 ? ` after ${e.attempt} attempts` : '';
      const head = `${e.outcome}${attempt} (${e.activity})`;
      if (e.failure) return `${head}: ${e.failure.type ? `${e.failure.type}: ` : ''}${e.failure.message}`;
      return e.detail ? `${head}: ${e.detail}` : head;
    }
    case 'decision': {
      const who = `by ${e.approver ?? 'unknown'} via ${e.via}${e.client ? ` (client ${e.client})` : ''}`;
      const words = e.comment ? `, comment "${e.comment}"` : e.reason ? `, reason "${e.reason}"` : '';
      const outcome =
        e.outcome === 'received'
          ? (e.result ?? 'received (not yet checked by a worker)')
          : e.outcome === 'failed'
            ? `failed: ${e.result ?? ''}`
            : (e.result ?? e.outcome);
      return `${who}${words}: ${outcome}`;
    }
    case 'cancel-requested':
      return [e.by ? `by ${e.by}` : '', e.cause ?? ''].filter(Boolean).join(': ') || 'by an operator';
    case 'closed':
      // A rollback is an outcome crosslink planned for (rejection, deadline, cancel, a refused step), not a crash.
      if (e.outcome === 'rolled-back') {
        // Runs since 0.2 say "rolled back as designed: ..." themselves.
        const why = e.message?.replace(/^rolled back as designed: /, '');
        return `rolled back as designed: ${why ?? 'see crosslink status'}`;
      }
      return e.message ? `${e.outcome}: ${e.message}` : e.outcome;
  }
}
