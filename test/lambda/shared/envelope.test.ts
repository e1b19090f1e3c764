import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { randomBytes } from 'node:crypto';
import { decryptEnvelope, EnvelopeEncryptor } from '../../../lambda/shared/envelope';

const kms = mockClient(KMSClient);
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/k';
const CONTEXT = { purpose: 'test' };
let keys: Buffer[];

beforeEach(() => {
  kms.reset();
  keys = [];
  kms.on(GenerateDataKeyCommand).callsFake(() => {
    const plaintext = randomBytes(32);
    keys.push(plaintext);
    return { Plaintext: new Uint8Array(plaintext), CiphertextBlob: new Uint8Array(Buffer.from(`enc-${keys.length - 1}`)), KeyId: KEY };
  });
  kms.on(DecryptCommand).callsFake((input) => {
    const index = Number(Buffer.from(input.CiphertextBlob).toString().slice(4));
    return { Plaintext: new Uint8Array(keys[index]) };
  });
});

function encryptor(now: () => number, maxAgeMs = 1000, maxUses = 3) {
  return new EnvelopeEncryptor({ kms: new KMSClient({}), keyId: KEY, encryptionContext: CONTEXT, cache: { maxAgeMs, maxUses }, now });
}

describe('EnvelopeEncryptor', () => {
  test('round trip: AES-256-GCM under a KMS data key, bound to the aad', async () => {
    const e = encryptor(() => 0);
    const env = await e.encrypt('secret prompt', 'req-1');
    expect(env).toEqual({ v: 1, alg: 'AES-256-GCM', keyId: KEY, encryptedKey: Buffer.from('enc-0').toString('base64'), iv: expect.any(String), tag: expect.any(String), ciphertext: expect.any(String) });
    expect(Buffer.from(env.iv, 'base64')).toHaveLength(12);
    expect(JSON.stringify(env)).not.toContain('secret');
    const open = (e: typeof env, aad: string) => decryptEnvelope(new KMSClient({}), e, { aad, encryptionContext: CONTEXT, keyId: KEY });
    expect(await open(env, 'req-1')).toBe('secret prompt');
    await expect(open(env, 'req-2')).rejects.toThrow();
    const tampered = { ...env, ciphertext: Buffer.from('x' + Buffer.from(env.ciphertext, 'base64').toString('latin1'), 'latin1').toString('base64') };
    await expect(open(tampered, 'req-1')).rejects.toThrow();
    expect(kms.commandCalls(GenerateDataKeyCommand)[0].args[0].input).toEqual({ KeyId: KEY, KeySpec: 'AES_256', EncryptionContext: CONTEXT });
    expect(kms.commandCalls(DecryptCommand)[0].args[0].input.EncryptionContext).toEqual(CONTEXT);
  });

  test('decryption never trusts the keyId written in the envelope: KMS is asked with the reader\'s key', async () => {
    const env = await encryptor(() => 0).encrypt('secret prompt', 'req-1');
    const forged = { ...env, keyId: 'arn:aws:kms:us-east-1:999999999999:key/attacker' };
    expect(await decryptEnvelope(new KMSClient({}), forged, { aad: 'req-1', encryptionContext: CONTEXT, keyId: KEY })).toBe('secret prompt');
    expect(kms.commandCalls(DecryptCommand).map((c) => c.args[0].input.KeyId)).toEqual([KEY]);
  });

  test('the data key is reused up to maxUses encryptions', async () => {
    const e = encryptor(() => 0, 1000, 3);
    for (let i = 0; i < 7; i++) await e.encrypt(`t${i}`, 'a');
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(3);
  });

  test('the data key is replaced after maxAgeMs', async () => {
    let now = 0;
    const e = encryptor(() => now, 1000, 100);
    await e.encrypt('a', 'a');
    now = 999;
    await e.encrypt('b', 'a');
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(1);
    now = 1000;
    const env = await e.encrypt('c', 'a');
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(2);
    expect(env.encryptedKey).toBe(Buffer.from('enc-1').toString('base64'));
  });

  test('concurrent callers share one GenerateDataKey call', async () => {
    const e = encryptor(() => 0, 1000, 100);
    await Promise.all([e.encrypt('a', 'a'), e.encrypt('b', 'b'), e.encrypt('c', 'c')]);
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(1);
  });

  test('a KMS failure is thrown and not cached; the next call retries', async () => {
    const e = encryptor(() => 0);
    kms.on(GenerateDataKeyCommand).rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDeniedException' })).resolves({
      Plaintext: new Uint8Array(randomBytes(32)),
      CiphertextBlob: new Uint8Array(Buffer.from('enc-x')),
      KeyId: KEY,
    });
    await expect(e.ready()).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(e.encrypt('a', 'a')).resolves.toEqual(expect.objectContaining({ alg: 'AES-256-GCM', encryptedKey: Buffer.from('enc-x').toString('base64') }));
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(2);
  });

  test('clear drops the cached key', async () => {
    const e = encryptor(() => 0, 1000, 100);
    await e.encrypt('a', 'a');
    e.clear();
    await e.encrypt('b', 'a');
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(2);
  });
});
