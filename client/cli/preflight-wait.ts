/**
 * `crosslink connect` waits for preflight, the step that reads both deployments and environments
 * and refuses early (an unknown environment or deployment, versions, an alias in use...): the
 * command's exit code then says whether the connection got past it. For a fan-out it waits for
 * every pair's preflight (each pair is its own connection run, started by the fan-out).
 */
import { type Client, WorkflowFailedError } from '@temporalio/client';
import { type FanOutPairStatus, type FanOutResult } from '../../domain';
import { fanOutStatusQuery } from '../../workflows/messages';
import { CANCELLED } from '../../workflows/failures';
import { type CliContext } from './context';
import { EXIT, type ExitCode } from './exit-codes';
import { QUERY_TIMEOUT_MS, loadStatus } from './load-status';
import { type StatusView, isTerminal } from './render/status';

/** What is known about a run's preflight; `running` and `no-worker` are still waiting. */
export type PreflightOutcome =
  | { outcome: 'passed'; detail?: string }
  | { outcome: 'refused'; reason: { type: string; message: string } }
  /** The run closed without a preflight verdict (cancelled, terminated, the fan-out failed first). */
  | { outcome: 'ended'; message: string }
  | { outcome: 'running'; detail?: string }
  | { outcome: 'no-worker' };

export function isDecided(o: PreflightOutcome): boolean {
  return o.outcome === 'passed' || o.outcome === 'refused' || o.outcome === 'ended';
}

/** Preflight's verdict as a status view shows it. */
export function preflightOutcome(view: StatusView): PreflightOutcome {
  const p = view.progress;
  const step = p?.steps.find((s) => s.id === 'preflight');
  if (view.result || view.state === 'connected') return passed(step?.detail);
  if (p && step) {
    if (step.status === 'succeeded' || step.status === 'skipped') return passed(step.detail);
    if (p.reason?.type === CANCELLED) return { outcome: 'ended', message: `cancelled: ${p.reason.message}` };
    if (step.status === 'failed' || p.reason?.step === 'preflight') {
      return { outcome: 'refused', reason: p.reason ?? { type: 'PreflightFailed', message: step.detail ?? 'failed' } };
    }
  }
  // A run without a preflight row (an operation other than connect holds the id) has nothing to wait for.
  if (p && !step) return passed('this run has no preflight step');
  if (isTerminal(view)) {
    return {
      outcome: 'ended',
      message:
        p?.reason?.message ?? view.failure ?? `the run ended ${view.executionStatus?.toLowerCase() ?? view.state}`,
    };
  }
  if (!p) return view.note ? { outcome: 'no-worker' } : { outcome: 'running' };
  const attempts = step && step.attempts > 1 ? `attempt ${step.attempts}` : '';
  const detail = [attempts, step?.detail].filter(Boolean).join(': ');
  return { outcome: 'running', ...(detail ? { detail } : {}) };
}

function passed(detail: string | undefined): PreflightOutcome {
  return detail ? { outcome: 'passed', detail } : { outcome: 'passed' };
}

/** One line per outcome, for the lines printed while waiting. */
export function describeOutcome(o: PreflightOutcome): string {
  switch (o.outcome) {
    case 'passed':
      return `preflight passed${o.detail ? `: ${o.detail}` : ''}`;
    case 'refused':
      return `preflight refused: ${o.reason.type}: ${o.reason.message}`;
    case 'ended':
      return `ended before preflight decided: ${o.message}`;
    case 'running':
      return `preflight running${o.detail ? ` (${o.detail})` : ''}`;
    case 'no-worker':
      return 'no worker has answered yet (start one: `npm run worker`); the run waits for it';
  }
}

/** The exit code of `connect` for the outcomes of its run (or of a fan-out's pairs). */
export function exitCodeOf(outcomes: readonly PreflightOutcome[]): ExitCode {
  if (outcomes.some((o) => o.outcome === 'refused')) return EXIT.REFUSED;
  if (outcomes.some((o) => o.outcome === 'ended')) return EXIT.NOT_CONNECTED;
  if (outcomes.every((o) => o.outcome === 'passed')) return EXIT.OK;
  return EXIT.UNAVAILABLE;
}

export interface WaitOptions {
  /** Give up (the run goes on) after this many seconds. */
  timeoutSeconds: number;
  /** Called with each new line of progress (per pair: prefixed with the alias). */
  onProgress?: (line: string) => void;
  pollMs?: number;
}

const POLL_MS = 1_000;

