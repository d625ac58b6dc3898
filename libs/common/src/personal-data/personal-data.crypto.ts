/**
 * Pure building blocks of crypto-shredding (ARCHITECTURE.md "Consistency rules"): sealing a
 * value with one subject's key, opening it again, and the keyed hashes that stand in for
 * emails and IPs wherever a lookup key is needed. No I/O here, so every rule is unit-tested.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { Sealed } from '@qa/domain';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A fresh 256-bit subject key, base64 as `SubjectKeyCreated.key` carries it. */
export function generateSubjectKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

function keyBytes(key: string): Buffer {
  const bytes = Buffer.from(key, 'base64');
  if (bytes.length !== KEY_BYTES) throw new Error(`A subject key must be ${KEY_BYTES} bytes.`);
  return bytes;
}

/**
 * Encrypts with the subject's key. The subject is bound as additional authenticated data so
 * a sealed value relabelled with another subject fails to open instead of decrypting.
 */
export function sealWithKey(subject: string, key: string, plaintext: string): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, keyBytes(key), iv);
  cipher.setAAD(Buffer.from(subject, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return { subject, data: Buffer.concat([iv, tag, ciphertext]).toString('base64') };
}

/** Decrypts a sealed value; throws when the key is wrong or the data was tampered with. */
export function openWithKey(sealed: Sealed, key: string): string {
  const raw = Buffer.from(sealed.data, 'base64');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('Sealed data is truncated.');
  const decipher = createDecipheriv(ALGORITHM, keyBytes(key), raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(sealed.subject, 'utf8'));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([
    decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
    decipher.final(),
  ]).toString('utf8');
}

export function hmacSha256Hex(hashKey: string, value: string): string {
  return createHmac('sha256', hashKey).update(value, 'utf8').digest('hex');
}

/** The same address always hashes the same, whatever its case or surrounding spaces. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Keyed hash of an email: the `useremail-<hash>` reservation key and the unsubscribe key. */
export function hashEmail(hashKey: string, email: string): string {
  return hmacSha256Hex(hashKey, normaliseEmail(email));
}

export function hashIp(hashKey: string, ip: string): string {
  return hmacSha256Hex(hashKey, ip.trim().toLowerCase());
}

/** Subject of an anonymous poster's email: one key per address, so erasing it is possible. */
export function anonymousEmailSubject(hashKey: string, email: string): string {
  return `anon${hashEmail(hashKey, email).slice(0, 32)}`;
}
