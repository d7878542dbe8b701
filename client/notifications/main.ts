/** `npm run notification-sink`: the local notification receiver as a process (prints one line per event). */
import { createNotificationSink } from './sink';

async function main(): Promise<void> {
  const secret = process.env.CROSSLINK_NOTIFICATIONS_SECRET;
  if (!secret) throw new Error('set CROSSLINK_NOTIFICATIONS_SECRET to the whsec_ secret the worker signs with');
  const sink = createNotificationSink({ secret });
  const port = Number(process.env.CROSSLINK_NOTIFICATIONS_PORT ?? 8090);
  const { url } = await sink.listen(port, process.env.CROSSLINK_NOTIFICATIONS_HOST ?? '127.0.0.1');
  process.stdout.write(`notification sink listening on ${url}\n`);
  const stop = (): void => void sink.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`crosslink notification sink: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
