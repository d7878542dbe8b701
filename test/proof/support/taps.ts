/**
 * Taps: wrappers around the real activity implementations that shape how an attempt is seen by the
 * harness, without changing what the activity does against the simulator. They model what a test
 * cannot do for real in a fast, server-less run: a worker that crashes after its call, an attempt
 * that outlives its startToClose timeout, a fault armed exactly when one activity starts.
 */
import { Context } from '@temporalio/activity';
import { type SimulatorHandle } from '../../../simulator/api';
import { type ActivityImplementations, SimulatedTimeout } from '../../harness/workflow-harness';

export interface TapCall {
  activity: string;
  input: unknown;
  attempt: number;
}
export type Tap = (call: TapCall, next: () => Promise<unknown>) => Promise<unknown>;

/** Which invocations a tap applies to: an activity type and, for two-sided steps, one side. */
export interface Target {
  activity: string;
  side?: 'local' | 'remote';
}

export function matches(target: Target, call: TapCall): boolean {
  if (call.activity !== target.activity) return false;
  if (!target.side) return true;
  return (call.input as { side?: string } | undefined)?.side === target.side;
}

/** The activities with `taps` applied around each call, outermost first. */
export function withTaps(activities: ActivityImplementations, taps: Tap[]): ActivityImplementations {
  return Object.fromEntries(
    Object.entries(activities).map(([activity, fn]) => [
      activity,
      (...args: unknown[]) => {
        const call: TapCall = { activity, input: args[0], attempt: Context.current().info.attempt };
        const chain = taps.reduceRight<() => Promise<unknown>>(
          (next, tap) => () => tap(call, next),
          () => fn(...args),
        );
        return chain();
      },
    ]),
  );
}

/** Runs `arm` once, just before the first matching invocation (a fault that hits exactly this activity). */
export function armBefore(target: Target, arm: () => void): Tap {
  let armed = false;
  return (call, next) => {
    if (!armed && matches(target, call)) {
      armed = true;
      arm();
    }
    return next();
  };
}

/**
 * An attempt slower than its startToClose timeout. The simulator holds a response `slowMs` (the
 * change is still applied); when the simulator reports having held one of a matching attempt's calls
 * that long (CallRecord.delayMs), the tap lets the call finish and then reports the attempt as timed
 * out (SimulatedTimeout): the harness then does what the server does at startToClose: discards the
 * attempt's result, advances virtual time by the timeout and retries per the activity's own retry
 * policy. Real timeouts (1 min, 45 min) never pass in real time.
 */
export function timeoutWhenSlow(target: Target, simulator: SimulatorHandle, slowMs: number): Tap {
  return async (call, next) => {
    if (!matches(target, call)) return next();
    const from = simulator.calls.length;
    const slow = () => simulator.calls.slice(from).some((c) => (c.delayMs ?? 0) >= slowMs);
    let value: unknown;
    try {
      value = await next();
    } catch (err) {
      if (slow()) throw new SimulatedTimeout('START_TO_CLOSE');
      throw err;
    }
    if (slow()) throw new SimulatedTimeout('START_TO_CLOSE');
    return value;
  };
}

/**
 * The activity executed twice: the first matching attempt runs to the end (its calls take effect),
 * then the worker "crashes" before reporting. The server learns nothing until startToClose passes,
 * so the attempt is reported as timed out and the next attempt runs the implementation again.
 */
export function crashAfterFirstRun(target: Target): Tap {
  let crashed = false;
  return async (call, next) => {
    if (crashed || !matches(target, call)) return next();
    crashed = true;
    await next();
    throw new SimulatedTimeout('START_TO_CLOSE');
  };
}
