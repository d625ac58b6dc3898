/**
 * What an auditor may see of a stored event: everything that explains who did what and why,
 * nothing that identifies a person beyond their user id. Sealed values (emails) and keyed
 * hashes (of emails and IPs) are replaced, the password hash is dropped, and the streams that
 * hold encryption keys are never shown at all, because a key would open every sealed copy.
 */
import type { StoredEvent } from '@qa/event-store';

export const REDACTED = '[redacted]';

/** Fields whose values are personal data (or a stable pseudonym of it) wherever they appear. */
const PERSONAL_FIELDS: ReadonlySet<string> = new Set(['ipHash', 'emailHash', 'passwordHash']);

/** `subjectkey-<subject>`: key material, never shown or exported. */
export const isKeyStream = (stream: string) => stream.startsWith('subjectkey-');

const isSealed = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length === 2 &&
  typeof (value as { subject?: unknown }).subject === 'string' &&
  typeof (value as { data?: unknown }).data === 'string';

/** A deep copy of `value` with every sealed value and personal field redacted. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value !== 'object' || value === null) return value;
  if (isSealed(value)) return REDACTED;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    out[key] =
      PERSONAL_FIELDS.has(key) && field !== null && field !== undefined ? REDACTED : redact(field);
  }
  return out;
}

export interface AuditedEvent {
  id: string;
  stream: string;
  revision: string;
  /** `$all` commit position, decimal. */
  position: string;
  type: string;
  /** The server's record time. */
  recordedAt: string;
  data: unknown;
  metadata: {
    actor: string | null;
    at: string | null;
    correlationId: string | null;
    causationId: string | null;
    schemaVersion: number | null;
    ipHash: string | null;
  };
}

/** One event as the audit endpoint and the export show it. */
export function auditedEvent(event: StoredEvent): AuditedEvent {
  const m = (event.metadata ?? {}) as Partial<StoredEvent['metadata']>;
  return {
    id: event.id,
    stream: event.stream,
    revision: event.revision.toString(),
    position: event.position ? event.position.commit.toString() : '',
    type: event.type,
    recordedAt: event.created instanceof Date ? event.created.toISOString() : String(event.created),
    data: redact(event.data),
    metadata: {
      actor: m.actor ?? null,
      at: m.at ?? null,
      correlationId: m.correlationId ?? null,
      causationId: m.causationId ?? null,
      schemaVersion: m.schemaVersion ?? null,
      ipHash: m.ipHash ? REDACTED : null,
    },
  };
}
