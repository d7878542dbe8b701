/**
 * The local run's approver: a fresh Ed25519 key pair per run. The private key is written to a
 * 0600 file in a new temporary directory (for typing `crosslink approve --key` by hand); the public
 * key is the whole approval policy of the local worker. Never printed.
 */
import { type KeyObject, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApprovalPolicyConfigInput, type ApproverPublicKey, type ConnectionRequest } from '../../domain';

export interface LocalApprover {
  name: string;
  key: KeyObject;
  keyFile: string;
  policy: ApprovalPolicyConfigInput;
}

export function localApprover(request: Pick<ConnectionRequest, 'requestedBy' | 'approval'>): LocalApprover {
  // The request's (ignored) approver list still names a sensible identity for the local approver.
  const name = request.approval.approvers.find((a) => a !== request.requestedBy) ?? 'local-approver';
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
  };
}
