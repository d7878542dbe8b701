/**
 * Step inputs sent by reference (domain/activities.ts StepInputReference): the activity reads the
 * run's shared step input (the request and preflight's facts) with the run's `stepInput` query,
 * once per run and worker (cached: it never changes once preflight or the inspection has run), and
 * adds the row's own fields. An input sent whole (runs from before 0.3.0, tests) is used as it is.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType, isStepInputReference, type StepInput } from '../domain';
import { stepInputQuery } from '../workflows/messages';

/** Runs whose step input this worker holds; a run's is a few kilobytes. */
const CACHE_LIMIT = 1000;
const cache = new Map<string, StepInput>();

export async function resolveStepInput<T>(input: T): Promise<T> {
  if (!isStepInputReference(input)) return input;
  const { stepInput: _reference, ...own } = input;
  return { ...(await sharedStepInput()), ...own } as T;
}

async function sharedStepInput(): Promise<StepInput> {
  const ctx = Context.current();
  const execution = ctx.info.workflowExecution;
  if (!execution) {
    throw ApplicationFailure.create({
      type: FailureType.BadRequest,
      message: 'a step input by reference needs the run it belongs to',
      nonRetryable: true,
    });
  }
  const cached = cache.get(execution.runId);
  if (cached) return cached;
  let shared: StepInput | null;
  try {
    shared = await ctx.client.workflow.getHandle(execution.workflowId, execution.runId).query(stepInputQuery);
  } catch (err) {
    // The run answers once a worker takes the query: retried like any unreachable dependency.
    throw ApplicationFailure.create({
      type: FailureType.Transient,
      message: `the run's step input could not be read (its stepInput query): ${err instanceof Error ? err.message : String(err)}`,
    });
  }
  if (!shared) {
    throw ApplicationFailure.create({
      type: FailureType.BadRequest,
      message: 'the run has no step input yet (an activity by reference before preflight)',
      nonRetryable: true,
    });
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(execution.runId, shared);
  return shared;
}
