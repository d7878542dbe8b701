import { type SideStepInput } from '../../domain/activities';
import { type RoleDefinition } from '../../domain/connection-request';
import { type CreatedResource, type StepRecord, type UndoReport } from '../../domain/records';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { deleteRole, getRole, putRole } from '../elasticsearch/roles';
import { ROLE_MARK_KEY, roleCarriesMark } from '../marks';
import { esFor, facts, ownershipConflict } from './shared';
import { type StepDescribers, esRequest } from '../changes';

/** The roles this side gets: API key model local only; certificate model both sides, same names. */
function rolesFor(input: SideStepInput): Array<{ name: string; definition: RoleDefinition }> {
  const { request } = input;
  if (input.side === 'remote' && request.securityModel === 'api_key') return [];
  return request.roles.map((r) => ({ name: r.name, definition: input.side === 'local' ? r.local : (r.remote ?? {}) }));
}

function roleResource(input: SideStepInput, name: string): CreatedResource {
  const f = facts(input.preflight, input.side);
  return {
    step: 'roles',
    environment: f.environment,
    deploymentId: f.deploymentId,
    kind: 'role',
    id: name,
    description: `role "${name}" on the ${input.side} deployment ${f.deploymentId}`,
  };
}

/** PUT each role with this connection's mark; a same-named role without the mark is refused. */
export async function createRoles(deps: Deps, ctx: StepContext, input: SideStepInput): Promise<StepRecord> {
  const f = facts(input.preflight, input.side);
  const roles = rolesFor(input);
  if (roles.length === 0) return { attempt: ctx.attempt, created: [], detail: `no roles for the ${input.side} side` };
  const es = esFor(deps, f);
  for (const role of roles) {
    const existing = await getRole(es, role.name, ctx.signal);
    if (existing && !roleCarriesMark(existing.metadata, input.connectionId)) {
      throw ownershipConflict(
        `the role "${role.name}" on the ${input.side} deployment ${f.deploymentId} exists and was not created by this connection: rename the role in the request`,
      );
    }
  }
  for (const role of roles) {
    await putRole(es, role.name, { ...role.definition, metadata: { [ROLE_MARK_KEY]: input.connectionId } }, ctx.signal);
  }
  const created = roles.filter((r) => !f.rolesBefore.includes(r.name)).map((r) => roleResource(input, r.name));
  return {
    attempt: ctx.attempt,
    created,
    detail: `roles ${roles.map((r) => r.name).join(', ')} on the ${input.side} deployment`,
  };
}

/** Delete the requested roles that carry this run's mark and were not there before the run. */
export async function deleteRoles(deps: Deps, ctx: StepContext, input: SideStepInput): Promise<UndoReport> {
  const f = facts(input.preflight, input.side);
  const roles = rolesFor(input).filter((r) => !f.rolesBefore.includes(r.name));
  const removed: CreatedResource[] = [];
  if (roles.length > 0) {
    const es = esFor(deps, f);
    for (const role of roles) {
      const existing = await getRole(es, role.name, ctx.signal);
      if (!existing || !roleCarriesMark(existing.metadata, input.connectionId)) continue;
      if (await deleteRole(es, role.name, ctx.signal)) removed.push(roleResource(input, role.name));
    }
  }
  return {
    attempt: ctx.attempt,
    removed,
    detail: removed.length
      ? `deleted ${removed.map((r) => r.id).join(', ')}`
      : `no role of this run on the ${input.side} deployment`,
  };
}

export const activities = { createRoles, deleteRoles } satisfies StepImplementations;

/** The roles createRoles would put, before -> after, read now. */
async function describeRoles(deps: Deps, ctx: StepContext, input: SideStepInput) {
  const f = facts(input.preflight, input.side);
  const roles = rolesFor(input);
  if (roles.length === 0) return { summary: `no roles on the ${input.side} side`, requests: [], changes: [] };
  const es = esFor(deps, f);
  const before = await Promise.all(roles.map((r) => getRole(es, r.name, ctx.signal)));
  return {
    summary: `roles ${roles.map((r) => r.name).join(', ')} on ${f.deploymentId}`,
    requests: roles.map((r) =>
      esRequest(f, 'PUT', `/_security/role/${r.name}`, {
        ...r.definition,
        metadata: { [ROLE_MARK_KEY]: input.connectionId },
      }),
    ),
    changes: roles.map((r, i) => ({
      what: `role ${r.name} on ${f.deploymentId}`,
      before: before[i] ?? null,
      after: r.definition,
    })),
  };
}

export const changes = { createRoles: describeRoles } satisfies StepDescribers;
