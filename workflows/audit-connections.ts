import { upsertSearchAttributes } from '@temporalio/workflow';
import { AuditOptions, type AuditOptionsInput, type AuditReport, OPERATION_SEARCH_ATTRIBUTE_KEYS } from '../domain';
import { auditReport, driftLevel } from '../domain/drift';
import { badInput } from './lifecycle-input';
import { lifecycleActivities } from './lifecycle-activities';

const OPERATION = OPERATION_SEARCH_ATTRIBUTE_KEYS.operation;
const DRIFT = OPERATION_SEARCH_ATTRIBUTE_KEYS.drift;

/**
 * The scheduled audit (workflow type AUDIT_WORKFLOW): discovers every connection, computes its
 * drift and returns the report. It changes nothing: each drift item names the operation that
 * would repair it, for an operator to run as its own gated workflow.
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
  return report;
}
