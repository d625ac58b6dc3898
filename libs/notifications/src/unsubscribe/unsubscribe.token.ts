/**
 * Unsubscribe tokens: base64url(emailHash | HMAC-SHA256(secret, emailHash)). The email hash is
 * already a keyed hash, so the token reveals no address; the signature makes it unforgeable,
 * and it never expires, because an unsubscribe link in an old email must keep working.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const HASH_BYTES = 32;
const SIGNATURE_BYTES = 32;
const DOMAIN = 'qa-unsubscribe-v1';

function sign(secret: string, hash: Buffer): Buffer {
  return createHmac('sha256', secret).update(DOMAIN).update(hash).digest();
}

/** `emailHash` is the hex `hashEmail` of the address. */
export function createUnsubscribeToken(secret: string, emailHash: string): string {
  const hash = Buffer.from(emailHash, 'hex');
  if (hash.length !== HASH_BYTES) throw new Error('An email hash is 32 bytes of hex.');
  return Buffer.concat([hash, sign(secret, hash)]).toString('base64url');
}

/** The email hash a genuine token names, or null for anything else. */
export function verifyUnsubscribeToken(secret: string, token: unknown): string | null {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{86}$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== HASH_BYTES + SIGNATURE_BYTES) return null;
  const hash = raw.subarray(0, HASH_BYTES);
  const expected = sign(secret, hash);
  if (!timingSafeEqual(expected, raw.subarray(HASH_BYTES))) return null;
  return hash.toString('hex');
}

export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/api/v1/notifications/unsubscribe?token=${token}`;
}