/** Time waited so far: the clock's, or at least the time slept (so a clock that stands still cannot wait forever). */
function waitingClock(ctx: CliContext): { elapsed(): number; sleep(ms: number): Promise<void> } {
  const start = ctx.now().getTime();
  let slept = 0;
  return {
    elapsed: () => Math.max(ctx.now().getTime() - start, slept),
    sleep: async (ms) => {
      slept += ms;
      await ctx.sleep(ms);
    },
  };
}

/** Polls one connection run until its preflight passed or refused, the run ended, or time is up. */
export async function waitForPreflight(
  ctx: CliContext,
  client: Client,
  run: { workflowId: string; runId: string },
  options: WaitOptions,
): Promise<{ outcome: PreflightOutcome; view: StatusView }> {
  const clock = waitingClock(ctx);
  let last = '';
  for (;;) {
    const view = await loadStatus(client, run.workflowId, { runId: run.runId, queryTimeoutMs: QUERY_TIMEOUT_MS });
    const outcome = preflightOutcome(view);
    const line = describeOutcome(outcome);
    if (line !== last) options.onProgress?.(line);
    last = line;
    if (isDecided(outcome) || clock.elapsed() >= options.timeoutSeconds * 1000) return { outcome, view };
    await clock.sleep(options.pollMs ?? POLL_MS);
  }
}

export interface FanOutPairOutcome {
  alias: string;
  connectionId: string;
  outcome: PreflightOutcome;
}

/**
 * Polls a fan-out until every pair's preflight has a verdict (or the fan-out ended, or time is
 * up). A pair's run counts once the fan-out started it: its run names the fan-out as parent (an
 * earlier run under the same connection id does not count).
 */
export async function waitForFanOutPreflights(
  ctx: CliContext,
  client: Client,
  fanOut: { workflowId: string; runId: string },
  pairs: ReadonlyArray<{ alias: string; connectionId: string }>,
  options: WaitOptions,
): Promise<FanOutPairOutcome[]> {
  const clock = waitingClock(ctx);
  const outcomes = new Map<string, PreflightOutcome>(pairs.map((p) => [p.alias, { outcome: 'running' }]));
  const last = new Map<string, string>();
  for (;;) {
    const states = await fanOutPairStates(client, fanOut);
    for (const pair of pairs) {
      if (isDecided(outcomes.get(pair.alias)!)) continue;
      const outcome = await pairOutcome(client, fanOut.workflowId, pair, states);
      outcomes.set(pair.alias, outcome);
      const line = describeOutcome(outcome);
      if (last.get(pair.alias) !== line) options.onProgress?.(`${pair.alias}: ${line}`);
      last.set(pair.alias, line);
    }
    const all = pairs.map((p) => ({ ...p, outcome: outcomes.get(p.alias)! }));
    if (all.every((p) => isDecided(p.outcome)) || clock.elapsed() >= options.timeoutSeconds * 1000) return all;
    await clock.sleep(options.pollMs ?? POLL_MS);
  }
}

/** The fan-out's own view of its pairs: its query while it runs, its result or failure once closed. */
type PairStates =
  { kind: 'pairs'; pairs: FanOutPairStatus[] } | { kind: 'ended'; message: string } | { kind: 'no-worker' };

async function fanOutPairStates(client: Client, fanOut: { workflowId: string; runId: string }): Promise<PairStates> {
  const handle = client.workflow.getHandle(fanOut.workflowId, fanOut.runId);
  const desc = await handle.describe();
  if (desc.status.name === 'RUNNING') {
    try {
      const pairs = await client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(fanOutStatusQuery));
      return { kind: 'pairs', pairs };
    } catch {
      return { kind: 'no-worker' };
    }
  }
  try {
    const result = (await handle.result()) as FanOutResult;
    return { kind: 'pairs', pairs: result.pairs };
  } catch (err) {
    const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
    return {
      kind: 'ended',
      message: `the fan-out ${desc.status.name.toLowerCase()}: ${(cause ?? (err as Error)).message}`,
    };
  }
}

async function pairOutcome(
  client: Client,
  fanOutId: string,
  pair: { alias: string; connectionId: string },
  states: PairStates,
): Promise<PreflightOutcome> {
  if (states.kind === 'no-worker') return { outcome: 'no-worker' };
  const state = states.kind === 'pairs' ? states.pairs.find((p) => p.alias === pair.alias) : undefined;
  if (!state || state.state === 'pending') {
    return states.kind === 'ended'
      ? { outcome: 'ended', message: states.message }
      : { outcome: 'running', detail: 'the fan-out has not started this pair yet (it trusts the proxy CAs first)' };
  }
  const view = await loadStatus(client, pair.connectionId).catch(() => undefined);
  if (view?.parentWorkflowId !== fanOutId) {
    return { outcome: 'running', detail: 'the fan-out is starting this pair' };
  }
  return preflightOutcome(view);
}
