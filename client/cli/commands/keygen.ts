import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Identity, parseOrThrow } from '../../../domain';
import { type CliContext, cliCommand } from '../context';
import { CliError } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';

/**
 * `crosslink keygen`: an Ed25519 key pair for signing gate decisions. The private key goes to a new
 * file readable only by its owner (never printed); the public JWK is printed as the entry the
 * operator adds to `approvals.approvers` in the worker's environments file.
 */
export function keygenCommand(ctx: CliContext, opts: { out: string; as: string; json?: boolean }): ExitCode {
  const name = parseOrThrow(Identity, opts.as, 'approver name');
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  try {
    // `wx`: never overwrite an existing key; 0600: only the owner reads it.
    writeFileSync(opts.out, pem, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    throw new CliError(EXIT.INVALID_INPUT, `cannot write ${opts.out}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  const entry = { [name]: { publicKey: publicKey.export({ format: 'jwk' }) } };
  ctx.out(
    opts.json
      ? JSON.stringify({ privateKeyFile: opts.out, approvers: entry })
      : `Private key written to ${opts.out} (keep it to yourself; ${cliCommand(ctx)} approve --key ${opts.out}).\n` +
          `Ask the operator to add this to "approvals.approvers" in the worker's environments file:\n` +
          JSON.stringify(entry, null, 2),
  );
  return EXIT.OK;
}
