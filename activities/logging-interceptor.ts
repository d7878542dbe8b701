/**
 * The worker's one activity interceptor. One log line per activity outcome, for every activity the
 * worker runs, through the activity logger (which adds workflow and activity ids): only the
 * result's `detail` or the failure's message, neither ever holds a secret. And a heartbeat every
 * few seconds while the activity runs (heartbeat.ts), so a lost worker is noticed within the
 * activity's heartbeat timeout.
 */
import { type ActivityInterceptorsFactory } from '@temporalio/worker';
import { keepBeating } from './heartbeat';

export const logActivityOutcome: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      const name = ctx.info.activityType;
      const stopBeating = keepBeating(ctx);
      try {
        const result = await next(input);
        const detail = result !== null && typeof result === 'object' && 'detail' in result ? result.detail : 'done';
        ctx.log.info(`${name}: ${String(detail)}`);
        return result;
      } catch (err) {
        const e = err as { type?: string; message?: string };
        ctx.log.warn(`${name} failed: ${e.message ?? String(err)}`, { failureType: e.type });
        throw err;
      } finally {
        stopBeating();
      }
    },
  },
});
