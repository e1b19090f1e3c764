import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';

/**
 * Envelope encryption with AWS KMS: KMS generates a 256-bit data key (returned in plaintext and
 * encrypted under the KMS key), text is encrypted locally with AES-256-GCM, and only the encrypted data
 * key is stored beside the ciphertext. Reading needs `kms:Decrypt` on the KMS key, so people who may read
 * the record (metrics, scores) cannot read the text.
 *
 * The data key is cached and reused for a bounded time and number of encryptions, so most requests make no
 * KMS call. A fresh 96-bit random IV per encryption keeps GCM safe well within the use bound.
 */

/** One encrypted value, as stored in a record (all binary fields base64). */
export interface Envelope {
  /** Format version. */
  readonly v: 1;
  readonly alg: 'AES-256-GCM';
  /** The KMS key that encrypted the data key (ARN as KMS reports it). */
  readonly keyId: string;
  /** The data key, encrypted under the KMS key. */
  readonly encryptedKey: string;
  readonly iv: string;
  readonly tag: string;
  readonly ciphertext: string;
}

/** Limits of the data-key cache. */
export interface DataKeyCacheOptions {
  /** How long a data key is reused, in milliseconds. */
  readonly maxAgeMs: number;
  /** How many values one data key encrypts at most. */
  readonly maxUses: number;
}

/** Defaults: five minutes or 1,000 encryptions, whichever comes first (far below the GCM limit of 2^32 IVs). */
export const DEFAULT_CACHE: DataKeyCacheOptions = { maxAgeMs: 5 * 60 * 1000, maxUses: 1000 };

interface CachedKey {
  readonly plaintext: Buffer;
  readonly encrypted: string;
  readonly keyId: string;
  readonly created: number;
  uses: number;
}

/** Options of {@link EnvelopeEncryptor}. */
export interface EnvelopeEncryptorOptions {
  readonly kms: KMSClient;
  /** The KMS key id or ARN. */
  readonly keyId: string;
  /** KMS encryption context of every data key (the same pairs are needed to decrypt it). */
  readonly encryptionContext: { [key: string]: string };
  readonly cache?: DataKeyCacheOptions;
  /** Per-call timeout of GenerateDataKey, in milliseconds. @default 3000 */
  readonly timeoutMs?: number;
  /** The clock (tests). */
  readonly now?: () => number;
}

/** Encrypts values under a KMS key with a cached data key. One instance per Lambda container. */
export class EnvelopeEncryptor {
  private cached?: CachedKey;
  private pending?: Promise<CachedKey>;
  private readonly cache: DataKeyCacheOptions;
  private readonly now: () => number;

  constructor(private readonly options: EnvelopeEncryptorOptions) {
    this.cache = options.cache ?? DEFAULT_CACHE;
    this.now = options.now ?? Date.now;
  }

  /**
   * Makes sure a usable data key is cached (calls KMS only when the cached one is too old or used up).
   * Call it before expensive work so a KMS failure is known early; throws the KMS error.
   */
  public async ready(uses = 1, timeoutMs?: number): Promise<void> {
    const current = this.cached;
    if (current && this.now() - current.created < this.cache.maxAgeMs && current.uses + uses <= this.cache.maxUses) return;
    this.cached = undefined;
    this.pending ??= this.generate(timeoutMs).finally(() => {
      this.pending = undefined;
    });
    this.cached = await this.pending;
  }

  /**
   * Encrypts `plaintext`, binding it to `aad` (e.g. the request id and the field): decryption with another aad
   * fails. Calls KMS only when the cached data key is used up (then within `timeoutMs`).
   */
  public async encrypt(plaintext: string, aad: string, timeoutMs?: number): Promise<Envelope> {
    await this.ready(1, timeoutMs);
    const key = this.cached!;
    key.uses++;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.plaintext, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      v: 1,
      alg: 'AES-256-GCM',
      keyId: key.keyId,
      encryptedKey: key.encrypted,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ciphertext: ciphertext.toString('base64'),
    };
  }

  /** Drops the cached data key (e.g. when the container is told to stop). */
  public clear(): void {
    this.cached?.plaintext.fill(0);
    this.cached = undefined;
  }

  private async generate(timeoutMs?: number): Promise<CachedKey> {
    const out = await this.options.kms.send(
      new GenerateDataKeyCommand({ KeyId: this.options.keyId, KeySpec: 'AES_256', EncryptionContext: this.options.encryptionContext }),
      { abortSignal: AbortSignal.timeout(timeoutMs ?? this.options.timeoutMs ?? 3000) },
    );
    if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS returned no data key');
    return {
      plaintext: Buffer.from(out.Plaintext),
      encrypted: Buffer.from(out.CiphertextBlob).toString('base64'),
      keyId: out.KeyId ?? this.options.keyId,
      created: this.now(),
      uses: 0,
    };
  }
}

/** What {@link decryptEnvelope} needs besides the envelope. */
export interface DecryptOptions {
  /** The additional authenticated data the value was encrypted with (for traces: `traceAad(requestId, field)`). */
  readonly aad: string;
  /** The KMS encryption context of the data key. */
  readonly encryptionContext: { [key: string]: string };
  /**
   * The KMS key the data key must have been encrypted under (from the reader's own configuration). The
   * envelope's `keyId` is never used: a record someone could write must not choose the key KMS decrypts with.
   */
  readonly keyId: string;
}

/**
 * Decrypts an {@link Envelope} (for reviewers' tools and tests); needs `kms:Decrypt` on `keyId` and the same
 * encryption context. KMS refuses when the data key was encrypted under another key.
 */
export async function decryptEnvelope(kms: KMSClient, envelope: Envelope, options: DecryptOptions): Promise<string> {
  const out = await kms.send(
    new DecryptCommand({ CiphertextBlob: Buffer.from(envelope.encryptedKey, 'base64'), EncryptionContext: options.encryptionContext, KeyId: options.keyId }),
  );
  if (!out.Plaintext) throw new Error('KMS returned no plaintext key');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(out.Plaintext), Buffer.from(envelope.iv, 'base64'));
  decipher.setAAD(Buffer.from(options.aad, 'utf8'));
  decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64')), decipher.final()]).toString('utf8');
}
