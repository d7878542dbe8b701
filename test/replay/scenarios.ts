/**
 * The runs whose histories the replay suite keeps: each drives a real run (real worker, activities
 * and simulator on a real Temporal server) the way a user would, through every kind of ending the
 * workflow has. scripts/record-histories.ts runs them; the manifest names what each must end with.
 */
import { type Client, type WorkflowHandle } from '@temporalio/client';
import { type ConnectionRequest } from '../../domain';
import { DEFAULT_IDS } from '../../simulator/api';
import { approveSignal } from '../../workflows/messages';
import { APPROVER, apiKeyRequest, certificateRequest } from '../server/requests';
import { TERMINAL, approve, reject, untilAwaiting, untilGateOrEnd } from '../server/runs';

/** How a recorded run closed: the last event of its history. */
export type ClosedAs = 'completed' | 'failed' | 'canceled';

export interface RecordingScenario {
  /** File name (without .json) under test/replay/histories/<version>/. */
  name: string;
  description: string;
  request: () => ConnectionRequest;
  /** Decides the run's gates (or cancels it) once it started. */
  drive: (handle: WorkflowHandle, client: Client) => Promise<void>;
  closedAs: ClosedAs;
}

/** Approves every gate the run stops at, by update or by signal, until it ends. */
async function approveEveryGate(handle: WorkflowHandle, via: 'update' | 'signal'): Promise<void> {
  let signalled: string | undefined;
  for (;;) {
    const p = await untilGateOrEnd(handle);
    if (TERMINAL.includes(p.state) || !p.pendingGate) return;
    const gate = p.pendingGate.gate;
    if (via === 'update') {
      await approve(handle, gate);
    } else if (signalled !== gate) {
      // A signal is fire-and-forget: send it once per gate, then wait for the run to move on.
      signalled = gate;
      await handle.signal(approveSignal, { gate, approver: APPROVER, comment: 'recorded run' });
    } else {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export const SCENARIOS: readonly RecordingScenario[] = [
  {
    name: 'api-key-connected',
    description: 'API key model, ece-a 9.x -> ece-b 9.x (private proxy CA), every gate approved by update',
    request: () => apiKeyRequest('logs-b'),
    drive: (handle) => approveEveryGate(handle, 'update'),
    closedAs: 'completed',
  },
  {
    name: 'certificate-connected',
    description: 'certificate model, ece-a 8.15 -> ece-b 8.15, platform-trust approved by signal',
    request: () => certificateRequest('metrics_b'),
    drive: (handle) => approveEveryGate(handle, 'signal'),
    closedAs: 'completed',
  },
  {
    name: 'rejected-rollback',
    description: 'API key model rejected at register-remote after steps ran: rolled back, ApprovalRejected',
    request: () =>
      apiKeyRequest('rejected-b', {
        local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 },
        remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 },
        approval: { gates: ['register-remote'], approvers: [APPROVER], deadline: '1h' },
      }),
    async drive(handle) {
      await untilAwaiting(handle, 'register-remote');
      await reject(handle, 'register-remote', 'not this quarter');
    },
    closedAs: 'failed',
  },
  {
    name: 'deadline-rollback',
    description: 'API key model whose register-remote gate deadline (2s) passes: rolled back, ApprovalTimeout',
    request: () =>
      apiKeyRequest('deadline-b', {
        local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a815 },
        remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b815 },
        approval: { gates: ['register-remote'], approvers: [APPROVER], deadline: '2s' },
      }),
    drive: async () => undefined,
    closedAs: 'failed',
  },
  {
    name: 'cancelled-rollback',
    description: 'certificate model cancelled while it waits at the verify gate: rolled back, then cancelled',
    request: () =>
      certificateRequest('cancelled_cert', {
        local: { environment: 'ece-a', deploymentId: DEFAULT_IDS.a9 },
        remote: { environment: 'ece-b', deploymentId: DEFAULT_IDS.b9 },
        approval: { gates: ['verify'], approvers: [APPROVER], deadline: '1h' },
      }),
    async drive(handle) {
      await untilAwaiting(handle, 'verify');
      await handle.cancel();
    },
    closedAs: 'canceled',
  },
];
