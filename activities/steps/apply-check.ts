/**
 * `checkApplyPlan` (row `apply-check`): before an apply starts anything, the estate is read again
 * (the same discovery the inventory workflow runs) and compared, connection by connection, with
 * what the plan was made from: a plan the estate no longer matches is refused (PlanStale), naming
 * each connection and field that changed, and nothing is started. Otherwise each action becomes the
 * start of its run, made as `crosslink connect` / `update-access` / `rotate` / `migrate` / `disconnect` would
 * (client/start-or-find.ts startSpec: the same request digest in the start record), so a later start
 * of the same connection is compared with it.
 */
import { Context } from '@temporalio/activity';
import {
  type ApplyCheck,
  type ApplyRequest,
  type ChildStart,
  ConnectionRequest,
  DisconnectRequest,
  type DesiredPlanEntry,
  type PlannedAction,
  RotateRequest,
  UpdateAccessRequest,
  estateChanges,
  migrateRequestOf,
  planRefusal,
} from '../../domain';
import { type FoundCredential, findPreviousCredential } from '../../client/previous-credential';
import { type StartRequest, startSpec } from '../../client/start-or-find';
import { type Deps, type StepContext, type StepImplementations } from '../context';
import { discoverConnections } from '../lifecycle/discover-connections';
import { activityRunReader } from '../lifecycle/runs';

/** Where a rotation's sealed credential is found: the history of the run that made the working key. */
export type CredentialFinder = (connectionId: string) => Promise<FoundCredential | undefined>;

/** The worker's own Temporal client reads that history; without one (a test's mock context) nothing is found. */
function workerCredentialFinder(): CredentialFinder | undefined {
  try {
    const client = Context.current().client;
    return (id) => findPreviousCredential(client, id);
  } catch {
    return undefined;
  }
}

function deploymentsOf(entry: DesiredPlanEntry): string[] {
  return [
    `${entry.local.environment}/${entry.local.deploymentId}`,
    ...(entry.remote ? [`${entry.remote.environment}/${entry.remote.deploymentId}`] : []),
  ];
}

/** The start request of an action, as the requester of this apply asks for it. */
async function startRequestOf(
  action: PlannedAction,
  connectionId: string,
  requestedBy: string,
  findCredential: CredentialFinder | undefined,
): Promise<StartRequest | { refusal: string }> {
  switch (action.kind) {
    case 'create':
      return { operation: 'connect', request: ConnectionRequest.parse({ ...action.request, requestedBy }) };
    case 'update-access':
      return { operation: 'update-access', request: UpdateAccessRequest.parse({ ...action.request, requestedBy }) };
    case 'disconnect':
      return { operation: 'disconnect', request: DisconnectRequest.parse({ ...action.request, requestedBy }) };
    case 'rotate': {
      const found = findCredential ? await findCredential(connectionId) : undefined;
      if (!found) {
        return {
          refusal: `the sealed credential of the working key is no longer in Temporal's history, so a failed rotation could not put it back: rotate by hand (crosslink rotate ... --no-restore) if that is acceptable`,
        };
      }
      return {
        operation: 'rotate',
        request: RotateRequest.parse({ ...action.request, requestedBy, previousCredential: found.sealed }),
      };
    }
    case 'migrate-model': {
      const migrate = migrateRequestOf(action.request, requestedBy);
      return 'refusal' in migrate ? migrate : { operation: 'migrate', request: migrate.request };
    }
  }
}

async function childStart(
  entry: DesiredPlanEntry,
  action: PlannedAction,
  requestedBy: string,
  findCredential: CredentialFinder | undefined,
): Promise<ChildStart> {
  const base = { kind: action.kind, connectionId: entry.connectionId, deployments: deploymentsOf(entry) };
  const start = await startRequestOf(action, entry.connectionId, requestedBy, findCredential);
  if ('refusal' in start) {
    return { ...base, workflowType: '', request: null, memo: {}, searchAttributes: {}, refusal: start.refusal };
  }
  const spec = startSpec(start);
  return {
    ...base,
    workflowType: spec.workflowType,
    request: spec.request,
    memo: spec.memo,
    searchAttributes: Object.fromEntries((spec.typedSearchAttributes ?? []).map((p) => [p.key.name, String(p.value)])),
    ...(spec.staticSummary ? { staticSummary: `${spec.staticSummary} (apply)` } : {}),
  };
}

export async function checkApplyPlan(
  deps: Deps,
  ctx: StepContext,
  input: ApplyRequest,
  findCredential: CredentialFinder | undefined = workerCredentialFinder(),
): Promise<ApplyCheck> {
  const kinds = input.kinds;
  const entries = input.plan.entries
    .map((e) => ({ ...e, actions: e.actions.filter((a) => !kinds || kinds.includes(a.kind)) }))
    .filter((e) => e.actions.length > 0);
  const inventory = await discoverConnections(deps, ctx, {}, { runs: activityRunReader() });
  const unreadable = planRefusal(inventory);
  const changed = unreadable ? [] : estateChanges({ entries }, inventory);
  if (unreadable || changed.length > 0) {
    return {
      attempt: ctx.attempt,
      detail: unreadable ?? `${changed.length} connection(s) changed since the plan`,
      changed,
      ...(unreadable ? { unreadable } : {}),
      connections: [],
    };
  }
  const connections = [];
  for (const entry of entries) {
    const starts = [];
    for (const action of entry.actions) starts.push(await childStart(entry, action, input.requestedBy, findCredential));
    connections.push({ connectionId: entry.connectionId, starts });
  }
  const count = connections.reduce((n, c) => n + c.starts.length, 0);
  return {
    attempt: ctx.attempt,
    detail: `the estate (discovered ${inventory.discoveredAt}) matches plan ${input.plan.id}: ${count} action(s) on ${connections.length} connection(s)`,
    changed: [],
    connections,
  };
}

export const activities = {
  checkApplyPlan: (deps: Deps, ctx: StepContext, input: ApplyRequest) => checkApplyPlan(deps, ctx, input),
} satisfies StepImplementations;
