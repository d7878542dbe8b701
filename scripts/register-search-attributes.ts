/**
 * `node dist/scripts/register-search-attributes.js` (docker-compose runs it once; operators may
 * too): registers crosslink's Keyword search attributes (domain/temporal-contract.ts) in the
 * namespace TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE (or TEMPORAL_PROFILE) name, leaving existing
 * ones alone. Retries while the server is still starting.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureSearchAttributes } from '../client/search-attributes';
import { connectClient, resolveTemporalTarget } from '../client/temporal-connection';

async function main(): Promise<void> {
  const target = resolveTemporalTarget();
  const attempts = Number(process.env.CROSSLINK_REGISTER_ATTEMPTS ?? 30);
  for (let attempt = 1; ; attempt++) {
    try {
      const client = await connectClient(target);
      try {
        const added = await ensureSearchAttributes(client.connection.operatorService, target.namespace);
        process.stdout.write(
          added.length > 0
            ? `registered ${added.join(', ')} in namespace ${target.namespace}\n`
            : `namespace ${target.namespace} already has crosslink's search attributes\n`,
        );
        return;
      } finally {
        await client.connection.close();
      }
    } catch (err) {
      if (attempt >= attempts) throw err;
      process.stderr.write(`not yet (${(err as Error).message}); retrying in 2 s\n`);
      await sleep(2000);
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`register-search-attributes: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
