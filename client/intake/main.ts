/** `npm run intake`: the CloudEvents intake as a process. */
import { createLogger } from '../../common/logging';
import { createTemporalGateway } from '../connections';
import { connectClient, resolveTemporalTarget } from '../temporal-connection';
import { loadIntakeConfig } from './config';
import { EVENTS_PATH, createIntakeServer } from './server';

async function main(): Promise<void> {
  const config = loadIntakeConfig();
  const log = createLogger({ name: 'intake', secrets: config.secrets });
  const target = resolveTemporalTarget();
  const client = await connectClient(target);
  const intake = createIntakeServer({
    gateway: createTemporalGateway(client),
    secrets: config.secrets,
    ...(config.bearer ? { bearer: config.bearer } : {}),
    webhookOrigins: config.webhookOrigins,
    bodyLimit: config.bodyLimit,
    replayWindowSeconds: config.replayWindowSeconds,
    logger: log,
  });
  const { url } = await intake.listen(config.port, config.host);
  log.info({ url: url + EVENTS_PATH, temporal: target.address, namespace: target.namespace }, 'intake listening');

  const stop = (signal: string): void => {
    log.info({ signal }, 'intake shutting down');
    void intake
      .close()
      .then(() => client.connection.close())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`crosslink intake: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
