/**
 * Every activity heartbeats while it runs, so a worker that dies costs its runs one heartbeat
 * timeout (workflows/activity-timing.ts), not a whole start-to-close timeout. Steps that can resume
 * heartbeat their own progress through StepContext; between those, the worker's interceptor repeats
 * the last details every HEARTBEAT_EVERY_MS, so a liveness beat never erases what a retry resumes from.
 */
import { type Context } from '@temporalio/activity';

/** How often the interceptor beats: well under the shortest heartbeat timeout (activity-timing.ts). */
export const HEARTBEAT_EVERY_MS = 3_000;

const lastDetails = new WeakMap<Context, { details: unknown }>();

/** Records and sends a step's progress (what StepContext.heartbeat does). */
export function heartbeatWithDetails(ctx: Context, details: unknown): void {
  lastDetails.set(ctx, { details });
  ctx.heartbeat(details);
}

/** Beats every HEARTBEAT_EVERY_MS with the last details (the previous attempt's, until the step sends its own). */
export function keepBeating(ctx: Context): () => void {
  const beat = () => {
    const last = lastDetails.get(ctx);
    ctx.heartbeat(last ? last.details : ctx.info.heartbeatDetails);
  };
  // No beat at once: most activities end within a beat, and each beat is a call to the server.
  const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
