/** rotate's source of the old credential: the sealed key record in a recorded connect run's history. */
import { sealedCredentialIn } from '../../client/previous-credential';
import { recordedHistory } from './cli-fixtures';

test('a connected run holds the sealed credential of the key it created, with the key id', () => {
  const found = sealedCredentialIn(recordedHistory('connected').events ?? []);
  expect(found).toMatchObject({ keyId: expect.any(String), sealed: { alg: 'A256GCM', kid: expect.any(String) } });
  // Sealed, never plaintext: no "id:secret" base64 next to the ciphertext.
  expect(Object.keys(found!.sealed).sort()).toEqual(['alg', 'ciphertext', 'iv', 'kid', 'tag']);
});

test('a history without a completed key creation holds none', () => {
  const events = (recordedHistory('connected').events ?? []).filter((e) => !e.activityTaskCompletedEventAttributes);
  expect(sealedCredentialIn(events)).toBeUndefined();
});
