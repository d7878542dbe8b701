/**
 * A migration's roles on the local deployment: the catalog's role write (roles.ts) gives the
 * connection's local roles the API key model's `remote_indices` (Elastic's guide: the local roles
 * carry what the remote roles granted). The undo puts back each role's definition as the
 * inspection read it, and deletes a role the migration created; the certificate model's roles on
 * the remote stay until the certificate trust is retired.
 */
import { type SideStepInput } from '../../domain/activities';
import { type CreatedResource, type UndoReport } from '../../domain/records';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { deleteRole, getRole, putRole } from '../elasticsearch/roles';
import { roleCarriesMark } from '../marks';
import { esFor, facts } from './shared';
import { isDeepStrictEqual } from 'node:util';

function roleResource(input: SideStepInput, name: string, description: string): CreatedResource {
  const f = facts(input.preflight, input.side);
  return {
    step: 'roles',
    environment: f.environment,
    deploymentId: f.deploymentId,
    kind: 'role',
    id: name,
    description,
  };
}

/** A role as read, without what Elasticsearch adds on its own (`transient_metadata`). */
function stored(role: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!role) return undefined;
  const { transient_metadata: _t, ...rest } = role;
  return rest;
}

export async function restoreMigratedRoles(deps: Deps, ctx: StepContext, input: SideStepInput): Promise<UndoReport> {
  if (input.side !== 'local') return { attempt: ctx.attempt, removed: [], detail: 'no roles on this side' };
  const es = esFor(deps, facts(input.preflight, 'local'));
  const before = input.preflight.migration?.localRoles ?? [];
  const removed: CreatedResource[] = [];
  for (const { name } of input.request.roles) {
    const previous = before.find((r) => r.name === name);
    const current = stored(await getRole(es, name, ctx.signal));
    if (previous) {
      if (isDeepStrictEqual(current, previous.definition)) continue;
      await putRole(es, name, previous.definition, ctx.signal);
      removed.push(roleResource(input, name, `role "${name}" put back as it was before the migration`));
    } else if (current && roleCarriesMark(current.metadata as Record<string, unknown>, input.connectionId)) {
      if (await deleteRole(es, name, ctx.signal)) removed.push(roleResource(input, name, `role "${name}" deleted`));
    }
  }
  return {
    attempt: ctx.attempt,
    removed,
    detail: removed.length ? removed.map((r) => r.description).join('; ') : 'the roles are as they were',
  };
}

export const activities = { restoreMigratedRoles } satisfies StepImplementations;
