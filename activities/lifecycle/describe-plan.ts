/**
 * `describePlannedActions`: for a plan of the desired state, what each gate of each action's run
 * would approve, read from the systems now, as the run itself would describe it when the gate opens
 * (the same gate placement, domain/plan-gates.ts, and the same `describeChange` of the step files):
 * the Elasticsearch and ECE requests with secrets redacted, and before -> after of what they modify.
 * The facts are what the run would start from: preflight for a connect, the inspection for
 * update-access, rotate and disconnect. A connect preflight would refuse, or a connection the
 * inspection cannot find, is said instead. Read only: nothing is written.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  type ConnectionRequest,
  ConnectionRequest as ConnectionRequestSchema,
  type DescribePlanInput,
  type DescribedAction,
  DisconnectRequest,
  type GateChange,
  type InspectConnectionInput,
  type Plan,
  type PlanContext,
  type PlannedGate,
  type PreflightResult,
  ROTATE,
  type RotateExtra,
  type StepId,
  type StepInput,
  MIGRATE,
  PlannedMigration,
  UPDATE_ACCESS,
  migrateRequestOf,
  migrationInspection,
  UpdateAccessRequest,
  PlannedRotation,
  connectPlan,
  connectionId,
  disconnectPlan,
  plannedGates,
  preflightFacts,
} from '../../domain';
import { describeChange } from '../changes';
import { type Deps, type StepContext } from '../context';
import { inspectConnection } from '../steps/inspect';
import { preflight } from '../steps/preflight';

/** The facts a run would start from: its request, what preflight found, which steps apply, which gates wait. */
interface Facts<Extra> {
  plan: Plan<Extra>;
  extra: Extra;
  request: ConnectionRequest;
  preflight: PreflightResult;
  applies: Map<StepId, boolean>;
  reclaim?: boolean;
}

function planContext<Extra>(id: string, f: Facts<Extra>): PlanContext<Extra> {
  const stepInput: StepInput = {
    connectionId: id,
    request: f.request,
    preflight: preflightFacts(f.preflight),
    ...(f.reclaim ? { reclaim: true } : {}),
  };
  return {
    connectionId: id,
    request: f.request,
    stepInput,
    extra: f.extra,
    results: () => [] as never,
    started: () => false,
  };
}

async function describeGates<Extra>(
  deps: Deps,
  ctx: StepContext,
  id: string,
  f: Facts<Extra>,
): Promise<DescribedAction> {
  const waiting = new Set<StepId>([...f.request.approval.gates, ...(f.preflight.approvals?.gates ?? [])]);
  const gates: PlannedGate[] = plannedGates({
    plan: f.plan,
    ctx: planContext(id, f),
    model: f.request.securityModel,
    applies: (step) => f.applies.get(step) ?? true,
    gated: (step) => waiting.has(step),
  });
  const described: GateChange[] = [];
  const notes: string[] = [];
  for (const g of gates) {
    if ('note' in g) {
      notes.push(`gate ${g.gate}: ${g.note}`);
      continue;
    }
    described.push(await describeChange(deps, ctx, { gate: g.gate, calls: g.calls }));
    if (g.condition) notes.push(`gate ${g.gate} waits ${g.condition}`);
  }
  return {
    connectionId: id,
    gates: described,
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    ...(gates.length === 0 ? { note: 'no gate of the policy or the request guards this run' } : {}),
  };
}

async function connectFacts(
  deps: Deps,
  ctx: StepContext,
  id: string,
  request: ConnectionRequest,
): Promise<Facts<undefined>> {
  const result = await preflight(deps, ctx, { connectionId: id, request });
  return {
    plan: connectPlan(request.securityModel) as Plan<undefined>,
    extra: undefined,
    request,
    preflight: result,
    applies: new Map(result.steps.map((d) => [d.id, d.applies])),
  };
}

async function lifecycleFacts<Extra>(
  deps: Deps,
  ctx: StepContext,
  input: InspectConnectionInput,
  planOf: (model: ConnectionRequest['securityModel']) => Plan<Extra>,
  extra: Extra,
  reclaim = false,
): Promise<Facts<Extra>> {
  const inspected = await inspectConnection(deps, ctx, input);
  return {
    plan: planOf(inspected.request.securityModel),
    extra,
    request: inspected.request,
    preflight: inspected.preflight,
    applies: new Map((inspected.decisions ?? []).map((d) => [d.id, d.applies])),
    reclaim,
  };
}

