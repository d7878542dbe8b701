/**
 * Every import of Temporal SDK internals the harness needs, in one place (docs/sources.md §T2):
 * `@temporalio/worker/lib/...`, `@temporalio/common/lib/...` and the Core protobuf types. All
 * `@temporalio/*` packages are pinned to one exact version; when upgrading, check this file first.
 */
import { coresdk, type temporal } from '@temporalio/proto';
import { TypedSearchAttributes } from '@temporalio/common';
import { msToTs, optionalTsToMs } from '@temporalio/common/lib/time';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLER_OPTIONS } from '../../workers/bundle';

/** Bundle the workflows once (for callers that pass `{ code }` to WorkflowSandbox.create). */
export async function bundleWorkflows(workflowsPath: string): Promise<string> {
  return (await bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger, ...WORKFLOW_BUNDLER_OPTIONS })).code;
}
import { parseWorkflowCode } from '@temporalio/worker/lib/worker';
import { ReusableVMWorkflowCreator } from '@temporalio/worker/lib/workflow/reusable-vm';
import { type Workflow } from '@temporalio/worker/lib/workflow/interface';
import { type WorkflowInfo } from '@temporalio/workflow';

export type Activation = coresdk.workflow_activation.IWorkflowActivation;
export type ActivationJob = coresdk.workflow_activation.IWorkflowActivationJob;
export type Completion = coresdk.workflow_completion.WorkflowActivationCompletion;
export type Command = coresdk.workflow_commands.IWorkflowCommand;
export type ScheduleActivityCommand = coresdk.workflow_commands.IScheduleActivity;
export type ActivityResolution = coresdk.activity_result.IActivityResolution;
export type ProtoPayload = temporal.api.common.v1.IPayload;
export type ProtoFailure = temporal.api.failure.v1.IFailure;
export type ProtoRetryPolicy = temporal.api.common.v1.IRetryPolicy;
export type ProtoDuration = Parameters<typeof optionalTsToMs>[0];

/**
 * Recorded histories (JSON as `temporal workflow show --output json` writes it) for replay and
 * rendering tests; `historyToJSON` writes a fetched history in that form (scripts/record-histories.ts).
 */
export { historyFromJSON, historyToJSON };

export const ActivityCancellationType = coresdk.workflow_commands.ActivityCancellationType;

/** Milliseconds of a protobuf Duration (undefined when unset or zero, as Core treats it). */
export function durationMs(duration: ProtoDuration): number | undefined {
  const ms = optionalTsToMs(duration);
  return ms ? ms : undefined;
}

export { msToTs };

/** Core sends the seed as an int64; protobufjs encodes a plain number for it just as well. */
export function randomnessSeed(seed: number): coresdk.workflow_activation.IInitializeWorkflow['randomnessSeed'] {
  return seed as unknown as coresdk.workflow_activation.IInitializeWorkflow['randomnessSeed'];
}

/** One workflow execution inside the sandbox; activations and completions pass through protobuf as with Core. */
export interface SandboxWorkflow {
  activate(activation: Activation): Promise<Completion>;
  dispose(): Promise<void>;
}

export interface SandboxStart {
  workflowType: string;
  workflowId: string;
  runId: string;
  taskQueue: string;
  startTime: number;
}

/** The workflow bundle loaded into Node's vm, as the Worker does with `reuseV8Context: false`. */
export class WorkflowSandbox {
  private constructor(private readonly creator: ReusableVMWorkflowCreator) {}

  /**
   * Bundles `workflowsPath` (slow: once per test file) and prepares the vm script; or takes code
   * bundled before (`{ code }`, as a production worker loads its prebuilt bundle).
   */
  static async create(source: string | { code: string }): Promise<WorkflowSandbox> {
    const { code } =
      typeof source === 'string'
        ? await bundleWorkflowCode({ workflowsPath: source, logger: quietBundlerLogger, ...WORKFLOW_BUNDLER_OPTIONS })
        : source;
    const creator = await ReusableVMWorkflowCreator.create(parseWorkflowCode(code), 5_000, new Set());
    return new WorkflowSandbox(creator);
  }

  async start(start: SandboxStart): Promise<SandboxWorkflow> {
    const info = workflowInfo(start);
    const workflow: Workflow = await this.creator.createWorkflow({
      info,
      // Any fixed 8 bytes: the harness is deterministic run to run.
      randomnessSeed: [0, 0, 0, 0, 0, 0, 5, 57],
      now: start.startTime,
      showStackTraceSources: false,
    });
    return {
      async activate(activation) {
        // Core hands the workflow decoded protobuf messages (oneof `variant` getters included).
        const encoded = coresdk.workflow_activation.WorkflowActivation.encode(activation).finish();
        const completion = await workflow.activate(coresdk.workflow_activation.WorkflowActivation.decode(encoded));
        const bytes = coresdk.workflow_completion.WorkflowActivationCompletion.encode(completion).finish();
        return coresdk.workflow_completion.WorkflowActivationCompletion.decode(bytes);
      },
      dispose: () => workflow.dispose(),
    };
  }

  async destroy(): Promise<void> {
    await this.creator.destroy();
  }
}

function workflowInfo(start: SandboxStart): WorkflowInfo {
  const at = new Date(start.startTime);
  return {
    workflowId: start.workflowId,
    runId: start.runId,
    workflowType: start.workflowType,
    searchAttributes: {},
    typedSearchAttributes: new TypedSearchAttributes(),
    memo: {},
    historyLength: 1,
    historySize: 0,
    continueAsNewSuggested: false,
    targetWorkerDeploymentVersionChanged: false,
    taskQueue: start.taskQueue,
    namespace: 'default',
    firstExecutionRunId: start.runId,
    originalExecutionRunId: start.runId,
    startTime: at,
    runStartTime: at,
    taskTimeoutMs: 10_000,
    attempt: 1,
    // initRuntime replaces now/random with the sandbox's deterministic ones.
    unsafe: {
      now: () => start.startTime,
      isReplaying: false,
      isReplayingHistoryEvents: false,
      random: { random: () => 0, uuid4: () => '00000000-0000-4000-8000-000000000000', fillRandom: (b) => b },
    },
  };
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: Record<string, unknown>) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};
