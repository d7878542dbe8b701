import { setTimeout as delay } from 'node:timers/promises';
import { CancelledFailure } from '@temporalio/common';

/** Sleep that ends at once, with the cancellation reason, when `signal` aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  try {
    await delay(ms, undefined, { signal });
  } catch (err) {
    throwIfAborted(signal);
    throw err;
  }
}

/** Temporal's cancellation reason is a CancelledFailure; keep it so the worker reports "cancelled". */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) {
    throw signal.reason instanceof Error ? signal.reason : new CancelledFailure('activity cancelled');
  }
}

/** Poll `check` until it returns a value, or give up after `timeoutMs` (returns undefined). */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  opts: { timeoutMs: number; intervalMs: number; signal?: AbortSignal; onPoll?: () => void },
): Promise<T | undefined> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    opts.onPoll?.();
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await sleep(Math.min(opts.intervalMs, Math.max(0, deadline - Date.now())), opts.signal);
  }
}