async function describeOne(
  deps: Deps,
  ctx: StepContext,
  action: DescribePlanInput['actions'][number],
): Promise<DescribedAction> {
  // The checks a run makes of who holds the connection read the run's own workflow id: the connection id.
  const asRun: StepContext = { ...ctx, workflowId: action.connectionId, runId: undefined };
  switch (action.kind) {
    case 'create': {
      const request = ConnectionRequestSchema.parse(action.request);
      return describeGates(
        deps,
        asRun,
        connectionId(request),
        await connectFacts(deps, asRun, connectionId(request), request),
      );
    }
    case 'update-access': {
      const ask = UpdateAccessRequest.parse(action.request);
      const facts = await lifecycleFacts(
        deps,
        asRun,
        {
          connectionId: action.connectionId,
          operation: 'update-access',
          requestedBy: ask.requestedBy,
          gates: [...UPDATE_ACCESS.gates],
          deadline: ask.deadline,
          change: {
            access: ask.access as Record<string, unknown>,
            verifyTimeout: ask.verifyTimeout,
            ...(ask.roles ? { roles: ask.roles } : {}),
          },
        },
        () => UPDATE_ACCESS as Plan<unknown>,
        undefined,
      );
      return describeGates(deps, asRun, action.connectionId, facts);
    }
    case 'rotate': {
      const ask = PlannedRotation.parse(action.request);
      const facts = await lifecycleFacts<RotateExtra>(
        deps,
        asRun,
        {
          connectionId: action.connectionId,
          operation: 'rotate',
          requestedBy: ask.requestedBy,
          gates: [...ROTATE.gates],
          deadline: ask.deadline,
          change: { ...(ask.expiration ? { apiKeyExpiration: ask.expiration } : {}) },
        },
        () => ROTATE,
        { noRestore: false },
      );
      return describeGates(deps, asRun, action.connectionId, facts);
    }
    case 'disconnect': {
      const ask = DisconnectRequest.parse(action.request);
      const facts = await lifecycleFacts(
        deps,
        asRun,
        {
          connectionId: action.connectionId,
          operation: 'disconnect',
          requestedBy: ask.requestedBy,
          gates: ['register-remote'],
          deadline: ask.deadline,
        },
        (model) => disconnectPlan(model) as Plan<unknown>,
        undefined,
        true,
      );
      return describeGates(deps, asRun, action.connectionId, facts);
    }
    case 'migrate-model': {
      const planned = PlannedMigration.parse(action.request);
      const migrate = migrateRequestOf(planned, planned.request.requestedBy);
      if ('refusal' in migrate) return { connectionId: action.connectionId, note: migrate.refusal };
      const facts = await lifecycleFacts(
        deps,
        asRun,
        {
          ...migrationInspection(action.connectionId, migrate.request),
          operation: 'migrate',
          gates: [...MIGRATE.gates],
        },
        () => MIGRATE,
        undefined,
      );
      return describeGates(deps, asRun, action.connectionId, facts);
    }
  }
}

/** Each action's gates, described; an action whose run would be refused says why instead. */
export async function describePlannedActions(
  deps: Deps,
  ctx: StepContext,
  input: DescribePlanInput,
): Promise<DescribedAction[]> {
  const out: DescribedAction[] = [];
  for (const action of input.actions) {
    ctx.heartbeat({ describing: action.connectionId });
    try {
      out.push({ ...(await describeOne(deps, ctx, action)), connectionId: action.connectionId, kind: action.kind });
    } catch (err) {
      // A refusal is what the run would meet: the plan says it (a transient failure retries the activity).
      if (!(err instanceof ApplicationFailure) || err.type === 'Transient') throw err;
      out.push({
        connectionId: action.connectionId,
        kind: action.kind,
        note: `the run would be refused (${err.type}): ${err.message}`,
      });
    }
  }
  return out;
}
