/**
 * The local run's approver: a fresh Ed25519 key pair per run, under the local run's own name. The
 * private key is written to a 0600 file in a new temporary folder (for typing `crosslink approve
 * --key` by hand) and removed with it when the run ends (`dispose`); the public key is the whole
 * approval policy of the local worker. Never printed.
 */
import { type KeyObject, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type ApprovalPolicyConfigInput, type ApproverPublicKey, type ConnectionRequest } from '../../domain';
import { LOCAL_APPROVER } from './default-request';

export interface LocalApprover {
  name: string;
  key: KeyObject;
  keyFile: string;
  policy: ApprovalPolicyConfigInput;
  /** Removes the key file and its folder (idempotent). */
  dispose(): void;
}

/**
 * The approver is the local policy's, as on a real worker: a request's `approval.approvers` is
 * ignored there, so it is ignored here too. Four-eyes: never the requester.
 */
export function localApprover(request: Pick<ConnectionRequest, 'requestedBy'>): LocalApprover {
  const name = request.requestedBy === LOCAL_APPROVER ? 'local-approver' : LOCAL_APPROVER;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keyFile = join(mkdtempSync(join(tmpdir(), 'crosslink-local-')), `${name}.pem`);
  writeFileSync(keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), { mode: 0o600, flag: 'wx' });
  return {
    name,
    key: privateKey,
    keyFile,
    policy: {
      approvers: { [name]: { publicKey: publicKey.export({ format: 'jwk' }) as ApproverPublicKey } },
      rules: [{ approvers: [name] }],
    },
    dispose: () => rmSync(dirname(keyFile), { recursive: true, force: true }),
  };
}
