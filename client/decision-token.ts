/**
 * Signing a gate decision: a compact JWS (RFC 7515/7519) made with the approver's own private key,
 * whose claims bind it to one run, gate, decision and text, valid for a short time
 * (domain/approval-policy.ts says what the worker checks). The private key never leaves this process.
 */
import { randomUUID, type KeyObject, createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { DECISION_AUDIENCE, DECISION_TOKEN_TYPE, type DecisionKind, type StepId } from '../domain';

export interface DecisionToSign {
  approver: string;
  workflowId: string;
  runId: string;
  gate: StepId;
  decision: DecisionKind;
  text?: string;
  /** The digest of the change decided on (the pending gate's `change.digest`). */
  change?: string;
  ttlSeconds: number;
  now?: Date;
}

/** The JOSE algorithm of a private key: Ed25519 signs EdDSA, P-256 signs ES256. */
export function algorithmOf(key: KeyObject): 'EdDSA' | 'ES256' {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(`unsupported key type ${key.asymmetricKeyType ?? 'unknown'}: use an Ed25519 or P-256 private key`);
}

/** Reads a PEM (PKCS#8) private key; the error never quotes the file. */
export function readPrivateKey(pem: string, source: string): KeyObject {
  try {
    const key = createPrivateKey(pem);
    algorithmOf(key);
    return key;
  } catch (err) {
    throw new Error(`${source} is not an Ed25519 or P-256 private key in PEM: ${(err as Error).message}`);
  }
}

export function signDecision(key: KeyObject, d: DecisionToSign): Promise<string> {
  const iat = Math.floor((d.now ?? new Date()).getTime() / 1000);
  return new SignJWT({
    run: d.runId,
    gate: d.gate,
    decision: d.decision,
    ...(d.text ? { text: d.text } : {}),
    ...(d.change ? { change: d.change } : {}),
  })
    .setProtectedHeader({ alg: algorithmOf(key), typ: DECISION_TOKEN_TYPE })
    .setIssuer(d.approver)
    .setSubject(d.workflowId)
    .setAudience(DECISION_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + d.ttlSeconds)
    .setJti(randomUUID())
    .sign(key);
}
