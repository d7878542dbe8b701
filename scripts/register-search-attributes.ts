/**
 * `node dist/scripts/register-search-attributes.js` (docker-compose runs it once; operators may
 * too; so does scripts/production-topology.sh): registers crosslink's Keyword search attributes
 * (domain/temporal-contract.ts) in the namespace TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE (or
 * TEMPORAL_PROFILE) name, leaving existing ones alone. Retries what passes by itself (the server
 * still starting, a namespace created a moment ago and not yet known to the frontend); fails at
 * once on what does not (a refused registration, such as SQL visibility's per-type limit).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isGrpcServiceError } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../domain';
import { ensureSearchAttributes } from '../client/search-attributes';
import { TemporalUnreachableError, connectClient, resolveTemporalTarget } from '../client/temporal-connection';

/** gRPC status codes that pass by themselves: unavailable, deadline exceeded, not found (namespace), resource exhausted. */
const TRANSIENT_GRPC_CODES = new Set([14, 4, 5, 8]);

function isTransient(err: unknown): boolean {
  if (err instanceof TemporalUnreachableError) return true;
  const cause = (err as Error | undefined)?.cause ?? err;
  return isGrpcServiceError(cause) && TRANSIENT_GRPC_CODES.has(cause.code);
}

/** What to do about a refusal the server explains only in its own terms. */
function hintFor(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/cannot have more than \d+ search attribute/i.test(message)) {
    return (
      `\nSQL visibility (PostgreSQL, MySQL, SQLite) has a fixed number of custom search attribute columns per ` +
      `type in each namespace (10 Keyword); crosslink registers ` +
      `${SEARCH_ATTRIBUTE_DEFINITIONS.filter((d) => d.type === 'KEYWORD').length} Keyword attributes and 1 KeywordList. Remove attributes nothing uses (temporal operator search-attribute remove), or use a ` +
      `namespace of its own for crosslink.`
    );
  }
  return '';
}

async function registerOnce(): Promise<string> {
  const target = resolveTemporalTarget();
  const client = await connectClient(target);
  try {
    const added = await ensureSearchAttributes(client.connection.operatorService, target.namespace);
    return added.length > 0
      ? `registered ${added.join(', ')} in namespace ${target.namespace}`
      : `namespace ${target.namespace} already has crosslink's search attributes`;
  } finally {
    await client.connection.close();
  }
}

async function main(): Promise<void> {
  const attempts = Number(process.env.CROSSLINK_REGISTER_ATTEMPTS ?? 30);
  for (let attempt = 1; ; attempt++) {
    try {
      process.stdout.write(`${await registerOnce()}\n`);
      return;
    } catch (err) {
      if (!isTransient(err) || attempt >= attempts) throw err;
      process.stderr.write(`not yet (${(err as Error).message}); retrying in 2 s\n`);
      await sleep(2000);
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `register-search-attributes: ${err instanceof Error ? err.message : String(err)}${hintFor(err)}\n`,
  );
  process.exit(1);
});
