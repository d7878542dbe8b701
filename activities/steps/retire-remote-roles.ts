/**
 * A migration's last row (Elastic's guide: "delete any roles on the remote cluster that were only
 * used for cross-cluster operations"): the connection's same-named roles on the remote deployment,
 * which the API key model never reads (the key's access is the limit). Only roles that carry this
 * connection's mark are deleted.
 */
import { type StepInput } from '../../domain/activities';
import { type CreatedResource, type RetirementRecord } from '../../domain/records';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { deleteRole, getRole } from '../elasticsearch/roles';
import { roleCarriesMark } from '../marks';
import { esFor, resourceOn } from './shared';

export async function retireRemoteRoles(deps: Deps, ctx: StepContext, input: StepInput): Promise<RetirementRecord> {
  const remote = input.preflight.remote;
  const es = esFor(deps, remote);
  const removed: CreatedResource[] = [];
  for (const { name } of input.preflight.migration?.remoteRoles ?? []) {
    const role = await getRole(es, name, ctx.signal);
    if (!role || !roleCarriesMark(role.metadata, input.connectionId)) continue;
    if (await deleteRole(es, name, ctx.signal)) {
      removed.push(
        resourceOn(remote, {
          step: 'retire-certificate',
          kind: 'role',
          id: name,
          description: `role "${name}" on the remote deployment ${remote.deploymentId} (the certificate model's grant)`,
        }),
      );
    }
  }
  return {
    attempt: ctx.attempt,
    created: [],
    detail: removed.length
      ? `deleted ${removed.map((r) => r.id).join(', ')} on ${remote.deploymentId}`
      : `no role of this connection on ${remote.deploymentId}`,
    removed,
    kept: [],
  };
}

export const activities = { retireRemoteRoles } satisfies StepImplementations;
