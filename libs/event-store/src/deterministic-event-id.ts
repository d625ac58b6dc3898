/**
 * Event ids derived from a client's Idempotency-Key: a retried request derives the same ids,
 * and EventStoreDB ignores an append whose event ids it already stored, so a retry appends
 * nothing twice (ARCHITECTURE.md "Consistency rules").
 */
import { createHash } from 'node:crypto';

/** The project's own namespace, so keys never collide with ids derived by other software. */
const NAMESPACE = Buffer.from('5c0b7f1e6a2d4e8b9d3f2a7c41e0b9d6', 'hex');

/**
 * The id of the `index`-th event appended by the command carrying `key`.
 *
 * Layout of a name-based UUID (RFC 9562 section 5.5) with SHA-256 in place of SHA-1: the
 * first 16 bytes of SHA-256(namespace | key | 0x00 | index), version nibble 5 and the RFC
 * variant bits. The version stays 5 rather than 8 because some tools accept only 1-5.
 */
export const deterministicEventId = (key: string, index: number): string => {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new RangeError(`Event index must be a non-negative integer, got ${index}.`);
  }
  const hash = createHash('sha256')
    .update(NAMESPACE)
    .update(key, 'utf8')
    .update(Buffer.from([0]))
    .update(String(index), 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
