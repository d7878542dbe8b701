import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../domain/failures';
import { type SealedSecret } from '../../domain/records';

/**
 * AES-256-GCM with a key only workers hold: the cross-cluster API key crosses workflow history
 * only in this form. `associatedData` (the connection id) binds a sealed value to its connection.
 */
export interface Sealer {
  readonly kid: string;
  seal(plaintext: string, associatedData?: string): SealedSecret;
  unseal(sealed: SealedSecret, associatedData?: string): string;
}

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** Decode a base64 sealing key; it must be exactly 32 bytes. */
export function parseSealingKey(base64: string, field = 'sealingKey'): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) {
    throw new Error(
      `${field}: must be 32 bytes encoded in base64 (got ${key.length} bytes); generate one with "openssl rand -base64 32"`,
    );
  }
  return key;
}

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: FailureType.SealedSecretInvalid, nonRetryable: true });
}

export function createSealer(key: Buffer): Sealer {
  if (key.length !== 32) throw new Error(`sealing key must be 32 bytes (got ${key.length})`);
  const kid = keyId(key);
  return {
    kid,
    seal(plaintext, associatedData) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      if (associatedData) cipher.setAAD(Buffer.from(associatedData, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return {
        alg: 'A256GCM',
        kid,
        iv: iv.toString('base64'),
        ciphertext: ciphertext.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
      };
    },
    unseal(sealed, associatedData) {
      if (sealed.kid !== kid) {
        throw invalid(
          `the cross-cluster API key was sealed with key ${sealed.kid} but this worker holds key ${kid}: run the worker with the same sealing key, or roll back and start the connection again`,
        );
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
        if (associatedData) decipher.setAAD(Buffer.from(associatedData, 'utf8'));
        decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw invalid(
          `the sealed cross-cluster API key (key ${kid}) failed authentication: it was altered or belongs to another connection`,
        );
      }
    },
  };
}
