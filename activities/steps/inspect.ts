/**
 * `inspectConnection`: the connection as its undos need it, rebuilt from the systems themselves
 * (discovery's marks: key metadata, role metadata, trust relationship names, `cluster.remote.<alias>`
 * settings, keystore names), so a disconnect also works after a terminated or failed run whose
 * workflow input is gone. The facts are preflight's, read now, with nothing counted as "there
 * before" on either side (reclaim.ts): every object carrying this connection's marks is the
 * disconnect's to remove, while the shared objects' undos still decide from their other users
 * (shared-trust-users.ts).
 */
import { ApplicationFailure } from '@temporalio/common';
import { type InspectConnectionInput, type InspectedConnection } from '../../domain/activities';
import { ConnectionRequest } from '../../domain/connection-request';
import { FailureType } from '../../domain/failures';
import { type ManagedConnection } from '../../domain/inventory';
import { parseConnectionId } from '../../domain/lifecycle-request';
import { decidePlan, lifecyclePlan } from '../../domain/plans';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { listTrustRelationships } from '../ece/trust-relationships';
import { preflight } from './preflight';
import { inspectForMigration } from './migration-facts';
import { discoverConnections } from '../lifecycle/discover-connections';
import { type RelationshipsBySide, reclaimFacts } from '../lifecycle/reclaim';

/** Stands in for a key's access the version did not return; the undos never send it. */
const UNKNOWN_ACCESS = { search: [{ names: ['*'] }] };

function requestOf(c: ManagedConnection, input: InspectConnectionInput): ConnectionRequest {
  const remote = c.remote!;
  const active = c.keys.find((k) => k.active);
  const roleNames = [...new Set(c.roles.map((r) => r.name))];
  const remoteHas = (name: string) => c.roles.some((r) => r.name === name && r.deploymentId === remote.deploymentId);
  return ConnectionRequest.parse({
    local: { environment: c.local.environment, deploymentId: c.local.deploymentId },
    remote: { environment: remote.environment, deploymentId: remote.deploymentId },
    alias: c.alias,
    securityModel: c.model,
    ...(c.model === 'api_key' ? { access: input.change?.access ?? active?.access ?? UNKNOWN_ACCESS } : {}),
    // The connection already uses the API key model: where that is beta (8.10-8.13), its connect
    // accepted the beta; rotating, changing or removing it accepts nothing new.
    ...(c.model === 'api_key' ? { allowBetaApiKeyModel: true } : {}),
    ...(input.change?.apiKeyExpiration ? { apiKeyExpiration: input.change.apiKeyExpiration } : {}),
    ...(input.change?.verifyTimeout ? { verifyTimeout: input.change.verifyTimeout } : {}),
    roles:
      input.change?.roles ??
      roleNames.map((name) => ({
        name,
        local: {},
        ...(c.model === 'certificate' && remoteHas(name) ? { remote: {} } : {}),
      })),
    approval: { gates: input.gates, deadline: input.deadline },
    requestedBy: input.requestedBy,
  });
}

/**
 * The non-local trust relationships of both environments (certificate model only: the API key
 * model has none), for reclaim to tell which are the connection's.
 */
async function relationshipsOf(deps: Deps, ctx: StepContext, request: ConnectionRequest): Promise<RelationshipsBySide> {
  if (request.securityModel !== 'certificate') return { local: [], remote: [] };
  const [local, remote] = await Promise.all(
    (['local', 'remote'] as const).map((side) =>
      listTrustRelationships(deps.registry.ece(request[side].environment), 'non-local', { signal: ctx.signal }),
    ),
  );
  return { local: local!, remote: remote! };
}

export async function inspectConnection(
  deps: Deps,
  ctx: StepContext,
  input: InspectConnectionInput,
): Promise<InspectedConnection> {
  const { environment, deploymentId, alias } = parseConnectionId(input.connectionId);
  const inventory = await discoverConnections(deps, ctx, { environment, deploymentId });
  const c = inventory.connections.find((x) => x.connectionId === input.connectionId);
  if (!c || !c.remote) {
    throw ApplicationFailure.create({
      message: c
        ? `the connection ${input.connectionId} has no remote deployment crosslink can find (no settings, no key): nothing it can reach to remove`
        : `no connection ${input.connectionId} (alias ${alias} on ${deploymentId} in ${environment}) carries crosslink's marks: nothing to do`,
      type: FailureType.PreflightRefused,
      nonRetryable: true,
    });
  }
  if (input.operation === 'migrate') return inspectForMigration(deps, ctx, input, c);
  if (input.change && c.model !== 'api_key') {
    throw ApplicationFailure.create({
      message: `the connection ${input.connectionId} uses the certificate model: it has no cross-cluster API key to change or rotate; its access is the roles on the remote deployment ${c.remote.deploymentId}`,
      type: FailureType.PreflightRefused,
      nonRetryable: true,
    });
  }
  const request = requestOf(c, input);
  const facts = await preflight(deps, ctx, { connectionId: input.connectionId, request });
  const parts = [
    c.settings ? `cluster.remote.${alias}` : undefined,
    c.keystoreCredentials ? 'keystore credential' : undefined,
    c.keys.length ? `${c.keys.filter((k) => k.active).length} active key(s)` : undefined,
    c.roles.length ? `roles ${c.roles.map((r) => r.name).join(', ')}` : undefined,
  ].filter(Boolean);
  const decisions = input.operation
    ? decidePlan(lifecyclePlan(input.operation, request.securityModel), {
        request,
        ...(facts.existingKey ? { existingKey: facts.existingKey } : {}),
        changesRoles: (input.change?.roles?.length ?? 0) > 0,
      })
    : undefined;
  return {
    request,
    ...(decisions ? { decisions } : {}),
    // A change keeps the facts as read (the working key, what was there before); a removal reclaims.
    preflight: input.change ? facts : reclaimFacts(facts, request, await relationshipsOf(deps, ctx, request)),
    attempt: ctx.attempt,
    detail: `${c.model} connection to ${c.remote.deploymentId} (${c.remote.environment}): ${parts.join(', ') || 'marks only'}`,
  };
}

export const activities = { inspectConnection } satisfies StepImplementations;
