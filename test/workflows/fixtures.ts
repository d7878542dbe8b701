/** Requests and helpers shared by the workflow suites. */
import path from 'node:path';
import { type ApplicationFailure } from '@temporalio/common';
import { CONNECTION_WORKFLOW, ConnectionRequest, type ConnectionRequestInput, type Progress } from '../../domain';
import { DEFAULT_IDS } from '../../simulator/api';
import { type HarnessRun, type StartOptions, WorkflowHarness } from '../harness/workflow-harness';
import { progressQuery } from '../../workflows/messages';

export const WORKFLOWS_PATH = path.resolve(__dirname, '../../workflows');

export const REQUESTER = 'alice';
export const APPROVER = 'bob';

export function apiKeyRequest(overrides: Partial<ConnectionRequestInput> = {}): ConnectionRequest {
  return ConnectionRequest.parse({
    local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 },
    remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b9 },
    alias: 'logs-b',
    securityModel: 'api_key',
    access: { search: [{ names: ['logs-*'] }] },
    roles: [
      {
        name: 'crosslink-logs-reader',
        local: { remote_indices: [{ clusters: ['logs-b'], names: ['logs-*'], privileges: ['read'] }] },
      },
    ],
    approval: { gates: [], approvers: [APPROVER] },
    requestedBy: REQUESTER,
    ...overrides,
  });
}

export function certificateRequest(overrides: Partial<ConnectionRequestInput> = {}): ConnectionRequest {
  return ConnectionRequest.parse({
    local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 },
    remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 },
    alias: 'metrics-b',
    securityModel: 'certificate',
    roles: [
      {
        name: 'crosslink-metrics-reader',
        local: { remote_indices: [{ clusters: ['metrics-b'], names: ['metrics-*'], privileges: ['read'] }] },
        remote: { indices: [{ names: ['metrics-*'], privileges: ['read'] }] },
      },
    ],
    approval: { gates: [], approvers: [APPROVER] },
    requestedBy: REQUESTER,
    ...overrides,
  });
}

export function startConnection(
  harness: WorkflowHarness,
  request: ConnectionRequest,
  options: StartOptions,
): Promise<HarnessRun> {
  return harness.start(CONNECTION_WORKFLOW, [request], options);
}

export function progressOf(run: HarnessRun): Promise<Progress> {
  return run.query<Progress>(progressQuery.name);
}

/** The Progress a rolled-back run carries in its failure details. */
export function failureProgress(failure: Error): Progress {
  return (failure as ApplicationFailure).details?.[0] as Progress;
}

export function statuses(progress: Progress): Record<string, string> {
  return Object.fromEntries(progress.steps.map((s) => [s.id, s.status]));
}

export { WorkflowHarness };
