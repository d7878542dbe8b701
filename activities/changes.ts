/**
 * `describeChange`: the exact change an approval gate guards, read from the systems when the gate
 * opens (domain/changes.ts). Each step file may export `changes`, a describer per activity that
 * reads (never writes) what the activity would send now; an activity without one is described by
 * its Web UI summary alone. The result carries its digest, which the approver's token signs.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  type ActivityChange,
  type ActivityName,
  CATALOG_ACTIVITIES,
  type ChangeRequest,
  type DeploymentFacts,
  type DescribeChangeInput,
  FailureType,
  type GateChange,
  type InputOf,
  ROW_IDS,
  type TrustSettings,
} from '../domain';
import { gateChange } from '../common/change-digest';
import { type Deps, type StepContext } from './context';
import { elasticsearchResource, getDeployment } from './ece/deployments';
import { eceFor } from './steps/shared';
import { resolveStepInput } from './step-input';

/** A describer: what the activity would change now, read from the systems. */
export type Describer<N extends ActivityName> = (
  deps: Deps,
  ctx: StepContext,
  input: InputOf<N>,
) => Promise<Omit<ActivityChange, 'activity'>>;

/** What a step file exports as `changes`: describers of its activities. */
export type StepDescribers = { readonly [N in ActivityName]?: Describer<N> };

type AnyDescriber = (deps: Deps, ctx: StepContext, input: never) => Promise<Omit<ActivityChange, 'activity'>>;

/** Each step file's describers (activities/steps/<row id>.ts, `changes`), by activity name. */
export function stepDescribers(): ReadonlyMap<string, AnyDescriber> {
  const found = new Map<string, AnyDescriber>();
  for (const id of ROW_IDS) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the file of each catalog row, by convention
    const file = require(`./steps/${id}`) as { changes?: StepDescribers };
    for (const [name, describer] of Object.entries(file.changes ?? {})) found.set(name, describer as AnyDescriber);
  }
  return found;
}

let describers: ReadonlyMap<string, AnyDescriber> | undefined;

export async function describeChange(deps: Deps, ctx: StepContext, input: DescribeChangeInput): Promise<GateChange> {
  describers ??= stepDescribers();
  const activities: ActivityChange[] = [];
  for (const call of input.calls) {
    const known = CATALOG_ACTIVITIES.find((c) => c.name === call.activity);
    if (!known) {
      throw ApplicationFailure.create({
        type: FailureType.BadRequest,
        message: `describeChange: ${call.activity} is no activity of the step catalog`,
        nonRetryable: true,
      });
    }
    const describe = describers.get(call.activity);
    const callInput = await resolveStepInput(call.input);
    const described = describe
      ? await describe(deps, ctx, callInput as never)
      : { summary: known.summary(callInput as never), requests: [], changes: [] };
    activities.push({ activity: call.activity, ...described });
  }
  return gateChange(input.gate, activities);
}

/** A deployment's `trust` object as ECE holds it now. */
export async function currentTrust(deps: Deps, ctx: StepContext, f: DeploymentFacts): Promise<TrustSettings> {
  const ece = eceFor(deps, f);
  const { deployment } = await getDeployment(ece, f.deploymentId, ctx.signal);
  return (elasticsearchResource(ece, deployment, f.refId).info.settings?.trust as TrustSettings | undefined) ?? {};
}

/** The deployment update that rewrites the Elasticsearch resource's `trust` (the part this step sets in `body`). */
export function trustUpdateRequest(f: DeploymentFacts, body: unknown): ChangeRequest {
  return {
    system: 'ece',
    environment: f.environment,
    deploymentId: f.deploymentId,
    method: 'PUT',
    path: `/api/v1/deployments/${f.deploymentId}`,
    body,
  };
}

/** An Elasticsearch request on a deployment. */
export function esRequest(
  f: DeploymentFacts,
  method: ChangeRequest['method'],
  path: string,
  body?: unknown,
): ChangeRequest {
  return {
    system: 'elasticsearch',
    environment: f.environment,
    deploymentId: f.deploymentId,
    method,
    path,
    ...(body !== undefined ? { body } : {}),
  };
}
