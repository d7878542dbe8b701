/**
 * What the Temporal Web UI shows about a connection run before it does anything: the start's user
 * metadata (a one-line summary and markdown details). What changes as it runs (who may approve the
 * pending gate, its deadline, why it rolled back) is the workflow's current details (workflows/details.ts).
 */
import { type ConnectionRequest, gatesOfModel } from '../domain';

export interface StartMetadata {
  staticSummary: string;
  staticDetails: string;
}

export function connectionStartMetadata(request: ConnectionRequest): StartMetadata {
  const local = `${request.local.environment}/${request.local.deploymentId}`;
  const remote = `${request.remote.environment}/${request.remote.deploymentId}`;
  const requested = gatesOfModel(request.approval.gates, request.securityModel);
  const gates = requested.length > 0 ? requested.map((g) => `\`${g}\``).join(', ') : 'none';
  return {
    staticSummary: `connect ${local} -> ${remote} as ${request.alias} (${request.securityModel}), requested by ${request.requestedBy}`,
    staticDetails: [
      `**Connection**: \`${request.alias}\` on ${local} (local) reaches ${remote} (remote)`,
      `**Requested by**: ${request.requestedBy}`,
      `**Security model**: ${request.securityModel}`,
      `**Gates requested**: ${gates}, each waiting at most ${request.approval.deadline}; the worker's approval policy ` +
        'may add gates and decides who approves (see the current details once preflight ran)',
    ].join('\n\n'),
  };
}
