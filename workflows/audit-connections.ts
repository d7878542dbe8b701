import { patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { AuditOptions, type AuditOptionsInput, type AuditReport, OPERATION_SEARCH_ATTRIBUTE_KEYS } from '../domain';
import { auditReport, driftLevel } from '../domain/drift';
import { requestInventoryRefresh } from './inventory-refresh';
import { badInput } from './lifecycle-input';
import { lifecycleActivities } from './lifecycle-activities';
import { sendNotification } from './notifier';

const OPERATION = OPERATION_SEARCH_ATTRIBUTE_KEYS.operation;
const DRIFT = OPERATION_SEARCH_ATTRIBUTE_KEYS.drift;
/** Audits recorded before the inventory workflow did not signal it. */
const AUDIT_REFRESHES_INVENTORY = 'audit-refreshes-inventory';

/**
 * The scheduled audit (workflow type AUDIT_WORKFLOW): discovers every connection, computes its
 * drift and returns the report. It changes nothing: each drift item names the operation that
 * would repair it, for an operator to run as its own gated workflow. With a notification sink, each
 * drifted connection is one `drift-found` notification. Connections a run is changing and
 * residue (marks of rolled-back or disconnected runs) are not audited (domain/drift.ts).
 *
 * The audit schedule is also the inventory's scheduled refresh: a Temporal Schedule can only start
 * workflows, so each tick is this audit (an operation worth its row in the Web UI: it has a report
 * and CrosslinkDrift), which then asks the inventory workflow to read the estate again.
 */
export async function auditConnections(options: AuditOptionsInput = {}): Promise<AuditReport> {
  const parsed = AuditOptions.safeParse(options);
  if (!parsed.success) throw badInput('options', parsed.error);
  upsertSearchAttributes([
    { key: OPERATION, value: 'audit' },
    { key: DRIFT, value: 'running' },
  ]);
  const inventory = await lifecycleActivities.discoverConnections(parsed.data.filter);
  const report = auditReport(inventory, parsed.data, Date.now());
  upsertSearchAttributes([{ key: DRIFT, value: driftLevel(report) }]);
  if (inventory.notify) await notifyDrift(report);
  if (patched(AUDIT_REFRESHES_INVENTORY)) await requestInventoryRefresh(`audit ${workflowInfo().workflowId}`);
  return report;
}

async function notifyDrift(report: AuditReport): Promise<void> {
  const { runId } = workflowInfo();
  await Promise.all(
    report.connections.flatMap((c) =>
      c.drift.length > 0 && c.remote
        ? [
            sendNotification(
              {
                kind: 'drift-found',
                workflowId: c.connectionId,
                runId,
                alias: c.alias,
                local: { environment: c.local.environment, deploymentId: c.local.deploymentId },
                remote: { environment: c.remote.environment, deploymentId: c.remote.deploymentId },
                findings: c.drift.slice(0, 50).map((d) => ({ what: d.kind, detail: d.detail.slice(0, 2000) })),
              },
              `drift on ${c.alias} (${c.drift.map((d) => d.kind).join(', ')})`,
            ),
          ]
        : [],
    ),
  );
}
