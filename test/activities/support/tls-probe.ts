/**
 * Child process for tls-pinned.test.ts: one GET through crosslink's HttpClient (and, as a control,
 * one through Node's https with default options) under whatever environment the parent set, e.g.
 * NODE_TLS_REJECT_UNAUTHORIZED=0. Prints one JSON line with what each call saw.
 *   tsx tls-probe.ts <url> [ca-pem-file]
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { ApplicationFailure } from '@temporalio/common';
import { HttpClient } from '../../../activities/http/client';
import { closeAllPools } from '../../../activities/http/pool';

async function crosslinkCall(url: string, ca?: string): Promise<unknown> {
  const client = new HttpClient(
    url,
    'ApiKey probe',
    { label: 'probe', credentialField: 'x.apiKey', caField: 'x.caCert' },
    ca,
  );
  try {
    const res = await client.request({ method: 'GET', path: '/' });
    return { status: res.status };
  } catch (err) {
    return err instanceof ApplicationFailure ? { failure: err.type, message: err.message } : { error: String(err) };
  } finally {
    await closeAllPools();
  }
}

/** Node's own client with default options: what the environment variable does to unpinned code. */
function nodeDefaultCall(url: string): Promise<unknown> {
  return new Promise((resolve) => {
    https
      .get(url, (res) => {
        res.resume();
        resolve({ status: res.statusCode });
      })
      .on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
  });
}

async function main(): Promise<void> {
  const [url, caFile] = process.argv.slice(2);
  if (!url) throw new Error('usage: tls-probe <url> [ca-file]');
  const ca = caFile ? readFileSync(caFile, 'utf8') : undefined;
  const result = { crosslink: await crosslinkCall(url, ca), nodeDefault: await nodeDefaultCall(url) };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
