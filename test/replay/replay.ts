/**
 * Replaying recorded histories against a workflow bundle with the SDK's replayer
 * (`Worker.runReplayHistories`, no server): what a worker running that code would do with runs
 * that are still open when it is deployed.
 */
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { WORKFLOW_BUNDLER_OPTIONS } from '../../workers/bundle';
import { type RecordedHistory } from './histories';

export interface ReplayOutcome {
  /** `<version>/<scenario>`. */
  history: string;
  /** The replayer's error name and message; undefined when the history replayed. */
  error?: string;
}

/** The replay worker (and its native core) logs every failed workflow task; tests read the outcome instead. */
export function installQuietRuntime(): void {
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
    });
  } catch {
    // Already installed in this module registry: keep it.
  }
}

/** One bundle per suite: bundling takes seconds, a replay of every history about one. */
export async function bundleWorkflows(workflowsPath: string): Promise<{ code: string }> {
  const noop = () => undefined;
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    ...WORKFLOW_BUNDLER_OPTIONS,
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop },
  });
  return { code };
}

/** Replays every history on one replay worker; one outcome per history, in order. */
export async function replayAll(
  bundle: WorkflowBundle,
  histories: readonly RecordedHistory[],
): Promise<ReplayOutcome[]> {
  // The replayer takes one history at a time and yields in order; workflow ids repeat across versions
  // (and a disconnect has its connection's id), so outcomes are named by position.
  const outcomes: ReplayOutcome[] = [];
  const results = Worker.runReplayHistories(
    { workflowBundle: bundle, replayName: 'crosslink-replay' },
    histories.map((h) => ({ workflowId: h.workflowId, history: h.history })),
  );
  for await (const result of results) {
    const h = histories[outcomes.length];
    if (h?.workflowId !== result.workflowId) throw new Error(`replay result out of order: ${result.workflowId}`);
    outcomes.push({
      history: `${h.version}/${h.scenario}`,
      ...(result.error ? { error: `${result.error.name}: ${result.error.message}` } : {}),
    });
  }
  return outcomes;
}
