/**
 * `crosslink apply` (workflow type APPLY_WORKFLOW, id `crosslink-apply.<plan id>`): the APPLY plan
 * (domain/plans.ts). Its first row checks the plan against the estate now and refuses, naming what
 * changed, a plan the estate no longer matches; then each action runs as the existing operation's
 * workflow under its connection id (a child run: its own gates, approvals, progress and rollback,
 * exactly as `crosslink connect` / `update-access` / `rotate` / `disconnect` would start it), a
 * connection's actions in order, at most `maxPerDeployment` runs at once on any deployment. The
 * `applyStatus` query answers per connection; the result is the same status, ended.
 */
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  isCancellation,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { type SearchAttributePair, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ALL_SEARCH_ATTRIBUTE_KEYS,
  APPLY,
  type ApplyActionStatus,
  type ApplyCheck,
  ApplyRequest,
  type ApplyRequestInput,
  type ApplyStatus,
  type ChildStart,
  FailureType,
  estateChangesText,
  OPERATION_KEY,
  applyId,
  fieldErrors,
} from '../domain';
import { CHILDREN_INCOMPLETE, PlanRunner } from './engine/plan-runner';
import { runLimited } from './engine/children';
import { describeFailure } from './failures';
import { applyStatusQuery } from './messages';
import { NO_PROGRESS } from './progress';

export async function applyDesiredState(input: ApplyRequestInput): Promise<ApplyStatus> {
  const request = parseRequest(input);
  const id = applyId(request.plan.id);
  if (workflowInfo().workflowId !== id) {
    throw ApplicationFailure.create({
      type: FailureType.OwnershipConflict,
      message: `the apply of plan ${request.plan.id} runs only under the workflow id "${id}", not "${workflowInfo().workflowId}"`,
      nonRetryable: true,
    });
  }
  if (workflowInfo().typedSearchAttributes.get(OPERATION_KEY) !== 'apply') {
    upsertSearchAttributes([{ key: OPERATION_KEY, value: 'apply' }]);
  }
  const status: ApplyStatus = {
    applyId: id,
    planId: request.plan.id,
    requestedBy: request.requestedBy,
    phase: 'checking',
    connections: request.plan.entries
      .map((e) => ({
        connectionId: e.connectionId,
        actions: e.actions
          .filter((a) => !request.kinds || request.kinds.includes(a.kind))
          .map((a): ApplyActionStatus => ({ kind: a.kind, workflowType: '', state: 'pending' })),
      }))
      .filter((c) => c.actions.length > 0),
  };
  setHandler(applyStatusQuery, () => status);

  let cancellation: unknown;
  let refusal: ApplyCheck | undefined;
  const runner: PlanRunner<ApplyRequest> = new PlanRunner<ApplyRequest>({
    connectionId: id,
    view: NO_PROGRESS,
    extra: request,
    children: async () => {
      const check = runner.records('apply-check')[0] as unknown as ApplyCheck;
      if (check.unreadable !== undefined || check.changed.length > 0) {
        refusal = check;
        return false;
      }
      status.phase = 'running';
      const units = check.connections.map((c) => {
        const s = status.connections.find((x) => x.connectionId === c.connectionId)!;
        return {
          keys: [...new Set(c.starts.flatMap((start) => start.deployments))],
          waiting: () => s.actions.forEach((a) => a.state === 'pending' && (a.state = 'waiting')),
          run: () => runConnection(c.starts, s.actions).catch((err: unknown) => void (cancellation ??= err)),
        };
      });
      await runLimited(units, request.maxPerDeployment);
      return status.connections.every((c) => c.actions.every((a) => a.state === 'done'));
    },
  });
  try {
    await runner.run(APPLY as never);
  } catch (err) {
    // An action that did not succeed is its own run's outcome (the status says which); anything else fails the apply.
    if (!(err instanceof ApplicationFailure && err.type === CHILDREN_INCOMPLETE)) {
      status.phase = 'ended';
      throw err;
    }
  }
  status.phase = 'ended';
  if (refusal) throw stale(status, refusal);
  if (cancellation !== undefined) throw cancellation;
  return status;
}

/** The plan no longer matches the estate (or the estate could not be read whole): nothing was started. */
function stale(status: ApplyStatus, check: ApplyCheck): ApplicationFailure {
  status.changedSincePlan = check.changed;
  for (const c of status.connections) {
    for (const a of c.actions) {
      a.state = 'skipped';
      a.reason = 'the plan no longer matches the estate';
    }
  }
  return ApplicationFailure.create({
    type: FailureType.PlanStale,
    message:
      check.unreadable !== undefined
        ? `the plan cannot be checked against the estate: ${check.unreadable}; nothing was started`
        : estateChangesText(check.changed),
    nonRetryable: true,
    details: [status],
  });
}

/** A connection's actions in order; the first that does not succeed skips the rest. Rejects only with a cancellation. */
async function runConnection(starts: readonly ChildStart[], actions: ApplyActionStatus[]): Promise<void> {
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!;
    const s = actions[i]!;
    s.workflowType = start.workflowType;
    if (start.refusal !== undefined) {
      s.state = 'refused';
      s.reason = start.refusal;
    } else {
      await runChild(start, s);
    }
    if (s.state !== 'done') {
      for (const later of actions.slice(i + 1)) {
        later.state = 'skipped';
        later.reason = `the ${s.kind} before it ended ${s.state}`;
      }
      return;
    }
  }
}

const KEY_BY_NAME = new Map(ALL_SEARCH_ATTRIBUTE_KEYS.map((k) => [k.name, k]));

function searchAttributesOf(start: ChildStart): SearchAttributePair[] {
  return Object.entries(start.searchAttributes).flatMap(([name, value]) => {
    const key = KEY_BY_NAME.get(name);
    return key ? [{ key, value } as SearchAttributePair] : [];
  });
}

/** One action as the operation's own run under the connection id; its status follows it. */
async function runChild(start: ChildStart, s: ApplyActionStatus): Promise<void> {
  s.state = 'running';
  try {
    const child = await startChild(start.workflowType, {
      workflowId: start.connectionId,
      args: [start.request],
      memo: start.memo,
      typedSearchAttributes: searchAttributesOf(start),
      ...(start.staticSummary ? { staticSummary: start.staticSummary } : {}),
      // The apply is a coordinator: terminating it leaves each run to end (done or rolled back)
      // on its own; cancelling it cancels the runs (this scope), which roll back.
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    s.runId = child.firstExecutionRunId;
    await child.result();
    s.state = 'done';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      s.state = 'conflict';
      s.reason = `another run holds ${start.connectionId}: nothing was started (crosslink status ${start.connectionId}); plan again once it ended`;
      return;
    }
    const reason = describeFailure(err instanceof ChildWorkflowFailure ? (err.cause ?? err) : err);
    s.state = 'failed';
    s.reason = isCancellation(err) ? 'cancelled' : `${reason.type}: ${reason.message}`;
    if (isCancellation(err)) throw err;
  }
}

function parseRequest(input: unknown): ApplyRequest {
  const parsed = ApplyRequest.safeParse(input);
  if (parsed.success) return parsed.data;
  const errors = fieldErrors(parsed.error);
  throw ApplicationFailure.create({
    type: FailureType.BadRequest,
    message: `invalid apply request: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
    nonRetryable: true,
    details: [errors],
  });
}
