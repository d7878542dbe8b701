import {
  CATALOG_ACTIVITIES,
  type CrosslinkActivities,
  type LifecycleActivities,
  ROW_IDS,
  type StepActivities,
} from '../domain';
import { type ActivityDeps, DEFAULT_TIMING, type Deps, type StepImplementations, stepContext } from './context';
import { verifyApprovalDecision } from './approvals/verify';
import { describeChange } from './changes';
import { resolveStepInput } from './step-input';
import { discoverConnections } from './lifecycle/discover-connections';
import { readDesiredState } from './lifecycle/desired-state';
import { describePlannedActions } from './lifecycle/describe-plan';
import { activityRunReader } from './lifecycle/runs';
import { createNotificationActivities } from './notifications/activity';

export { type ActivityDeps, DEFAULT_TIMING, type Timing } from './context';
export {
  createEnvironmentRegistry,
  resolveEnvironments,
  type EnvironmentRegistry,
  type ResolvedEnvironments,
} from './environments';
export { createSealer, parseSealingKey, type Sealer } from './secrets/sealing';
export { closeAllPools } from './http/pool';
export { logActivityOutcome } from './logging-interceptor';

type AnyImplementation = (deps: Deps, ctx: ReturnType<typeof stepContext>, input: never) => Promise<unknown>;

/**
 * Each row's activities, from its step file: `activities/steps/<row id>.ts` exports them as
 * `activities`, checked there against the catalog's signatures. A step is a row and a file: nothing
 * here names a step. A catalog activity no step file implements stops the worker at start.
 */
export function stepImplementations(): ReadonlyMap<string, AnyImplementation> {
  const found = new Map<string, AnyImplementation>();
  for (const id of ROW_IDS) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the file of each catalog row, by convention
    const file = require(`./steps/${id}`) as { activities?: StepImplementations };
    if (!file.activities) throw new Error(`activities/steps/${id}.ts exports no \`activities\` for its catalog row`);
    for (const [name, implementation] of Object.entries(file.activities)) {
      found.set(name, implementation as AnyImplementation);
    }
  }
  const missing = CATALOG_ACTIVITIES.filter((call) => !found.has(call.name)).map((call) => call.name);
  if (missing.length > 0) {
    throw new Error(
      `no step file implements ${missing.join(', ')}: export each from its row's activities/steps/<row id>.ts`,
    );
  }
  return found;
}

/**
 * The activities the worker registers: each step of the catalog and its undo, bound to the
 * worker's environment registry and sealing key. Every result carries the activity attempt.
 * Their outcomes are logged by `logActivityOutcome`, the worker's activity interceptor. With a
 * notification sink, `sendNotification` delivers to it (and preflight tells the workflow so).
 */
export function createActivities(activityDeps: ActivityDeps): CrosslinkActivities & LifecycleActivities {
  const deps: Deps = {
    registry: activityDeps.registry,
    sealer: activityDeps.sealer,
    timing: { ...DEFAULT_TIMING, ...activityDeps.timing },
    approvals: activityDeps.approvals,
    notify: activityDeps.notifications !== undefined,
  };
  const steps = Object.fromEntries(
    [...stepImplementations()].map(([name, implementation]) => [
      name,
      async (input: never) => implementation(deps, stepContext(), await resolveStepInput(input)),
    ]),
  ) as unknown as StepActivities;
  return {
    ...steps,
    verifyApprovalDecision: (input) => verifyApprovalDecision(deps.approvals, input),
    describeChange: (input) => describeChange(deps, stepContext(), input),
    // With the worker's Temporal client: the runs on each connection id decide in-progress and leftovers.
    discoverConnections: (filter) => discoverConnections(deps, stepContext(), filter, { runs: activityRunReader() }),
    readDesiredState: () => readDesiredState(activityDeps.desiredState, deps.notify === true),
    describePlannedActions: (input) => describePlannedActions(deps, stepContext(), input),
    ...createNotificationActivities(activityDeps.notifications),
  };
}
