/** `crosslink list`: connection workflows found through the search attributes. */
import { formatTime, renderTable } from './format';

export interface ConnectionListItem {
  workflowId: string;
  runId: string;
  /** Temporal execution status (RUNNING, COMPLETED, FAILED...). */
  status: string;
  /** CrosslinkState search attribute (missing until the workflow sets it). */
  state?: string;
  step?: string;
  /** CrosslinkGate / CrosslinkApprovers: the gate the run waits at and who may decide it. */
  gate?: string;
  approvers?: string[];
  localDeployment?: string;
  remoteDeployment?: string;
  alias?: string;
  startTime: string;
  closeTime?: string;
}

export function renderList(items: readonly ConnectionListItem[]): string {
  if (items.length === 0) return 'No connections found.';
  // Who a waiting run waits for, when any of them waits (CrosslinkGate, CrosslinkApprovers).
  const waiting = items.some((i) => i.gate !== undefined);
  return renderTable(
    [
      'WORKFLOW ID',
      'STATE',
      'STEP',
      'LOCAL',
      'REMOTE',
      'ALIAS',
      'STARTED',
      'WORKFLOW',
      ...(waiting ? ['WAITING FOR'] : []),
    ],
    items.map((i) => [
      i.workflowId,
      i.state ?? '-',
      i.step ?? '-',
      i.localDeployment ?? '-',
      i.remoteDeployment ?? '-',
      i.alias ?? '-',
      formatTime(i.startTime),
      i.status.toLowerCase(),
      ...(waiting ? [i.gate ? `${i.gate}: ${(i.approvers ?? []).join(', ') || 'the policy'}` : '-'] : []),
    ]),
  );
}
