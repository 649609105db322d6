/**
 * Identity numbers (居民身份证号) are sensitive: child files keep them encrypted with AES-256-GCM and find them by a
 * keyed HMAC-SHA256 hash, so the database never holds a number in clear and a lookup needs the key.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export interface IdentityKeys {
  /** 32 bytes for AES-256-GCM. */
  encryptionKey: Buffer;
  /** At least 32 bytes for HMAC-SHA256. */
  hmacKey: Buffer;
}

/**
 * Both keys from the one configured secret (CHILD_DATA_KEY), by HKDF with distinct labels, so an encryption key is
 * never also used as a MAC key.
 */
export function deriveIdentityKeys(childDataKey: Buffer): IdentityKeys {
  const derive = (label: string) =>
    Buffer.from(hkdfSync('sha256', childDataKey, Buffer.alloc(0), `childsafe ${label}`, 32));
  return { encryptionKey: derive('identity-encryption'), hmacKey: derive('identity-lookup-hmac') };
}

export class IdentityKeyError extends Error {
  override readonly name = 'IdentityKeyError';
}

export class IdentityCiphertextError extends Error {
  override readonly name = 'IdentityCiphertextError';
}

const FORMAT = 'v1';
const IV_BYTES = 12;

/** "110105 20100101 123x" and "11010520100101123X" are the same number. */
export function normalizeIdNumber(idNumber: string): string {
  return idNumber.replace(/\s+/g, '').toUpperCase();
}

export interface IdentityCrypto {
  /** `v1:<iv>:<tag>:<ciphertext>`, base64; a fresh IV each time. */
  encrypt(idNumber: string): string;
  decrypt(sealed: string): string;
  /** Hex HMAC of the normalized number: equal numbers give equal hashes, without revealing the number. */
  hash(idNumber: string): string;
  /** Hex HMAC of any other lookup key (e.g. a provisional file's report receipt), in its own domain. */
  hashKey(domain: string, key: string): string;
}

export function createIdentityCrypto(keys: IdentityKeys): IdentityCrypto {
  if (keys.encryptionKey.length !== 32) throw new IdentityKeyError('encryptionKey must be 32 bytes (AES-256)');
  if (keys.hmacKey.length < 32) throw new IdentityKeyError('hmacKey must be at least 32 bytes');
  const { encryptionKey, hmacKey } = keys;
  const hmac = (text: string) => createHmac('sha256', hmacKey).update(text, 'utf8').digest('hex');

  return {
    encrypt(idNumber) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv);
      const ciphertext = Buffer.concat([cipher.update(normalizeIdNumber(idNumber), 'utf8'), cipher.final()]);
      return [
        FORMAT,
        iv.toString('base64'),
        cipher.getAuthTag().toString('base64'),
        ciphertext.toString('base64'),
      ].join(':');
    },
    decrypt(sealed) {
      const [format, iv, tag, ciphertext] = sealed.split(':');
      if (format !== FORMAT || !iv || !tag || ciphertext === undefined) {
        throw new IdentityCiphertextError('not a sealed identity number');
      }
      const decipher = createDecipheriv('aes-256-gcm', encryptionKey, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
      } catch {
        throw new IdentityCiphertextError('identity number failed authentication (wrong key or tampered)');
      }
    },
    hash(idNumber) {
      return hmac(`id:${normalizeIdNumber(idNumber)}`);
    },
    hashKey(domain, key) {
      return hmac(`${domain}:${key}`);
    },
  };
}
