/**
 * CPU time of workflow code per connection, measured by replay: while a connection runs, every
 * activation the harness sends it is recorded (the harness has no hook, so the bench wraps
 * HarnessRun.prototype.activate at run time); afterwards the same activations are fed to a fresh
 * instance of the workflow in the same sandbox, with nothing else running in the process, and
 * process.cpuUsage() is taken around them. That is what a worker spends on the connection's workflow
 * code (plus the activation encode/decode Core would do), without the activities' I/O.
 */
import { HarnessRun } from '../test/harness/workflow-harness';
import { type Activation, type ActivationJob, WorkflowSandbox, msToTs } from '../test/harness/sdk-internals';

interface Recording {
  workflowType: string;
  workflowId: string;
  runId: string;
  startTime: number;
  activations: Activation[];
}

interface RunInternals {
  now: number;
  context: { workflowType: string; workflowId: string; runId: string; startTime: number };
}

export class WorkflowCpu {
  private readonly recordings = new Map<string, Recording>();
  /** Off during the concurrent runs, so the recordings do not add to the memory being measured. */
  recording = true;

  private constructor(private readonly sandbox: WorkflowSandbox) {}

  /** Bundles the workflows once more for the replays, and starts recording activations. */
  static async create(workflows: string | { code: string }): Promise<WorkflowCpu> {
    const meter = new WorkflowCpu(await WorkflowSandbox.create(workflows));
    const recordings = meter.recordings;

    const proto = HarnessRun.prototype as unknown as { activate: (jobs: ActivationJob[]) => Promise<void> };
    const original = proto.activate;
    proto.activate = function (this: RunInternals, jobs: ActivationJob[]) {
      const { context } = this;
      if (!meter.recording) return original.call(this, jobs);
      let recording = recordings.get(context.runId);
      if (!recording) {
        recording = { ...context, activations: [] };
        recordings.set(context.runId, recording);
      }
      if (!jobs.some((j) => j.queryWorkflow)) {
        recording.activations.push({ runId: context.runId, timestamp: msToTs(this.now), jobs });
      }
      return original.call(this, jobs);
    };
    return meter;
  }

  /** Median CPU ms (user + system) of `times` replays of the run's activations, and how many there are. */
  async replay(runId: string, times = 3): Promise<{ cpuMs: number; activations: number }> {
    const recording = this.recordings.get(runId);
    if (!recording) throw new Error(`no activations recorded for run ${runId}`);
    const samples: number[] = [];
    for (let i = 0; i < times; i++) {
      const workflow = await this.sandbox.start({
        workflowType: recording.workflowType,
        workflowId: recording.workflowId,
        runId: recording.runId,
        taskQueue: 'crosslink',
        startTime: recording.startTime,
      });
      const start = process.cpuUsage();
      for (const activation of recording.activations) await workflow.activate(activation);
      const used = process.cpuUsage(start);
      samples.push((used.user + used.system) / 1000);
      await workflow.dispose();
    }
    samples.sort((a, b) => a - b);
    return { cpuMs: samples[Math.floor(samples.length / 2)]!, activations: recording.activations.length };
  }

  async destroy(): Promise<void> {
    await this.sandbox.destroy();
  }
}
