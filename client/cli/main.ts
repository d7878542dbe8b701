/** `crosslink` / `npm run crosslink --`: the operator CLI as a process. */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Client } from '@temporalio/client';
import { type TemporalTarget, connectClient, resolveTemporalTarget } from '../temporal-connection';
import { type CliContext } from './context';
import { cliInvocation } from './invocation';
import { runCli } from './program';

// A reader that stops early (`crosslink --help | head`) closes the pipe: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

let target: TemporalTarget | undefined;
let client: Promise<Client> | undefined;

const ctx: CliContext = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  isTTY: Boolean(process.stdout.isTTY),
  target: () => (target ??= resolveTemporalTarget()),
  client: () => (client ??= connectClient(ctx.target())),
  readFile: (path) => readFileSync(path === '-' ? 0 : path, 'utf8'),
  now: () => new Date(),
  sleep: (ms) => sleep(ms).then(() => undefined),
  invocation: cliInvocation({ env: process.env, script: process.argv[1], cwd: process.cwd() }),
};

runCli(process.argv.slice(2), ctx)
  .then(async (code) => {
    if (client) await (await client.catch(() => undefined))?.connection.close();
    process.exitCode = code;
  })
  .catch((err: unknown) => {
    process.stderr.write(`crosslink: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
