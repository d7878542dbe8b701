import { randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { SealedSecret } from '../../domain/records';
import { createSealer, keyId, parseSealingKey } from '../../activities/secrets/sealing';

const plaintext = 'aWQ6c2VjcmV0LWNyb3NzLWNsdXN0ZXIta2V5LXZhbHVl';

describe('sealing the cross-cluster API key', () => {
  const key = randomBytes(32);
  const sealer = createSealer(key);

  it('produces a SealedSecret that does not contain the plaintext and opens with the same key', () => {
    const sealed = sealer.seal(plaintext, 'conn-1');
    expect(SealedSecret.parse(sealed)).toEqual(sealed);
    expect(JSON.stringify(sealed)).not.toContain(plaintext);
    expect(JSON.stringify(sealed)).not.toContain(Buffer.from(plaintext).toString('base64'));
    expect(sealed.kid).toBe(keyId(key));
    expect(sealed.kid).toMatch(/^[0-9a-f]{8}$/);
    expect(sealer.unseal(sealed, 'conn-1')).toBe(plaintext);
  });

  it('uses a fresh IV each time', () => {
    expect(sealer.seal(plaintext).iv).not.toBe(sealer.seal(plaintext).iv);
  });

  it('refuses another key with SealedSecretInvalid naming both key ids, never the secret', () => {
    const sealed = sealer.seal(plaintext, 'conn-1');
    const other = createSealer(randomBytes(32));
    let error: unknown;
    try {
      other.unseal(sealed, 'conn-1');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApplicationFailure);
    const failure = error as ApplicationFailure;
    expect(failure.type).toBe('SealedSecretInvalid');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain(sealed.kid);
    expect(failure.message).toContain(other.kid);
    expect(failure.message).not.toContain(plaintext);
  });

  it('refuses a value sealed for another connection or altered', () => {
    const sealed = sealer.seal(plaintext, 'conn-1');
    expect(() => sealer.unseal(sealed, 'conn-2')).toThrow(expect.objectContaining({ type: 'SealedSecretInvalid' }));
    const flipped = Buffer.from(sealed.ciphertext, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => sealer.unseal({ ...sealed, ciphertext: flipped.toString('base64') }, 'conn-1')).toThrow(
      expect.objectContaining({ type: 'SealedSecretInvalid' }),
    );
  });

  it('accepts only 32-byte base64 keys', () => {
    expect(parseSealingKey(randomBytes(32).toString('base64'))).toHaveLength(32);
    expect(() => parseSealingKey(randomBytes(16).toString('base64'))).toThrow('sealingKey: must be 32 bytes');
  });
});
